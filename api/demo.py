"""The API's demo data: the seed page's example target, so that its examples answer as documented."""

from api.models import Subscriber

DEMO_SUBSCRIBERS = [
    # number, country, operator, public ID — the seed's examples call 01011111111/kr and "airpagephone".
    ("01011111111", "kr", "SRTelecom", "airpagephone"),
]


def load(stdout):
    """Registers the demo subscribers; running it again changes nothing."""
    for number, iso, operator, public_id in DEMO_SUBSCRIBERS:
        subscriber = Subscriber.register(number, iso, operator, public_id)
        if stdout is not None:
            stdout.write(f"Demo subscriber: {subscriber.national_number}/{subscriber.iso} ({operator}, ID {public_id})")
