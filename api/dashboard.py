"""The developer's view of a token's request log: filters, a paginated table and a 30-day chart."""

from datetime import timedelta

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.views import owned_token
from api.chart import daily_chart
from api.models import ApiRequestLog

PAGE_SIZE = 50
CHART_DAYS = 30


class LogFilterForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"), required=False, choices=[("", _("All results"))] + ApiRequestLog.Result.choices
    )
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All actions"))] + ApiRequestLog.Action.choices
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def filter(self, entries):
        data = self.cleaned_data
        if data["result"]:
            entries = entries.filter(result=data["result"])
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["date_from"]:
            entries = entries.filter(created_at__date__gte=data["date_from"])
        if data["date_to"]:
            entries = entries.filter(created_at__date__lte=data["date_to"])
        return entries


@owned_token(("GET", "HEAD"))
def token_log(request, token):
    entries = ApiRequestLog.objects.for_token(token).select_related("call_request")  # its state: no query per row
    form = LogFilterForm(request.GET, label_suffix="")  # labels sit above a row of filters: no colon
    if form.is_valid():
        entries = form.filter(entries)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "api/token_log.html",
        {"token": token, "form": form, "page": page, "chart": daily_chart(calls_per_day(token), timezone.localdate())},
    )


def calls_per_day(token):
    """{(local date, result): calls} over the chart's days."""
    since = timezone.localdate() - timedelta(days=CHART_DAYS - 1)
    rows = (
        ApiRequestLog.objects.for_token(token)
        .filter(created_at__date__gte=since)
        .annotate(day=TruncDate("created_at"))
        .values("day", "result")
        .annotate(calls=Count("id"))
    )
    return {(row["day"], row["result"]): row["calls"] for row in rows}
