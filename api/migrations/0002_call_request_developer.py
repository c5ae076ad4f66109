import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def owners_of_the_sending_tokens(apps, schema_editor):
    """Existing requests belong to the developer whose token sent them."""
    CallRequest = apps.get_model("api", "CallRequest")
    for request in CallRequest.objects.filter(token__isnull=False).select_related("token").iterator():
        CallRequest.objects.filter(pk=request.pk).update(developer_id=request.token.owner_id)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_field_verbose_names"),
        ("api", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="callrequest",
            name="one_pending_call_request_per_pair",
        ),
        migrations.AddField(
            model_name="callrequest",
            name="developer",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="call_requests",
                to=settings.AUTH_USER_MODEL,
                verbose_name="developer",
            ),
        ),
        migrations.RunPython(owners_of_the_sending_tokens, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="callrequest",
            constraint=models.UniqueConstraint(
                condition=models.Q(("state", "pending")),
                fields=("developer", "requester_number", "target"),
                name="one_pending_call_request_per_developer_and_pair",
            ),
        ),
    ]
