"""What follows a developer's confirmation of their email address: their test token, at once (test mode needs no
approval), so that the test page and the docs' examples work for them from their first visit."""

from allauth.account.signals import email_confirmed
from django.dispatch import receiver


@receiver(email_confirmed)
def issue_test_token(request, email_address, **_kwargs):
    from accounts.models import ApiToken

    ApiToken.test_token_for(email_address.user)
