"""The developer (user) admin: each developer with their tokens, in Korean as in English."""

import re

import pytest
from django.urls import reverse

from accounts.models import ApiToken

LIST = reverse("admin:auth_user_changelist")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_it_counts_each_developer_s_tokens_and_links_to_them(staff_client, developer, outsider):
    ApiToken.issue(developer, "Shop", "shop.example")
    ApiToken.issue(developer, "Blog", "blog.example")
    ApiToken.issue(outsider, "Other", "other.example")
    page = staff_client.get(LIST, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    link = re.search(rf'<a href="([^"]*owner__id__exact={developer.pk})">2</a>', page.replace("&amp;", "&"))
    assert link, "no link to the developer's 2 tokens"
    assert ">토큰<" in page
    tokens = staff_client.get(link.group(1)).content.decode()
    assert "Shop" in tokens and "Blog" in tokens and "Other" not in tokens


def test_it_shows_the_tokens_on_the_developer_s_page(staff_client, developer):
    token, _ = ApiToken.issue(developer, "Shop", "shop.example")
    page = staff_client.get(reverse("admin:auth_user_change", args=[developer.pk])).content.decode()
    assert "Shop" in page and token.masked in page
    assert reverse("admin:accounts_apitoken_change", args=[token.pk]) in page
