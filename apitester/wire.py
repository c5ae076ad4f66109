"""What the test page puts on the wire, and what comes back. No database.

The seed's three transports: a GET URL, the same URL with a JSONP callback name, and the encrypted
POST of its PHP client. Requests go only to the configured API base: every piece of user input is a
percent-encoded path segment or query value, so it can never change the scheme, host or port.
"""

import json
import re
import time
from dataclasses import dataclass, field
from functools import cached_property
from http.client import HTTPException
from urllib.parse import quote, urlsplit

import requests
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import ReadTimeoutError

from api.calls import Call, encode_segment, referer_host  # noqa: F401 (Call: the form builds wire.Call)
from api.protocol import GET, JSONP, JSONP_PARAMETER, POST_PATH
from apitester.outcomes import Outcome
from lib.aes import encrypt_field

USER_AGENT = "CallbackNow-API-tester/1.0"
MAX_BODY_BYTES = 256 * 1024
DEFAULT_PORTS = {"http": 80, "https": 443}
_JSONP = re.compile(r"\A\s*(?:/\*\*/\s*)?([A-Za-z_$][\w$.]*)\s*\((.*)\)\s*;?\s*\Z", re.DOTALL)


class BadBaseURL(ValueError):
    """The configured API base URL is not an http(s) URL with a host and nothing after its path."""


@dataclass(frozen=True)
class Base:
    """Where the API lives: scheme, host and port are fixed here and nowhere else."""

    scheme: str
    host: str
    port: int
    netloc: str
    path: str  # without a trailing slash: "" or "/prefix"

    @classmethod
    def parse(cls, url):
        try:
            parts = urlsplit((url or "").strip())
            port = parts.port
        except ValueError as exc:
            raise BadBaseURL(f"not a URL: {url!r}") from exc
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
            raise BadBaseURL(f"the API base must be an http or https URL with a host: {url!r}")
        if parts.username is not None or parts.password is not None or parts.query or parts.fragment:
            raise BadBaseURL(f"the API base must not carry credentials, a query or a fragment: {url!r}")
        netloc = parts.netloc.lower()
        return cls(parts.scheme, parts.hostname, port or DEFAULT_PORTS[parts.scheme], netloc, parts.path.rstrip("/"))

    @property
    def url(self):
        return f"{self.scheme}://{self.netloc}{self.path}"

    def join(self, segments, trailing_slash=False, query=""):
        """The URL of these path segments, each percent-encoded so it stays one segment of data."""
        if not segments or any(segment == "" for segment in segments):
            raise ValueError("every path segment must be non-empty")
        path = "/".join(encode_segment(segment) for segment in segments)
        return f"{self.url}/{path}{'/' if trailing_slash else ''}{'?' + query if query else ''}"

    def owns(self, url):
        """Whether a URL goes to this base's scheme, host and port."""
        try:
            parts = urlsplit(url)
            port = parts.port or DEFAULT_PORTS.get(parts.scheme)
        except ValueError:
            return False
        return (parts.scheme, parts.hostname, port) == (self.scheme, self.host, self.port) and parts.username is None


@dataclass(frozen=True)
class EncryptedField:
    name: str
    plaintext: str
    ciphertext: str


@dataclass
class Outgoing:
    """A request exactly as it goes on the wire."""

    method: str
    url: str
    headers: list
    body: bytes = b""
    fields: list = field(default_factory=list)

    @property
    def body_text(self):
        return self.body.decode("utf-8", "backslashreplace")

    @property
    def request_line(self):
        """The first line of the HTTP request: method, path and query, version."""
        parts = urlsplit(self.url)
        return f"{self.method} {parts.path}{'?' + parts.query if parts.query else ''} HTTP/1.1"


def referer_for(host_pattern):
    """The Referer the seed's client sends: http://<host>/."""
    return f"http://{referer_host(host_pattern)}/"


def page_headers(page_host):
    """[("Referer", "http://<host>/")] for a page on the host, as the browser sends it with a page's GET or JSONP;
    [] without one."""
    return [("Referer", referer_for(page_host))] if page_host else []


def now_ms():
    return int(time.time() * 1000)


def base_headers(base):
    """The headers each of the page's requests carries, before those of its transport."""
    return [("Host", base.netloc), ("User-Agent", USER_AGENT), ("Accept", "*/*"), ("Accept-Encoding", "identity")]


def build(call, token, base, host_pattern="", foot=None, page_host=""):
    """The request for this call: a GET (or JSONP) URL, or the seed's encrypted JSON POST. With page_host (a
    websites token's host), the GET or JSONP carries the Referer a browser sends from a page on that host."""
    headers = base_headers(base) + page_headers(page_host)
    if call.transport in (GET, JSONP):
        jsonp = call.transport == JSONP
        query = JSONP_PARAMETER + "=" + quote(call.callback, safe="") if jsonp else ""
        parts = call.path_parts()
        if "" in parts:
            # Sent "as typed" with a field left empty: a path cannot carry an empty segment ("//"), so it
            # ends before it, and the API answers as it does to a short path (missing parameter).
            parts = parts[: parts.index("")]
        url = base.join([token, *parts], trailing_slash=jsonp, query=query)
        return Outgoing("GET", url, headers + [("Connection", "close")])
    plaintexts = call.post_plaintexts() + [("mytoken", token), ("foot", str(now_ms() if foot is None else foot))]
    fields = [EncryptedField(name, value, encrypt_field(token, value)) for name, value in plaintexts]
    # PHP's json_encode escapes "/" (base64 has them); do as the seed's client does.
    body = json.dumps({f.name: f.ciphertext for f in fields}, separators=(",", ":")).replace("/", "\\/").encode()
    headers = base_headers(base) + [
        ("Referer", referer_for(host_pattern)),
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body))),
        ("Connection", "close"),
    ]
    return Outgoing("POST", base.join(POST_PATH.lstrip("/").split("/")), headers, body, fields)


@dataclass
class Exchange:
    """A request sent and what came back, or why nothing did."""

    outgoing: Outgoing
    status: int | None = None
    reason: str = ""
    http_version: str = ""
    headers: list = field(default_factory=list)
    body: bytes = b""
    truncated: bool = False
    elapsed_ms: float = 0.0
    problem: str = ""  # "", Outcome.UNREACHABLE, Outcome.TIMEOUT

    @property
    def status_line(self):
        return f"{self.http_version} {self.status} {self.reason}".strip() if self.status else ""

    @property
    def body_text(self):
        """The body as text, any byte that is not UTF-8 shown as an escape."""
        return self.body.decode("utf-8", "backslashreplace")

    def header(self, name):
        """The value of the answer's header of this name (any letter case), or ""."""
        return next((value for key, value in self.headers if key.lower() == name.lower()), "")

    @cached_property
    def document(self):
        """(kind, value): ("json", obj), ("jsonp", obj) with the callback's argument, or (None, None)."""
        if self.status is None or self.truncated:
            return None, None
        text = self.body.decode("utf-8", "replace")
        for kind, candidate in (("json", text), ("jsonp", _jsonp_argument(text))):
            if candidate is None:
                continue
            try:
                return kind, json.loads(candidate)
            except ValueError:
                continue
        return None, None

    @property
    def jsonp_name(self):
        match = _JSONP.match(self.body.decode("utf-8", "replace")) if self.status is not None else None
        return match.group(1) if match else ""

    @property
    def pretty(self):
        kind, value = self.document
        return json.dumps(value, indent=2, ensure_ascii=False) if kind else ""

    @property
    def result(self):
        """The API's "result" ("success", "failed"), or "" when the answer is not the API's JSON."""
        _, value = self.document
        return value.get("result", "") if isinstance(value, dict) and isinstance(value.get("result"), str) else ""

    @property
    def outcome(self):
        """How the exchange ended: the API's result, or what kept its JSON from coming back."""
        if self.problem:
            return self.problem
        kind, _ = self.document
        answered = kind and self.result in (Outcome.SUCCESS, Outcome.FAILED)
        return Outcome(self.result) if answered else Outcome.NOT_JSON


def _jsonp_argument(text):
    match = _JSONP.match(text)
    return match.group(2) if match else None


def send(outgoing, base, timeout, internal_headers=()):
    """Sends the request to the base (and nowhere else), reads at most MAX_BODY_BYTES; never raises for the network.

    internal_headers go with it but are not part of the exchange the page shows: the developer never sent them.
    """
    if not base.owns(outgoing.url):
        raise ValueError("refusing to send outside the API base")
    exchange = Exchange(outgoing)
    headers = dict(outgoing.headers) | dict(internal_headers)
    prepared = requests.Request(outgoing.method, outgoing.url, headers=headers).prepare()
    # requests re-quotes URLs and would turn an escaped "%2E%2E" back into a dot-segment: send ours as built.
    prepared.url = outgoing.url
    prepared.body = outgoing.body or None
    session = requests.Session()
    session.trust_env = False  # no proxy or netrc from the environment: the base is the only destination
    started = time.perf_counter()
    deadline = started + timeout
    try:
        response = session.send(prepared, timeout=(timeout, timeout), allow_redirects=False, stream=True)
        try:
            exchange.status, exchange.reason = response.status_code, response.reason or ""
            exchange.http_version = {10: "HTTP/1.0", 11: "HTTP/1.1"}.get(response.raw.version, "HTTP")
            exchange.headers = list(response.raw.headers.items())
            chunks, size = [], 0
            for chunk in response.raw.stream(8192, decode_content=False):
                chunks.append(chunk)
                size += len(chunk)
                if size > MAX_BODY_BYTES:
                    exchange.truncated = True
                    break
                if time.perf_counter() > deadline:
                    raise requests.Timeout("the body did not arrive in time")
            exchange.body = b"".join(chunks)[:MAX_BODY_BYTES]
        finally:
            response.close()
    except (requests.Timeout, ReadTimeoutError, TimeoutError):
        exchange.problem = Outcome.TIMEOUT
    # Reading the body streams through urllib3 and http.client, whose errors requests does not wrap.
    except (requests.RequestException, Urllib3Error, HTTPException, OSError):
        exchange.problem = Outcome.UNREACHABLE
    finally:
        session.close()
        exchange.elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
    return exchange
