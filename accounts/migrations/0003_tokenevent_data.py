"""Token events keep their values by name (`data`) instead of an English sentence (`detail`).

The sentences had fixed shapes, written by ApiToken's methods; they are read here once. A detail in no known
shape is kept whole as {"text": …} and shown as it was.
"""

import re

from django.db import migrations, models

ARROW = " → "
AWAITS = " (awaits approval)"
GRACE = re.compile(r"grace (\d+)s")
HOST_CHANGE = re.compile(r"(\S+) → (\S+?)( \(awaits approval\))?")
DETAIL_LENGTH = 500  # the old column's size: a detail that long may have been cut short


def data_from_detail(kind, detail):
    """The values an old detail sentence of this kind of event held."""
    if not detail:
        return {}
    if kind == "issued" and re.fullmatch(r"\S+", detail):
        return {"host": detail}
    if kind == "approved" and detail == "automatic":
        return {"automatic": True}
    if kind in ("rejected", "suspended"):
        return {"reason": detail}
    if kind == "rolled" and (grace := GRACE.fullmatch(detail)):
        return {"grace_seconds": int(grace[1])}
    if kind == "revealed" and detail == "test page":
        return {"where": "test_page"}
    if kind == "renamed" and ARROW in detail:
        old, new = detail.split(ARROW, 1)
        return {"old_name": old, "new_name": new}
    if kind == "host_changed" and len(detail) < DETAIL_LENGTH and (change := HOST_CHANGE.fullmatch(detail)):
        return {"old_host": change[1], "new_host": change[2], "awaits_approval": bool(change[3])}
    return {"text": detail}


def detail_from_data(kind, data):
    """The old sentence for these values: for migrating back."""
    if "text" in data:
        detail = data["text"]
    elif kind == "issued":
        detail = data.get("host", "")
    elif kind == "approved":
        detail = "automatic" if data.get("automatic") else ""
    elif kind in ("rejected", "suspended"):
        detail = data.get("reason", "")
    elif kind == "rolled" and "grace_seconds" in data:
        detail = f"grace {data['grace_seconds']}s"
    elif kind == "revealed":
        detail = "test page" if data.get("where") == "test_page" else ""
    elif kind == "renamed":
        detail = f"{data.get('old_name', '')}{ARROW}{data.get('new_name', '')}"
    elif kind == "host_changed":
        detail = f"{data.get('old_host', '')}{ARROW}{data.get('new_host', '')}"
        detail += AWAITS if data.get("awaits_approval") else ""
    else:
        detail = ""
    return detail[:DETAIL_LENGTH]


def _convert(apps, field, convert):
    TokenEvent = apps.get_model("accounts", "TokenEvent")
    source = "detail" if field == "data" else "data"
    batch = []
    for event in TokenEvent.objects.only("id", "kind", source).iterator(chunk_size=1000):
        setattr(event, field, convert(event.kind, getattr(event, source)))
        batch.append(event)
        if len(batch) == 1000:
            TokenEvent.objects.bulk_update(batch, [field])
            batch = []
    TokenEvent.objects.bulk_update(batch, [field])


def forwards(apps, schema_editor):
    _convert(apps, "data", data_from_detail)


def backwards(apps, schema_editor):
    _convert(apps, "detail", detail_from_data)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_field_verbose_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="tokenevent",
            name="data",
            field=models.JSONField(blank=True, default=dict, verbose_name="detail"),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(
            model_name="tokenevent",
            name="detail",
        ),
    ]
