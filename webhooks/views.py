"""The developer's webhook pages: a token's endpoints, each endpoint's secret and its delivery log."""

import logging
import math
from datetime import timedelta

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables

from accounts.access import owned, owned_token
from accounts.show_once import secret_page, show_once
from webhooks import delivery, tasks
from webhooks.forms import (
    DeliveryFilterForm,
    EditEndpointForm,
    EndpointForm,
    EndpointsLimitReached,
    ResendFailedForm,
    RollSecretForm,
)
from webhooks.models import CALL_REQUEST_EVENTS, ManualSend, WebhookDelivery, WebhookEndpoint

log = logging.getLogger(__name__)
READ = ("GET", "HEAD")
WRITE = ("POST",)
PAGE_SIZE = 20


def _get_endpoint_for_user(request, endpoint_id):
    """The signed-in developer's endpoint; 404 for anyone else's."""
    endpoints = WebhookEndpoint.objects.select_related("token").filter(token__owner=request.user)
    return get_object_or_404(endpoints, public_id=endpoint_id)


def owned_endpoint(methods):
    """Passes the signed-in developer's own endpoint (the URL's endpoint_id) to the view."""
    return owned(_get_endpoint_for_user, methods, "endpoint_id")


def _old_secret_until(endpoint):
    """Until when a rolled secret's predecessor still signs, or None."""
    until = endpoint.previous_secret_until
    return until if until and until > timezone.now() else None


def _in_life_order(events):
    """An endpoint's events in the order of a call request's life (created first), not alphabetically."""
    return [event for event in CALL_REQUEST_EVENTS if event in events]


def _enqueue_after_commit(delivery_ids):
    transaction.on_commit(lambda: tasks.enqueue_deliveries(delivery_ids))


@owned_token(READ)
def endpoint_list(request, token):
    endpoints = list(WebhookEndpoint.objects.for_token(token))
    for endpoint in endpoints:
        endpoint.events_in_order = _in_life_order(endpoint.events)
    context = {"token": token, "endpoints": endpoints, "cap": settings.WEBHOOK_ENDPOINTS_PER_TOKEN}
    return render(request, "webhooks/endpoint_list.html", context)


@owned_token(READ + WRITE)
def endpoint_add(request, token):
    if token.is_closed:
        messages.error(request, _("A revoked or rejected token gets no new webhook endpoints."))
        return redirect("webhooks:endpoint_list", token.pk)
    form = EndpointForm(request.POST or None, token=token, initial={"events": CALL_REQUEST_EVENTS})
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = form.add()
        except EndpointsLimitReached:
            form.add_error(
                None,
                _("This token already has %(cap)d endpoints, the most it may have. Delete one you no longer use.")
                % {"cap": settings.WEBHOOK_ENDPOINTS_PER_TOKEN},
            )
        else:
            return show_once(request, "webhooks:secret_issued", endpoint.public_id, secret)
    return render(request, "webhooks/endpoint_add.html", {"token": token, "form": form})


@owned_endpoint(READ)
@never_cache
def secret_issued(request, endpoint):
    note = _("The full secret is shown only once. To see it again, reveal it and confirm your password.")
    page, key = "webhooks:secret_issued", endpoint.public_id
    detail = reverse("webhooks:endpoint_detail", args=[key])
    context = {"endpoint": endpoint, "old_secret_until": _old_secret_until(endpoint)}
    return secret_page(request, page, key, "webhooks/secret_issued.html", context, detail, note)


def _render_detail(request, endpoint, form=None):
    initial = {"url": endpoint.url, "events": endpoint.events, "enabled": endpoint.enabled}
    context = {
        "endpoint": endpoint,
        "token": endpoint.token,
        "events": _in_life_order(endpoint.events),
        "form": form or EditEndpointForm(token=endpoint.token, endpoint=endpoint, initial=initial),
        "recent": WebhookDelivery.objects.for_endpoint(endpoint).select_related("event")[:5],
        "old_secret_until": _old_secret_until(endpoint),
    }
    return render(request, "webhooks/endpoint_detail.html", context)


@owned_endpoint(READ)
def endpoint_detail(request, endpoint):
    return _render_detail(request, endpoint)


@owned_endpoint(WRITE)
def endpoint_edit(request, endpoint):
    form = EditEndpointForm(request.POST, token=endpoint.token, endpoint=endpoint)
    if not form.is_valid():
        return _render_detail(request, endpoint, form)
    data = form.cleaned_data
    endpoint.change(data["url"], data["events"], data["enabled"])
    messages.success(request, _("The endpoint is saved."))
    return redirect("webhooks:endpoint_detail", endpoint.public_id)


@owned_endpoint(READ + WRITE)
def endpoint_delete(request, endpoint):
    if request.method != "POST":
        return render(request, "webhooks/endpoint_delete.html", {"endpoint": endpoint, "token": endpoint.token})
    token = endpoint.token
    endpoint.remove()
    messages.success(request, _("The endpoint %(url)s is deleted, with its delivery log.") % {"url": endpoint.url})
    return redirect("webhooks:endpoint_list", token.pk)


@owned_endpoint(READ + WRITE)
@never_cache
def secret_reveal(request, endpoint):
    """POST reveals (after the password, logged), then redirects here: GET shows the secret once, under this page's
    address rather than allauth's re-authentication page, and a reload posts nothing again."""
    if request.method == "POST":
        return _reveal(request, endpoint)
    page, key = "webhooks:secret_reveal", endpoint.public_id
    detail = reverse("webhooks:endpoint_detail", args=[key])
    return secret_page(request, page, key, "webhooks/secret_reveal.html", {"endpoint": endpoint}, detail)


@reauthentication_required
@sensitive_variables("plaintext")
def _reveal(request, endpoint):
    plaintext = endpoint.secret()
    log.info("Webhook secret of endpoint %s revealed to developer %s", endpoint.public_id, request.user.pk)
    return show_once(request, "webhooks:secret_reveal", endpoint.public_id, plaintext)


@owned_endpoint(READ + WRITE)
@reauthentication_required(allow_get=True)  # the confirmation page asks nothing; the roll itself does
@sensitive_variables("plaintext")
def secret_roll(request, endpoint):
    form = RollSecretForm(request.POST if request.method == "POST" else None)
    if not form.is_valid():
        return render(request, "webhooks/secret_roll.html", {"endpoint": endpoint, "form": form})
    overlap = form.cleaned_data["overlap_seconds"]
    plaintext = endpoint.roll_secret(overlap)
    log.info(
        "Webhook secret of endpoint %s rolled by developer %s (overlap %d s)",
        endpoint.public_id,
        request.user.pk,
        overlap,
    )
    return show_once(request, "webhooks:secret_issued", endpoint.public_id, plaintext, rolled=True)


def _over_manual_sends(request, endpoint, kind):
    """Counts a test event or a resend (ManualSend); when the hour's allowance is used up, says when to try again
    and returns True."""
    allowed_at = ManualSend.take(endpoint, kind)
    if allowed_at is None:
        return False
    minutes = max(1, math.ceil((allowed_at - timezone.now()).total_seconds() / 60))
    at = timezone.localtime(allowed_at)
    messages.error(
        request,
        ngettext(
            "Too many test events and resends this hour: try again in %(minutes)d minute (at %(time)s).",
            "Too many test events and resends this hour: try again in %(minutes)d minutes (at %(time)s).",
            minutes,
        )
        % {"minutes": minutes, "time": at.strftime("%H:%M")},
    )
    return True


@owned_endpoint(WRITE)
def send_test(request, endpoint):
    if not endpoint.enabled:
        messages.error(request, _("The endpoint is disabled: enable it first, then send a test event."))
        return redirect("webhooks:endpoint_detail", endpoint.public_id)
    if _over_manual_sends(request, endpoint, ManualSend.Kind.TEST):
        return redirect("webhooks:endpoint_detail", endpoint.public_id)
    test = delivery.send_test_event(endpoint)
    _enqueue_after_commit([test.pk])
    messages.success(request, _("A test event is on its way: it is at the top of the log."))
    return redirect("webhooks:delivery_log", endpoint.public_id)


def _render_log(request, endpoint, resend_form=None):
    deliveries = WebhookDelivery.objects.for_endpoint(endpoint).select_related("event").prefetch_related("attempts")
    filters = DeliveryFilterForm(request.GET)
    since = timezone.localtime() - timedelta(days=1)
    context = {
        "endpoint": endpoint,
        "token": endpoint.token,
        "filters": filters,
        "page": Paginator(filters.filter(deliveries), PAGE_SIZE).get_page(request.GET.get("page")),
        "resend_form": resend_form or ResendFailedForm(initial={"since": since.replace(second=0, microsecond=0)}),
        "failed": deliveries.filter(state=WebhookDelivery.State.FAILED).count(),
        "retention_days": settings.WEBHOOK_RETENTION_DAYS,
    }
    return render(request, "webhooks/delivery_log.html", context)


@owned_endpoint(READ)
def delivery_log(request, endpoint):
    return _render_log(request, endpoint)


@owned_endpoint(WRITE)
def resend_event(request, endpoint, message_id):
    deliveries = WebhookDelivery.objects.for_endpoint(endpoint).filter(event__public_id=message_id)
    if not deliveries.exists():
        raise Http404
    delivered = deliveries.filter(state=WebhookDelivery.State.DELIVERED).exists()
    if delivered and request.POST.get("confirm") != "yes":
        # Already delivered: a second copy goes to the receiver only when the developer says so.
        context = {"endpoint": endpoint, "token": endpoint.token, "message_id": message_id}
        return render(request, "webhooks/resend_confirm.html", context)
    if not endpoint.enabled:
        messages.error(request, _("The endpoint is disabled: enable it first, then resend."))
    elif _over_manual_sends(request, endpoint, ManualSend.Kind.RESEND):
        pass
    elif delivery_ids := delivery.resend(deliveries):
        _enqueue_after_commit(delivery_ids)
        messages.success(request, _("Event %(id)s is sent again.") % {"id": message_id})
    else:
        messages.info(request, _("Event %(id)s is being sent right now.") % {"id": message_id})
    return redirect("webhooks:delivery_log", endpoint.public_id)


@owned_endpoint(WRITE)
def resend_failed(request, endpoint):
    form = ResendFailedForm(request.POST)
    if not form.is_valid():
        return _render_log(request, endpoint, resend_form=form)
    if not endpoint.enabled:
        messages.error(request, _("The endpoint is disabled: enable it first, then resend."))
        return redirect("webhooks:delivery_log", endpoint.public_id)
    if _over_manual_sends(request, endpoint, ManualSend.Kind.RESEND):
        return redirect("webhooks:delivery_log", endpoint.public_id)
    failed = WebhookDelivery.objects.for_endpoint(endpoint).filter(
        state=WebhookDelivery.State.FAILED, event__created_at__gte=form.cleaned_data["since"]
    )
    delivery_ids = delivery.resend(failed)
    _enqueue_after_commit(delivery_ids)
    count = len(delivery_ids)
    messages.success(
        request,
        ngettext("%(count)d failed event is sent again.", "%(count)d failed events are sent again.", count)
        % {"count": count},
    )
    return redirect("webhooks:delivery_log", endpoint.public_id)
