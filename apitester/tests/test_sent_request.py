"""The test page's history: the last 50 requests of each developer, never the token's text."""

from django.db import connection

from apitester import wire
from apitester.models import SentRequest
from tests.helpers import form_data


def exchange(token_value):
    call = wire.Call("callback", "get", "01010041004", "kr", "01011111111", "kr", "hi")
    outgoing = wire.build(call, token_value, wire.Base.parse("http://api.test"))
    return wire.Exchange(outgoing, status=200, reason="OK", body=b'{"result":"success"}', elapsed_ms=3.2)


def test_it_keeps_the_last_50_of_each_developer(developer, outsider, issued):
    token, plaintext = issued
    SentRequest.record(outsider, None, form_data(), exchange("x"), str)
    for number in range(55):
        SentRequest.record(developer, token, form_data(message=f"m{number}"), exchange(plaintext), str)
    kept = SentRequest.objects.for_owner(developer)
    assert kept.count() == 50
    assert kept.first().message == "m54" and kept.last().message == "m5"
    assert SentRequest.objects.for_owner(outsider).count() == 1


def test_it_reopens_the_form_as_it_was(developer, issued):
    token, plaintext = issued
    entry = SentRequest.record(developer, token, form_data(transport="jsonp", as_typed=True), exchange(plaintext), str)
    assert entry.form_data() == {
        **form_data(transport="jsonp"),
        "as_typed": True,
        "token": token.pk,
    }
    assert entry.outcome == "success" and entry.status == 200


def test_it_never_stores_the_token_text(owner_client, issued, target, api_on_live_server):
    token, plaintext = issued
    for transport in ("get", "jsonp", "post"):
        owner_client.post("/tester/", form_data(token=token.pk, transport=transport))
    assert SentRequest.objects.count() == 3
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {SentRequest._meta.db_table}")
        rows = cursor.fetchall()
    assert rows and not any(plaintext in str(value) for row in rows for value in row)
    assert all(token.masked in entry.url for entry in SentRequest.objects.exclude(transport="post"))
