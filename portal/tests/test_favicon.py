"""/favicon.ico, which every browser asks for."""

from urllib.request import urlopen

import pytest


@pytest.mark.django_db
def test_it_answers_the_icon_not_the_404_page(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # the ICO signature
    assert "max-age=2592000" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_answers_over_http_from_the_live_server(live_server):
    with urlopen(f"{live_server.url}/favicon.ico") as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "image/x-icon"
