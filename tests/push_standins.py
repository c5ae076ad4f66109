"""Local stand-ins for FCM, APNs and a Web Push service: the only fakes the tests allow, because the real services
cannot be reached from here. One hypercorn server over TLS (HTTP/2 and HTTP/1.1 by ALPN, a certificate of a CA made
for the run) checks what each real service checks before it answers:

- Google's token endpoint: the OAuth2 JWT-bearer grant, its assertion verified (RS256) with the test service
  account's public key, its audience, issuer and scope; FCM's messages:send: the access token it issued and the
  message against the HTTP v1 shape (one target, string data, known fields, android priority and ttl).
- APNs: HTTP/2 only, the ES256 provider JWT verified with the test key's public half (kid, iss, iat under an hour),
  apns-topic, apns-push-type, apns-priority, apns-collapse-id, apns-expiration, the payload's size and aps.
- Web Push: the VAPID JWT (vapid t=…, k=…) verified with the application server's public key, its aud and exp;
  TTL, Urgency, Topic, Content-Encoding aes128gcm, and the payload decrypted with the subscription's private key.

A request that fails a check is answered as the service would (400/401/403) and kept in `refused`; one that
passes is kept in `received`. A test can queue answers for a token (`answer_next`): a dead token, a 429 with
Retry-After, a 503…
"""

import asyncio
import base64
import datetime
import itertools
import json
import re
import socket
import threading
import time
import uuid
from collections import defaultdict, deque
from pathlib import Path
from urllib.parse import parse_qs

import http_ece
import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
FCM_SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
PROJECT_ID = "callbacknow-test"
APNS_KEY_ID, APNS_TEAM_ID, APNS_TOPIC = "ABC123DEFG", "TEAM123456", "org.airpage.callbacknow"
VAPID_SUBJECT = "mailto:push@callbacknow.example"
MESSAGE_FIELDS = {"name", "data", "notification", "android", "webpush", "apns", "fcm_options", "token", "topic",
                  "condition"}  # fmt: skip
ANDROID_FIELDS = {"collapse_key", "priority", "ttl", "restricted_package_name", "data", "notification", "fcm_options",
                  "direct_boot_ok"}  # fmt: skip
NOTIFICATION_PRIORITIES = {"PRIORITY_UNSPECIFIED", "PRIORITY_MIN", "PRIORITY_LOW", "PRIORITY_DEFAULT", "PRIORITY_HIGH",
                           "PRIORITY_MAX"}  # fmt: skip
ANDROID_NOTIFICATION_FIELDS = {"title", "body", "icon", "color", "sound", "tag", "click_action", "body_loc_key",
                               "title_loc_key", "channel_id", "ticker", "sticky", "event_time", "local_only",
                               "notification_priority", "default_sound", "visibility", "notification_count", "image"}  # fmt: skip


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Keys:
    """The test credentials, written under a directory: a CA and the server's certificate, a service-account key
    file (its token_uri the stand-in's), an APNs .p8 key, a VAPID key; and the public halves the stand-in checks
    with."""

    def __init__(self, directory, base_url):
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self.ca_file, self.cert_file, self.key_file = self._tls(directory)
        rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.fcm_public = rsa_key.public_key()
        self.service_account_file = directory / "service-account.json"
        self.service_account_file.write_text(
            json.dumps(
                {
                    "type": "service_account",
                    "project_id": PROJECT_ID,
                    "private_key_id": "test-key-1",
                    "private_key": _pem(rsa_key),
                    "client_email": f"push@{PROJECT_ID}.iam.gserviceaccount.com",
                    "client_id": "1",
                    "token_uri": f"{base_url}/token",
                }
            )
        )
        apns_key = ec.generate_private_key(ec.SECP256R1())
        self.apns_public = apns_key.public_key()
        self.apns_key_file = directory / "AuthKey.p8"
        self.apns_key_file.write_text(_pem(apns_key))
        vapid_key = ec.generate_private_key(ec.SECP256R1())
        self.vapid_public = vapid_key.public_key()
        self.vapid_key_file = directory / "vapid.pem"
        self.vapid_key_file.write_text(_pem(vapid_key))

    def settings(self, base_url):
        """The settings (as environment variables) that point the channels at the stand-in."""
        return {
            "PUSH_FCM_SERVICE_ACCOUNT_FILE": str(self.service_account_file),
            "PUSH_FCM_URL": base_url,
            "PUSH_APNS_KEY_FILE": str(self.apns_key_file),
            "PUSH_APNS_KEY_ID": APNS_KEY_ID,
            "PUSH_APNS_TEAM_ID": APNS_TEAM_ID,
            "PUSH_APNS_TOPIC": APNS_TOPIC,
            "PUSH_APNS_URL": base_url,
            "PUSH_APNS_SANDBOX_URL": base_url,
            "PUSH_VAPID_PRIVATE_KEY_FILE": str(self.vapid_key_file),
            "PUSH_VAPID_SUBJECT": VAPID_SUBJECT,
            "PUSH_CA_BUNDLE": str(self.ca_file),
        }

    @staticmethod
    def _tls(directory):
        now = datetime.datetime.now(datetime.UTC)
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CallbackNow test CA")])
        ca = (
            x509.CertificateBuilder()
            .subject_name(ca_name)
            .issuer_name(ca_name)
            .public_key(ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        key = ec.generate_private_key(ec.SECP256R1())
        import ipaddress

        names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        ca_file, cert_file, key_file = directory / "ca.pem", directory / "server.pem", directory / "server.key"
        ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
        cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_file.write_text(_pem(key))
        return ca_file, cert_file, key_file


def _pem(key):
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


class Subscription:
    """A browser's push subscription at the stand-in: its endpoint, and the keys a browser would make (the
    private half stays here, to decrypt what arrives)."""

    def __init__(self, base_url, name=None):
        self.name = name or uuid.uuid4().hex
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth = uuid.uuid4().bytes
        self.endpoint = f"{base_url}/wp/{self.name}"

    def as_json(self):
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {"endpoint": self.endpoint, "keys": {"p256dh": b64url(public), "auth": b64url(self.auth)}}


class Refused(Exception):
    def __init__(self, status, body):
        super().__init__(body)
        self.status, self.body = status, body


class StandIn:
    """The server: start() in a thread of the test process, stop() at the end."""

    def __init__(self, directory):
        self.port = free_port()
        self.base_url = f"https://localhost:{self.port}"
        self.keys = Keys(directory, self.base_url)
        self.received, self.refused = [], []
        self.access_tokens = set()
        self.answers = defaultdict(deque)
        self.subscriptions = {}
        self.counter = itertools.count(1)
        self.arrived = threading.Condition()
        self._stop = None

    # What a test arranges and reads.

    def settings(self):
        return self.keys.settings(self.base_url)

    def subscription(self):
        found = Subscription(self.base_url)
        self.subscriptions[found.name] = found
        return found

    def answer_next(self, token, status, body=None, headers=None):
        """The next request for this token (an FCM or APNs token, a subscription's name) gets this answer."""
        self.answers[token].append((status, body, headers or {}))

    def wait_for(self, count, timeout=20):
        deadline = time.monotonic() + timeout
        with self.arrived:
            while len(self.received) < count and time.monotonic() < deadline:
                self.arrived.wait(deadline - time.monotonic())
        return self.received

    # The server.

    def start(self):
        from hypercorn.asyncio import serve
        from hypercorn.config import Config

        config = Config()
        config.bind = [f"127.0.0.1:{self.port}"]
        config.certfile, config.keyfile = str(self.keys.cert_file), str(self.keys.key_file)
        config.alpn_protocols = ["h2", "http/1.1"]
        config.accesslog = config.errorlog = None
        config.graceful_timeout = 0.2
        ready = threading.Event()

        def run():
            loop = asyncio.new_event_loop()
            self._loop = loop
            self._stop = asyncio.Event()
            loop.call_soon(ready.set)
            loop.run_until_complete(serve(self.app, config, shutdown_trigger=self._stop.wait))

        self._thread = threading.Thread(target=run, name="push-stand-in", daemon=True)
        self._thread.start()
        ready.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the push stand-in did not start")

    def stop(self):
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
            self._thread.join(10)

    async def app(self, scope, receive, send):
        if scope["type"] == "lifespan":
            while (message := await receive())["type"] != "lifespan.shutdown":
                await send({"type": message["type"] + ".complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {name.decode().lower(): value.decode() for name, value in scope["headers"]}
        status, answer, extra = self.handle(scope, headers, body)
        payload = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
        sent_headers = [(b"content-type", b"application/json")]
        sent_headers += [(name.encode(), str(value).encode()) for name, value in extra.items()]
        await send({"type": "http.response.start", "status": status, "headers": sent_headers})
        await send({"type": "http.response.body", "body": payload})

    def handle(self, scope, headers, body):
        path = scope["path"]
        try:
            if path == "/token":
                return 200, self.token(headers, body), {}
            if match := re.fullmatch(r"/v1/projects/([^/]+)/messages:send", path):
                kind, token, record = "fcm", *self.fcm(match.group(1), headers, body)
            elif match := re.fullmatch(r"/3/device/([^/]+)", path):
                kind, token, record = "apns", *self.apns(scope, match.group(1), headers, body)
            elif match := re.fullmatch(r"/wp/([^/]+)", path):
                kind, token, record = "webpush", *self.webpush(match.group(1), headers, body)
            else:
                raise Refused(404, {"error": "no such path"})
        except Refused as refused:
            self.refused.append({"path": path, "status": refused.status, "body": refused.body})
            return refused.status, refused.body, {}
        if self.answers[token]:
            status, answer, extra = self.answers[token].popleft()
            self._record({"kind": kind, "token": token, "status": status, **record})
            return status, answer if answer is not None else b"", extra
        self._record({"kind": kind, "token": token, "status": 200, **record})
        number = next(self.counter)
        if kind == "fcm":
            return 200, {"name": f"projects/{PROJECT_ID}/messages/0:{number}"}, {}
        if kind == "apns":
            return 200, b"", {"apns-id": str(uuid.uuid4()).upper()}
        return 201, b"", {"location": f"{self.base_url}/messages/{number}"}

    def _record(self, record):
        record["at"] = time.time()
        with self.arrived:
            self.received.append(record)
            self.arrived.notify_all()

    # The checks.

    def token(self, headers, body):
        form = {name: values[0] for name, values in parse_qs(body.decode()).items()}
        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            raise Refused(400, {"error": "unsupported_grant_type"})
        try:
            claims = jwt.decode(
                form.get("assertion", ""),
                self.keys.fcm_public,
                algorithms=["RS256"],
                audience=GOOGLE_TOKEN_AUDIENCE,  # google-auth signs for the real endpoint, as Google checks
                issuer=f"push@{PROJECT_ID}.iam.gserviceaccount.com",
                options={"require": ["exp", "iat", "aud", "iss"]},
            )
        except jwt.PyJWTError as exc:
            raise Refused(400, {"error": "invalid_grant", "error_description": str(exc)}) from None
        if FCM_SCOPE not in claims.get("scope", "").split() or claims["exp"] - claims["iat"] > 3600:
            raise Refused(400, {"error": "invalid_scope"})
        access_token = "ya29." + uuid.uuid4().hex
        self.access_tokens.add(access_token)
        return {"access_token": access_token, "expires_in": 3599, "token_type": "Bearer"}

    def fcm(self, project, headers, body):
        scheme, _space, credentials = headers.get("authorization", "").partition(" ")
        if scheme != "Bearer" or credentials not in self.access_tokens:
            raise Refused(401, {"error": {"code": 401, "status": "UNAUTHENTICATED"}})
        if project != PROJECT_ID:
            raise Refused(403, {"error": {"code": 403, "status": "PERMISSION_DENIED"}})
        try:
            message = json.loads(body)["message"]
            _check_fcm_message(message)
        except (ValueError, KeyError, TypeError, AssertionError) as exc:
            raise Refused(400, {"error": {"code": 400, "status": "INVALID_ARGUMENT", "message": repr(exc)}}) from None
        return message["token"], {"message": message}

    def apns(self, scope, token, headers, body):
        if scope["http_version"] != "2":
            raise Refused(400, {"reason": "HTTP/2 required"})  # Apple closes an HTTP/1.1 connection
        scheme, _space, provider_token = headers.get("authorization", "").partition(" ")
        try:
            header = jwt.get_unverified_header(provider_token)
            claims = jwt.decode(
                provider_token, self.keys.apns_public, algorithms=["ES256"], options={"require": ["iat"]}
            )
        except jwt.PyJWTError:
            raise Refused(403, {"reason": "InvalidProviderToken"}) from None
        if scheme.lower() != "bearer" or header.get("kid") != APNS_KEY_ID or claims.get("iss") != APNS_TEAM_ID:
            raise Refused(403, {"reason": "InvalidProviderToken"})
        if time.time() - claims["iat"] > 3600:
            raise Refused(403, {"reason": "ExpiredProviderToken"})
        checks = [
            (headers.get("apns-topic") == APNS_TOPIC, "TopicDisallowed"),
            (headers.get("apns-push-type") == "alert", "InvalidPushType"),
            (headers.get("apns-priority") in ("1", "5", "10"), "BadPriority"),
            (0 < len(headers.get("apns-collapse-id", "").encode()) <= 64, "BadCollapseId"),
            (headers.get("apns-expiration", "").isdigit(), "BadExpirationDate"),
            (len(body) <= 4096, "PayloadTooLarge"),
            (re.fullmatch(r"[0-9a-f]{64,200}", token) is not None, "BadDeviceToken"),
        ]
        for passed, reason in checks:
            if not passed:
                raise Refused(400, {"reason": reason})
        try:
            payload = json.loads(body)
            assert isinstance(payload["aps"]["alert"], dict)
            level = payload["aps"].get("interruption-level", "active")
            assert level in ("passive", "active", "time-sensitive", "critical")
        except (ValueError, KeyError, TypeError, AssertionError):
            raise Refused(400, {"reason": "PayloadEmpty"}) from None
        kept = {name: value for name, value in headers.items() if name.startswith("apns-")}
        return token, {"payload": payload, "headers": kept}

    def webpush(self, name, headers, body):
        subscription = self.subscriptions.get(name)
        if subscription is None:
            raise Refused(404, {"error": "no such subscription"})
        match = re.fullmatch(r"vapid t=([^,\s]+),\s*k=([A-Za-z0-9_\-]+)", headers.get("authorization", ""))
        if not match:
            raise Refused(401, {"error": "VAPID authorization required"})
        server_key = self.keys.vapid_public.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        if unb64url(match.group(2)) != server_key:
            raise Refused(403, {"error": "not the application server's key"})
        try:
            claims = jwt.decode(
                match.group(1),
                self.keys.vapid_public,
                algorithms=["ES256"],
                audience=self.base_url,
                options={"require": ["exp", "aud", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise Refused(403, {"error": f"bad VAPID JWT: {exc}"}) from None
        if claims["exp"] - time.time() > 24 * 3600 or not re.match(r"(mailto:|https:)", claims["sub"]):
            raise Refused(403, {"error": "VAPID exp over 24 h, or sub not mailto:/https:"})
        checks = [
            headers.get("ttl", "").isdigit(),
            headers.get("urgency") in ("very-low", "low", "normal", "high"),
            re.fullmatch(r"[A-Za-z0-9_\-]{1,32}", headers.get("topic", "x")) is not None,
            headers.get("content-encoding") == "aes128gcm",
            len(body) <= 4096,
        ]
        if not all(checks):
            raise Refused(400, {"error": "bad headers", "headers": headers})
        try:
            plain = http_ece.decrypt(
                body, private_key=subscription.private_key, auth_secret=subscription.auth, version="aes128gcm"
            )
            payload = json.loads(plain)
        except Exception as exc:
            raise Refused(400, {"error": f"payload does not decrypt: {type(exc).__name__}"}) from None
        kept = {name: headers.get(name) for name in ("ttl", "urgency", "topic", "content-encoding")}
        return name, {"payload": payload, "headers": kept}


def _check_fcm_message(message):
    """FCM v1's Message: exactly one target, known fields only, data of strings, an AndroidConfig of its shape."""
    assert isinstance(message, dict) and set(message) <= MESSAGE_FIELDS, "unknown message field"
    assert sum(name in message for name in ("token", "topic", "condition")) == 1, "one target"
    assert isinstance(message["token"], str) and message["token"]
    data = message.get("data", {})
    assert isinstance(data, dict) and all(isinstance(value, str) for value in data.values()), "data: strings"
    notification = message.get("notification", {})
    assert set(notification) <= {"title", "body", "image"} and all(isinstance(v, str) for v in notification.values())
    android = message.get("android", {})
    assert set(android) <= ANDROID_FIELDS, "unknown android field"
    assert android.get("priority", "NORMAL") in ("NORMAL", "HIGH"), "android priority"
    assert re.fullmatch(r"\d+(\.\d{1,9})?s", android.get("ttl", "0s")), "android ttl"
    assert set(android.get("notification", {})) <= ANDROID_NOTIFICATION_FIELDS, "unknown android notification field"
    priority = android.get("notification", {}).get("notification_priority", "PRIORITY_UNSPECIFIED")
    assert priority in NOTIFICATION_PRIORITIES, "android notification priority"
    assert isinstance(android.get("notification", {}).get("default_sound", False), bool), "default_sound: a bool"
