"""The developer's view of the request log: a token's calls (search, filters, a 30-day chart, CSV export), one
call's detail, and the account's usage."""

import csv
import ipaddress
from datetime import datetime, time, timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import TruncDate, TruncMinute
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from accounts.access import owned_token, test_mode_requested
from accounts.models import ApiToken
from api import delivery_trace, reasons
from api.chart import daily_chart
from api.models import ApiRequestLog
from api.rate_limits import limits
from lib import phones

PAGE_SIZE = 50
CHART_DAYS = 30
BUSIEST_MINUTE_HOURS = 24
STATUSES = sorted({200} | {reason.status for reason in reasons.ALL})


class LogFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("A request ID (req_…), a call request ID (cr_…), a phone number or a client address."),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "req_… / cr_… / 010… / 203.0.113.9"}),
    )
    result = forms.ChoiceField(
        label=_("Result"), required=False, choices=[("", _("All results"))] + ApiRequestLog.Result.choices
    )
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All actions"))] + ApiRequestLog.Action.choices
    )
    reason = forms.ChoiceField(
        label=_("Reason"),
        required=False,
        choices=[("", _("All reasons"))] + [(reason.text, reason.text) for reason in reasons.ALL],
    )
    status = forms.TypedChoiceField(
        label=_("HTTP status"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All statuses"))] + [(status, status) for status in STATUSES],
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_q(self):
        """(field, value) the search looks in, from the text's shape; None when there is no search."""
        text = self.cleaned_data["q"].strip()
        if not text:
            return None
        if text.startswith("req_"):
            return "request_id", text
        if text.startswith("cr_"):
            return "call_request__public_id", text
        try:
            return "client_ip", str(ipaddress.ip_address(text))
        except ValueError:
            pass
        number = searched_number(text)
        if not number:
            raise forms.ValidationError(
                _("Enter a request ID (req_…), a call request ID (cr_…), a phone number or a client address.")
            )
        return "numbers__contains", number

    def filter(self, entries):
        data = self.cleaned_data
        if data["q"]:
            field, value = data["q"]
            entries = entries.filter(**{field: value})
        for name in ("result", "action", "reason"):
            if data[name]:
                entries = entries.filter(**{name: data[name]})
        if data["status"] is not None:
            entries = entries.filter(status=data["status"])
        if data["date_from"]:
            entries = entries.filter(created_at__gte=start_of(data["date_from"]))
        if data["date_to"]:
            entries = entries.filter(created_at__lt=start_of(data["date_to"] + timedelta(days=1)))
        return entries

    def chosen_day(self):
        """The one day the log is filtered to, if it is."""
        data = getattr(self, "cleaned_data", {})
        same = data.get("date_from") and data.get("date_from") == data.get("date_to")
        return data["date_from"] if same and not self.errors else None


def start_of(day):
    """The first moment of a local day: a bound on created_at that its index serves (a __date lookup is not)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def searched_number(text):
    """The digits the log keeps of a number (as the caller dialled it), from a number typed with or without
    separators; an international "+82 10-…" is searched as dialled at home ("010…")."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if not digits or any(ch.isalpha() for ch in text):
        return ""
    if text.startswith("+"):
        try:
            return phones.national_digits("+" + digits)
        except Exception:  # phonenumbers' parse error: not a number it knows, searched as typed
            return digits
    return digits


def filtered_log(request, token):
    """(form, the token's entries the form's filters select, newest first)."""
    entries = ApiRequestLog.objects.for_token(token).select_related("call_request")  # its state: no query per row
    form = LogFilterForm(request.GET, label_suffix="")  # labels sit above a row of filters: no colon
    if form.is_valid():
        entries = form.filter(entries)
    return form, entries


@owned_token(("GET", "HEAD"))
def token_log(request, token):
    form, entries = filtered_log(request, token)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    chart = daily_chart(calls_per_day(token), timezone.localdate(), CHART_DAYS, chosen=form.chosen_day())
    return render(request, "api/token_log.html", {"token": token, "form": form, "page": page, "chart": chart})


@owned_token(("GET", "HEAD"))
def log_entry(request, token, entry_pk):
    entry = get_object_or_404(ApiRequestLog.objects.for_token(token).select_related("call_request"), pk=entry_pk)
    call_request = entry.call_request
    history = call_request.history() if call_request is not None else []
    delivery = delivery_trace.of(call_request.pk) if call_request is not None else []
    context = {"token": token, "entry": entry, "history": history, "delivery": delivery}
    return render(request, "api/log_entry.html", context)


class Echo:
    """A file that hands back what is written: csv.writer's rows, streamed."""

    def write(self, value):
        return value


@owned_token(("GET", "HEAD"))
def log_export(request, token):
    """The filtered entries as CSV, streamed: UTF-8 with a BOM, so that Excel reads Korean right."""
    form, entries = filtered_log(request, token)
    header = [
        _gettext("Time"),
        _gettext("Request ID"),
        _gettext("Action"),
        _gettext("Transport"),
        _gettext("Result"),
        _gettext("Reason"),
        _gettext("HTTP status"),
        _gettext("Client address"),
        _gettext("Referer host"),
        _gettext("Duration (ms)"),
        _gettext("Call request"),
        _gettext("Call request state"),
    ]
    writer = csv.writer(Echo())

    def rows():
        yield "\ufeff" + writer.writerow(header)
        for entry in entries.iterator(chunk_size=2000):
            call_request = entry.call_request
            yield writer.writerow(
                [
                    timezone.localtime(entry.created_at).isoformat(timespec="milliseconds"),
                    entry.request_id,
                    entry.action,
                    entry.transport,
                    entry.result,
                    entry.reason,
                    entry.status,
                    entry.client_ip or "",
                    entry.referer_host,
                    entry.duration_ms,
                    call_request.public_id if call_request else "",
                    call_request.state if call_request else "",
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    name = f"request-log-{token.pk}-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def calls_per_day(token):
    """{(local date, result): calls} over the chart's days."""
    return {(day, result): calls for (_token, day, result), calls in daily_counts(token=token).items()}


def daily_counts(**selection):
    """{(token id, local date, result): calls} over the chart's days, for the entries of selection."""
    since = start_of(timezone.localdate() - timedelta(days=CHART_DAYS - 1))
    rows = (
        ApiRequestLog.objects.filter(created_at__gte=since, **selection)
        .annotate(day=TruncDate("created_at"))
        .values("token", "day", "result")
        .annotate(calls=Count("id"))
        .order_by()
    )
    return {(row["token"], row["day"], row["result"]): row["calls"] for row in rows}


@require_safe
@login_required
def usage(request):
    """The account's calls per day by token, its failures by reason, each token's rate-limit headroom; of the live
    tokens, or with ?mode=test of the test tokens (the switch of the token list)."""
    test = test_mode_requested(request)
    tokens = list(ApiToken.objects.for_owner(request.user).of_mode(test).order_by("name", "pk"))
    by_pk = {token.pk: token for token in tokens}
    counts = daily_counts(token__owner=request.user, token__is_test=test)
    today = timezone.localdate()
    since = start_of(today - timedelta(days=CHART_DAYS - 1))
    busiest = busiest_minutes(request.user)
    rows = []
    for token in tokens:
        mine = {(day, result): calls for (pk, day, result), calls in counts.items() if pk == token.pk}
        if not mine and not token.is_live:
            continue  # a closed token with no recent call: nothing to see
        window = limits().peek("token", str(token.pk), token.rate_limit())
        rows.append(
            {
                "token": token,
                "title_id": f"token-{token.pk}-title",
                "chart": daily_chart(mine, today, CHART_DAYS),
                "calls": sum(mine.values()),
                "failures": sum(calls for (_day, result), calls in mine.items() if result == "failed"),
                "limit": token.rate_limit(),
                "busiest": busiest.get(token.pk),
                "this_minute": window.quota - window.remaining,
            }
        )
    failures = (
        ApiRequestLog.objects.filter(
            token__owner=request.user, token__is_test=test, result="failed", created_at__gte=since
        )
        .values("token", "reason")
        .annotate(calls=Count("id"))
        .order_by("-calls", "reason")
    )
    failures = [{**row, "token": by_pk[row["token"]]} for row in failures if row["token"] in by_pk]
    return render(
        request,
        "api/usage.html",
        {"rows": rows, "failures": failures, "days": CHART_DAYS, "hours": BUSIEST_MINUTE_HOURS, "test_mode": test},
    )


def busiest_minutes(user):
    """{token id: (calls, minute)}: each of the user's tokens' busiest minute of the last hours."""
    rows = (
        ApiRequestLog.objects.filter(
            token__owner=user, created_at__gte=timezone.now() - timedelta(hours=BUSIEST_MINUTE_HOURS)
        )
        .annotate(minute=TruncMinute("created_at"))
        .values("token", "minute")
        .annotate(calls=Count("id"))
        .order_by()
    )
    busiest = {}
    for row in rows:
        best = busiest.get(row["token"])
        if best is None or row["calls"] > best[0]:
            busiest[row["token"]] = (row["calls"], row["minute"])
    return busiest
