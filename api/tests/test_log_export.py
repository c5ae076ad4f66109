"""/tokens/<pk>/log/export.csv: the filtered request log as CSV (UTF-8 with a BOM, streamed); 404 for anyone else."""

import csv
import io

import pytest
from django.utils import timezone

from api.models import ApiRequestLog, CallRequest

pytestmark = pytest.mark.django_db


def url(token):
    return f"/tokens/{token.pk}/log/export.csv"


def exported(client, token, headers=None, **query):
    response = client.get(url(token), query, headers=headers)
    assert response.status_code == 200
    assert response.streaming
    body = b"".join(response.streaming_content)
    return response, body


def test_it_exports_the_calls_as_csv_excel_reads_in_korean(owner_client, token, value, target):
    sent = owner_client.get(
        f"/{value}/callback/01010041004/kr/01011111111/kr/hi", headers={"Referer": "https://example.com/"}
    )
    CallRequest.objects.get(public_id=sent["X-Call-Request-Id"]).answer()

    response, body = exported(owner_client, token, headers={"Accept-Language": "ko"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="request-log-{token.pk}-')
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][1:3] == ["요청 ID", "동작"]
    entry = ApiRequestLog.objects.get()
    assert rows[1] == [
        timezone.localtime(entry.created_at).isoformat(timespec="milliseconds"),
        sent["X-Request-Id"],
        "callback",
        "GET",
        "success",
        "",
        "200",
        "127.0.0.1",
        "example.com",
        str(entry.duration_ms),
        sent["X-Call-Request-Id"],
        "answered",
    ]
    assert value not in body.decode()


def test_it_exports_only_the_filtered_calls(owner_client, token, value, target):
    owner_client.get(f"/{value}/callback/01010041004/kr/01011111111/kr/hi")
    owner_client.get(f"/{value}/callback/01010041004/kr/01099999999/kr/hi")
    owner_client.get(f"/{value}/cancel/01010041004/kr/01099999999/kr")

    _response, body = exported(owner_client, token, result="failed", q="01099999999")

    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))[1:]
    assert sorted(row[2] for row in rows) == ["callback", "cancel"]
    assert {row[5] for row in rows} == {"target number is not registered to callbacknow"}


def test_it_exports_the_header_alone_when_nothing_matches(owner_client, token):
    _response, body = exported(owner_client, token, result="success")

    assert len(body.decode("utf-8-sig").splitlines()) == 1


def test_it_streams_many_rows(owner_client, token):
    ApiRequestLog.objects.bulk_create(
        [ApiRequestLog(token=token, transport="GET", result="failed", status=401, duration_ms=1) for _ in range(5000)]
    )

    response = owner_client.get(url(token))
    chunks = list(response.streaming_content)

    assert len(chunks) == 5001  # the header, then a row at a time: never the whole file in memory


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_answers_404_to_another_developer(outsider_client, token, method):
    assert getattr(outsider_client, method)(url(token)).status_code == 404


def test_it_sends_a_visitor_to_sign_in(client, token):
    assert client.get(url(token)).status_code == 302
