"""One test request from the page: where it goes, what it shows, what the history keeps."""

import ipaddress
import os
import re
import socket
import ssl
from dataclasses import dataclass, field
from datetime import timedelta

from allauth.account.decorators import reauthentication_required
from allauth.core.exceptions import ReauthenticationRequired
from django.conf import settings
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from accounts.models import ApiToken, TokenEvent
from api import attribution, clients, protocol, reasons
from api.models import ApiRequestLog, CallRequest, Subscriber
from apitester import following, wire
from apitester.models import SentRequest
from lib import phones
from lib.client_ip import client_ip
from webhooks.models import WebhookEvent

PENDING_SHOWN = 20


@dataclass(frozen=True)
class Masker:
    """Hides a token wherever it appears in what the page shows; `reveal` lets its owner unhide it."""

    secret: str
    masked: str
    reveal: bool = False

    def _pattern(self):
        variants = {self.secret, wire.encode_segment(self.secret)} - {""}
        return re.compile("|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True)))

    def redact(self, text):
        return self._pattern().sub(self.masked, text) if self.secret else text

    def html(self, text):
        """The text, HTML-escaped, each occurrence of the token in a span that shows it masked."""
        if not self.secret:
            return escape(text)
        out, last = [], 0
        for match in self._pattern().finditer(text):
            out.append(escape(text[last : match.start()]))
            full = f'<span class="secret-full">{escape(match.group())}</span>' if self.reveal else ""
            out.append(f'<span class="secret"><span class="secret-masked">{escape(self.masked)}</span>{full}</span>')
            last = match.end()
        out.append(escape(text[last:]))
        return mark_safe("".join(out))


def masked_form(value):
    """How a pasted token is shown: its first and last four characters, or nothing of a short one."""
    return f"{value[:4]}…{value[-4:]}" if len(value) >= 12 else "•" * 8


def api_base(request):
    """The API base: API_BASE_URL; without it, in development only, the socket this request arrived on.

    Never an address from the Host header: its host may name another socket ([::1] beside 127.0.0.1),
    and its port is checked by nothing (ALLOWED_HOSTS ignores it, gunicorn even takes SERVER_PORT from it).
    """
    if settings.API_BASE_URL:
        return wire.Base.parse(settings.API_BASE_URL)
    if not settings.DEBUG:
        raise wire.BadBaseURL("set API_BASE_URL: in production the Host header must not choose the address")
    arrival = arrival_socket(request)
    if arrival is None:
        raise wire.BadBaseURL("set API_BASE_URL: this server does not tell which socket it listens on")
    scheme, address, port = arrival
    host = f"[{address}]" if address.version == 6 else str(address)
    return wire.Base.parse(f"{scheme}://{host}:{port}/")


def arrival_socket(request):
    """(scheme, address, port) of the server's socket that accepted this request, or None when unknown.

    gunicorn hands the connection over in the environ; Django's development server (runserver, the tests'
    live server) only its input stream, a buffered file over the connection.
    """
    connection = request.META.get("gunicorn.socket")
    if connection is not None:
        return _local_end(connection, "https" if isinstance(connection, ssl.SSLSocket) else "http")
    stream = request.META.get("wsgi.input")
    reader = getattr(getattr(stream, "_read", None), "__self__", None)  # django.core.handlers.wsgi.LimitedStream
    try:
        with socket.socket(fileno=os.dup(reader.fileno())) as connection:
            return _local_end(connection, "http")
    except (AttributeError, OSError, ValueError):
        return None


def _local_end(connection, scheme):
    address, port = connection.getsockname()[:2]
    address = ipaddress.ip_address(address)
    return scheme, getattr(address, "ipv4_mapped", None) or address, port


@dataclass
class Trial:
    """What the page shows after sending: the exchange, its snippets and what the target has pending."""

    call: wire.Call | None  # None for a status check: the status call is none of the form's actions
    masker: Masker
    exchange: wire.Exchange | None = None
    problem: str = ""  # "misconfigured": the page could not send at all
    snippets: list = field(default_factory=list)
    snippets_have_token: bool = False
    can_reveal: bool = False  # the owner's token, masked until they confirm their password
    pending: list | None = None
    entry: SentRequest | None = None
    followed: CallRequest | None = None  # the call request the answer named (X-Call-Request-Id), to follow
    token: ApiToken | None = None  # the signed-in developer's token the request was sent with
    webhook_events: list | None = None  # of the call request the call made or changed

    @property
    def fields(self):
        """For a POST: (name, plaintext as HTML, ciphertext) of each encrypted field."""
        return [(f.name, self.masker.html(f.plaintext), f.ciphertext) for f in self.exchange.outgoing.fields]

    @property
    def url_html(self):
        return self.masker.html(self.exchange.outgoing.url)

    @property
    def request_line_html(self):
        return self.masker.html(self.exchange.outgoing.request_line)

    @property
    def request_headers(self):
        return [(name, self.masker.html(value)) for name, value in self.exchange.outgoing.headers]

    @property
    def body_html(self):
        return self.masker.html(self.exchange.body_text)

    @property
    def request_body_html(self):
        return self.masker.html(self.exchange.outgoing.body_text)

    # What came back is masked too: a gateway or proxy at the API address may echo the path (the token).

    @property
    def status_line_html(self):
        return self.masker.html(self.exchange.status_line)

    @property
    def response_headers(self):
        return [(self.masker.html(name), self.masker.html(value)) for name, value in self.exchange.headers]

    @property
    def request_id_html(self):
        return self.masker.html(self.exchange.header(protocol.REQUEST_ID_HEADER))

    @property
    def reason_html(self):
        kind, document = self.exchange.document
        reason = document.get("reason", "") if isinstance(document, dict) else ""
        return self.masker.html(str(reason)) if reason else ""

    @property
    def reason_description(self):
        """The API's own explanation of a failure's reason (in the page's language), when the reason is one of its."""
        kind, document = self.exchange.document
        reason = document.get("reason") if isinstance(document, dict) else None
        return next((entry.description for entry in reasons.ALL if entry.text == reason), "")

    @property
    def pretty_html(self):
        return self.masker.html(self.exchange.pretty)

    @property
    def jsonp_name_html(self):
        return self.masker.html(self.exchange.jsonp_name)


def record_reveal(request, token):
    """Audits that the page showed the owner their token: once per password confirmation, not once per send.

    Skipped when this user's test page already recorded it for this token within the confirmation's window.
    """
    window = timedelta(seconds=getattr(settings, "ACCOUNT_REAUTHENTICATION_TIMEOUT", 300))
    recent = token.events.filter(
        kind=TokenEvent.Kind.REVEALED,
        data__where=TokenEvent.TEST_PAGE,
        actor=request.user,
        created_at__gte=timezone.now() - window,
    )
    if not recent.exists():
        TokenEvent.record(token, TokenEvent.Kind.REVEALED, request.user, client_ip(request), where=TokenEvent.TEST_PAGE)


def recently_reauthenticated(request):
    """Whether the signed-in developer confirmed their password within ACCOUNT_REAUTHENTICATION_TIMEOUT."""
    try:
        reauthentication_required(lambda request: None)(request)
    except ReauthenticationRequired:
        return False
    return True


def run(request, form):
    """Sends the form's call to the API base and keeps it in the signed-in developer's history."""
    call, token = form.call(), form.api_token()
    secret = form.token_value()
    masker = masker_for(request, token, secret)
    trial = Trial(call, masker)
    page_host = form.page_host()
    base = send(
        request, trial, token, lambda base: wire.build(call, secret, base, form.referer_host(), None, page_host)
    )
    if base is None:
        return trial
    reveal = masker.reveal
    trial.snippets_have_token = reveal
    trial.snippets = clients.snippets(
        call,
        base_url=base.url,
        token=secret if reveal else protocol.TOKEN_PLACEHOLDER,
        host_pattern=form.referer_host(),
        timeout=settings.API_TESTER_TIMEOUT_SECONDS,
    )
    # A pasted token shows its requests only while the API would accept it (not revoked, not rolled out).
    trial.pending = pending_for(call, request.user, token if token else ApiToken.objects.find_active(secret))
    trial.followed = following.remember(request, trial.exchange, secret)
    if request.user.is_authenticated:
        trial.entry = SentRequest.record(request.user, token, form.cleaned_data, trial.exchange, masker.redact)
    if token is not None:
        trial.token, trial.webhook_events = token, webhook_events_for(trial.exchange, token)
    return trial


def webhook_events_for(exchange, token):
    """The webhook events of the call request that this call made or changed (by the request ID its answer
    carries, in the token's own request log), oldest first; None when the call touched no call request."""
    request_id = next(
        (value for name, value in exchange.headers if name.lower() == protocol.REQUEST_ID_HEADER.lower()), ""
    )
    logged = request_id and ApiRequestLog.objects.filter(request_id=request_id, token=token).first()
    if not logged or logged.call_request_id is None:
        return None
    events = WebhookEvent.objects.about(logged.call_request.public_id).prefetch_related("deliveries__endpoint")
    return list(events)


def check_status(request, form, call_request):
    """Sends the status call of a followed request with the form's token, shown like any exchange. It is not kept
    in the history, whose entries are the form's own calls, to open and send again."""
    token, secret = form.api_token(), form.token_value()
    trial = Trial(None, masker_for(request, token, secret), followed=call_request)
    page_host = form.page_host()
    send(request, trial, token, lambda base: following.status_request(call_request.public_id, secret, base, page_host))
    return trial


def masker_for(request, token, secret):
    """As on the token pages: an owner sees the full token only after confirming the password again; a test token
    (which reaches no real person) at once, as the test mode page and the docs' examples show it."""
    reveal = token is not None and (token.is_test or recently_reauthenticated(request))
    return Masker(secret, token.masked if token else masked_form(secret), reveal=reveal)


def send(request, trial, token, build):
    """Sends what build(base) makes to the API base, into trial.exchange. Returns the base, or None when the page
    cannot send at all (trial.problem says why)."""
    try:
        base = api_base(request)
    except wire.BadBaseURL:
        trial.problem = "misconfigured"
        return None
    visitor = attribution.vouch(client_ip(request))
    # The API counts the call under the visitor's address, not under this server's own.
    vouched = [(attribution.VISITOR_HEADER, visitor)] if visitor else []
    trial.exchange = wire.send(build(base), base, settings.API_TESTER_TIMEOUT_SECONDS, internal_headers=vouched)
    trial.can_reveal = token is not None and not trial.masker.reveal
    if trial.masker.reveal:
        record_reveal(request, token)
    return base


def pending_for(call, user, token):
    """The target's pending call requests that this developer (or this pasted token) made, newest first.

    None when the target is not a CallbackNow user. Other developers' requests are never shown.
    """
    target = _subscriber(call)
    if target is None:
        return None
    requests = CallRequest.objects.pending().filter(target=target)
    if user.is_authenticated:
        requests = requests.filter(token__owner=user)
    elif token is not None:
        requests = requests.filter(token=token)
    else:
        requests = requests.none()
    return list(requests.order_by("-updated_at")[:PENDING_SHOWN])


def _subscriber(call):
    if call.by_id:
        return Subscriber.objects.by_public_id(call.target)
    try:
        return Subscriber.objects.for_number(phones.normalise(call.target, call.target_iso).e164)
    except ValueError:
        return None
