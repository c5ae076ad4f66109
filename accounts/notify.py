"""Mail about tokens: staff hear of an application that waits for them, developers of what staff decided.

A developer's language is not stored, so their mail carries Korean and English. A mail that cannot be
sent is logged; it never undoes or blocks the state change it reports.
"""

import logging
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.adapter import site_url
from accounts.models import ApiToken
from accounts.restrictions import Restriction

log = logging.getLogger(__name__)
BOTH_LANGUAGES = ("ko", "en")


def support_email():
    """The address developers write to about their tokens: SUPPORT_EMAIL, else support@ the portal's domain (that of
    SITE_URL, or of the mail sender), never the sender itself, which is often a no-reply address. check --deploy warns
    when production leaves it to this guess."""
    if settings.SUPPORT_EMAIL:
        return parseaddr(settings.SUPPORT_EMAIL)[1]
    domain = urlsplit(settings.SITE_URL).hostname or parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
    return f"support@{domain.removeprefix('www.')}"


def application_waiting(request, token):
    """Tells every active staff member that a token application waits for approval."""
    staff = get_user_model().objects.filter(is_staff=True, is_active=True).exclude(email="")
    recipients = list(staff.values_list("email", flat=True))
    if not recipients:
        return
    url = site_url(request, reverse("admin:accounts_apitoken_change", args=[token.pk]))
    send_in_both_languages("accounts/mail/application_waiting", {"token": token, "url": url}, recipients)


def state_changed_by_staff(request, token):
    """Tells the developer that staff approved, rejected, suspended, reactivated or revoked their token."""
    _tell_owner(request, token, "accounts/mail/state_changed")


def rate_limit_changed_by_staff(request, token):
    """Tells the developer that staff set their token's rate limit (or gave it back the site default)."""
    _tell_owner(request, token, "accounts/mail/rate_limit_changed")


def _tell_owner(request, token, template):
    if not token.owner.email:
        return
    url = site_url(request, reverse("accounts:token_detail", args=[token.pk]))
    last = token.events.order_by("-created_at", "-id").first()
    context = {"token": token, "url": url, "support_email": support_email(), "kind": last.kind if last else ""}
    send_in_both_languages(template, context, [token.owner.email])


def send_in_both_languages(template, context, recipients):
    """One mail in Korean and English (a developer's language is not stored); logged, not raised, on failure."""
    subjects, bodies = [], []
    for language in BOTH_LANGUAGES:
        with translation.override(language):
            subjects.append(render_to_string(f"{template}_subject.txt", context).strip())
            bodies.append(render_to_string(f"{template}.txt", context).strip())
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " / ".join(subjects)
    try:
        send_mail(subject, "\n\n-----\n\n".join(bodies) + "\n", None, recipients)
    except Exception as exc:  # the mail server is down: the decision stands, staff can tell the developer
        log.warning("Token mail %s to %d recipient(s) not sent: %s", template, len(recipients), exc)


def legacy_tokens():
    """Tells each developer once about their live tokens still under the legacy restriction (one mail listing them
    all); marks each token told. Returns how many mails went out."""
    untold = ApiToken.objects.live().filter(restriction=Restriction.LEGACY, legacy_notified_at__isnull=True)
    untold = untold.exclude(state__in=[ApiToken.State.REVOKED, ApiToken.State.REJECTED]).select_related("owner")
    by_owner = {}
    for token in untold:
        by_owner.setdefault(token.owner, []).append(token)
    sent = 0
    for owner, tokens in by_owner.items():
        # Marked first: a mail that fails is logged, never sent twice (the token's page says it all the same).
        ApiToken.objects.filter(pk__in=[token.pk for token in tokens]).update(legacy_notified_at=timezone.now())
        if not owner.email:
            continue
        # Sent by the scheduler, with no request: on SITE_URL (required in production), a path in development.
        links = [(token, settings.SITE_URL + reverse("accounts:token_detail", args=[token.pk])) for token in tokens]
        context = {"tokens": links, "support_email": support_email()}
        send_in_both_languages("accounts/mail/legacy_tokens", context, [owner.email])
        sent += 1
    return sent


def suspended_for_review(developer, tokens, reporters):
    """Tells the developer and staff that recipients' spam reports suspended the developer's tokens for review."""
    staff = get_user_model().objects.filter(is_staff=True, is_active=True).exclude(email="")
    links = [(token, settings.SITE_URL + reverse("accounts:token_detail", args=[token.pk])) for token in tokens]
    context = {"developer": developer, "tokens": links, "reporters": reporters, "support_email": support_email()}
    if developer.email:
        send_in_both_languages("accounts/mail/suspended_for_review", context, [developer.email])
    recipients = list(staff.values_list("email", flat=True))
    if recipients:
        admin = settings.SITE_URL + reverse("admin:api_spamreport_changelist") + f"?developer__id__exact={developer.pk}"
        send_in_both_languages("accounts/mail/suspended_for_review_staff", {**context, "admin": admin}, recipients)
