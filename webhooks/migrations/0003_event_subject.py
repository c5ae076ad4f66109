"""A webhook event names its subject by the call request's public ID instead of a foreign key to api's table:
the outbox points at nothing above the webhooks app. Existing events keep their call request's ID; backwards,
the foreign key is filled again from it (an event whose call request is gone keeps none).

The api dependency of 0001 and 0002 stays (a migration cannot take back an older one's dependency); with the
foreign key gone, no later migration needs it."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_subject(apps, schema_editor):
    WebhookEvent = apps.get_model("webhooks", "WebhookEvent")
    CallRequest = apps.get_model("api", "CallRequest")
    public_id = CallRequest.objects.filter(pk=OuterRef("call_request_id")).values("public_id")[:1]
    WebhookEvent.objects.filter(call_request__isnull=False).update(subject=Subquery(public_id))


def fill_call_request(apps, schema_editor):
    WebhookEvent = apps.get_model("webhooks", "WebhookEvent")
    CallRequest = apps.get_model("api", "CallRequest")
    pk = CallRequest.objects.filter(public_id=OuterRef("subject")).values("pk")[:1]
    WebhookEvent.objects.exclude(subject="").update(call_request=Subquery(pk))


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0002_foreign_key_verbose_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="webhookevent",
            name="subject",
            field=models.CharField(blank=True, db_index=True, max_length=32, verbose_name="subject"),
        ),
        migrations.RunPython(fill_subject, fill_call_request, elidable=True),
        migrations.RemoveField(
            model_name="webhookevent",
            name="call_request",
        ),
    ]
