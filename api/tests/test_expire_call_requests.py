from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from api.models import CallRequest


@pytest.mark.django_db
def test_it_marks_pending_requests_past_their_expiry_as_expired(target):
    now = timezone.now()
    due = CallRequest.objects.create(
        requester_number="+821010041004", requester_country="KR", target=target, expires_at=now - timedelta(seconds=1)
    )
    live = CallRequest.objects.create(
        requester_number="+821010041005", requester_country="KR", target=target, expires_at=now + timedelta(hours=1)
    )
    out = StringIO()

    call_command("expire_call_requests", stdout=out)

    due.refresh_from_db(), live.refresh_from_db()
    assert (due.state, live.state) == (CallRequest.State.EXPIRED, CallRequest.State.PENDING)
    assert out.getvalue().strip() == "Expired 1 call requests."
