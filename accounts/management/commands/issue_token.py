from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from accounts.models import ApiToken, TokenLimitReached
from accounts.restrictions import MAX_ADDRESSES, Restriction
from lib.client_ip import normalise_network
from lib.hosts import InvalidHost, normalise_host


def developer_for_email(email):
    """The developer with this email, or a new one with a verified address and no usable password."""
    address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
    if address is not None:
        return address.user
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is None:
        user = get_user_model()(email=email)
        get_adapter().populate_username(None, user)
        user.set_unusable_password()
        user.save()
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def server_addresses(text):
    """The --servers list, each entry normalised; a CommandError naming an entry that is not an address or range."""
    networks = []
    for entry in filter(None, (part.strip() for part in text.split(","))):
        try:
            networks.append(normalise_network(entry))
        except ValueError:
            raise CommandError(f"“{entry}” is not an IP address or CIDR range.") from None
    if not networks:
        raise CommandError("--servers needs at least one IP address or CIDR range.")
    if len(networks) > MAX_ADDRESSES:
        raise CommandError(f"At most {MAX_ADDRESSES} addresses.")
    return list(dict.fromkeys(networks))


class Command(BaseCommand):
    help = (
        "Issues an active API token for a developer's host and prints only the token. "
        "Creates the developer (verified email, no usable password) if there is none. The token's restriction is "
        "websites (Origin or Referer must name the host) unless --servers names the addresses that will call."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("host", help="e.g. example.com, *.example.com, localhost")
        parser.add_argument("--name", help="the token's name (default: the host)")
        parser.add_argument(
            "--servers",
            metavar="ADDRESSES",
            help="restrict the token to servers: IP addresses or CIDR ranges, IPv4 or IPv6, separated by commas "
            "(e.g. 203.0.113.7,2001:db8::/48); without it the token is restricted to websites",
        )

    def handle(self, *args, email, host, name=None, servers=None, **options):
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"“{email}” is not an email address.") from exc
        try:
            host = normalise_host(host)
        except InvalidHost as exc:
            raise CommandError(f"Invalid host: {exc}") from exc
        name = (name or host)[:100]
        restriction, addresses = Restriction.WEBSITES, ()
        if servers is not None:
            restriction, addresses = Restriction.SERVERS, server_addresses(servers)
        try:
            with transaction.atomic():
                owner = developer_for_email(email)
                token, plaintext = ApiToken.issue(owner, name, host, restriction=restriction, addresses=addresses)
                if token.state == ApiToken.State.PENDING:
                    token.approve()  # an operator issuing a token is its approval
        except TokenLimitReached as exc:
            raise CommandError(f"{email} already holds the most tokens one developer may have.") from exc
        self.stdout.write(plaintext)
