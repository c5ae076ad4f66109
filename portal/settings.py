"""CallbackNow developer portal settings.

One file, read from the environment. The defaults run locally with nothing else
installed (SQLite, console mail, local-memory cache, DEBUG on); production differs
only by environment variables (see README, "Deployment").
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_int(name, default):
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def env_list(name, default=()):
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

# Development-only defaults: with DEBUG off the portal refuses to start on them.
DEV_SECRET_KEY = "dev-only-secret-key-change-me-0123456789-abcdefghijklmnopqrstuvwxyz"
DEV_TOKEN_ENCRYPTION_KEY = "dev-only-token-encryption-key-change-me"

SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
# Key that encrypts API tokens at rest and keys their lookup digest. Separate from
# SECRET_KEY so that rotating sessions does not lose every token.
TOKEN_ENCRYPTION_KEY = os.environ.get("TOKEN_ENCRYPTION_KEY", DEV_TOKEN_ENCRYPTION_KEY)

if not DEBUG:
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured("Set SECRET_KEY (at least 32 characters) when DEBUG is off.")
    if TOKEN_ENCRYPTION_KEY == DEV_TOKEN_ENCRYPTION_KEY or len(TOKEN_ENCRYPTION_KEY) < 32:
        raise ImproperlyConfigured("Set TOKEN_ENCRYPTION_KEY (at least 32 characters) when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "portal",
    "accounts",
    "api",
    "webhooks",
    "device",
    "apitester",
    "docs",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "huey.contrib.djhuey",
]

MIDDLEWARE = [
    # First: the load balancer probes machines by address over plain HTTP (no host check, no HTTPS redirect).
    "portal.middleware.HealthCheckMiddleware",
    # Then: a request that waited in a queue past its caller's patience is refused before any work.
    "portal.middleware.StaleRequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The Open API's calls go straight to their views from here: they use nothing of what follows.
    "api.routing.ApiRoutingMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.middleware.ServiceOutageMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
            ],
        },
    },
]

# Database: SQLite file by default; DATABASE_URL (PostgreSQL) in production.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at
    # BEGIN so concurrent writers wait (busy timeout) instead of failing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file (not memory) so live-server threads share it; one per process so parallel runs do not collide.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 5)

# Deadlines (README, "Timeouts"): the chain from the balancer through nginx and the server down to the database,
# each shorter than the one in front of it, so that nothing is committed after its caller was told it failed.
# A statement running longer, or waiting longer for a lock, is cancelled by PostgreSQL itself (0: no limit;
# scripts/serve-production.sh migrates with 0).
DB_STATEMENT_TIMEOUT_SECONDS = float(os.environ.get("DB_STATEMENT_TIMEOUT_SECONDS", "5"))
DB_LOCK_TIMEOUT_SECONDS = float(os.environ.get("DB_LOCK_TIMEOUT_SECONDS", "3"))
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"]["options"] = (
        f"-c statement_timeout={int(DB_STATEMENT_TIMEOUT_SECONDS * 1000)} "
        f"-c lock_timeout={int(DB_LOCK_TIMEOUT_SECONDS * 1000)}"
    )
# A request that waited longer than this in a queue before a server started it is refused at once (503): its caller
# has given up or is about to (nginx stamps X-Request-Start). One that starts must commit within
# REQUEST_DEADLINE_SECONDS of its arrival, or it is rolled back and answered "service unavailable".
REQUEST_QUEUE_TIMEOUT_SECONDS = float(os.environ.get("REQUEST_QUEUE_TIMEOUT_SECONDS", "5"))
REQUEST_DEADLINE_SECONDS = float(os.environ.get("REQUEST_DEADLINE_SECONDS", "15"))
# What stands in front (scripts/serve-production.sh exports them): the server's worker timeout, nginx's read timeout
# of the server, and the balancer's idle timeout in front of nginx (the operator states it). check --deploy refuses
# a chain out of order.
SERVER_TIMEOUT_SECONDS = float(os.environ.get("SERVER_TIMEOUT_SECONDS", "30"))
FRONT_READ_TIMEOUT_SECONDS = float(os.environ.get("FRONT_READ_TIMEOUT_SECONDS", "35"))
BALANCER_TIMEOUT_SECONDS = float(os.environ.get("BALANCER_TIMEOUT_SECONDS", "60"))
REDIS_TIMEOUT_SECONDS = float(os.environ.get("REDIS_TIMEOUT_SECONDS", "2"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis in production (REDIS_URL) so limits and replay checks hold across
# processes and machines; local memory otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "cbn"),
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT_SECONDS, "socket_timeout": REDIS_TIMEOUT_SECONDS},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: Korean and English, chosen by the browser or the switcher.
LANGUAGE_CODE = "en"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
# The project's catalog first (makemessages writes lib/, portal/ and templates/ strings there), then our wording of
# Django's and allauth's own strings, which makemessages never touches.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "overrides"]
USE_I18N = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Seoul")
USE_TZ = True
# Our own date formats first: one form, "2026-12-02 03:43", in both languages and on every page.
FORMAT_MODULE_PATH = "portal.formats"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Mail: printed to the console and written under var/mail/ locally; SMTP (EMAIL_HOST…) with DEBUG off.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "portal.mail.ConsoleAndFileBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "CallbackNow <no-reply@callbacknow.test>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where developers are told to write about their tokens; empty: support@ the portal's domain (a deploy check warns).
SUPPORT_EMAIL = os.environ.get("SUPPORT_EMAIL", "")

# Security. Behind a TLS-terminating load balancer set SECURE_PROXY_SSL_HEADER.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# The seed's clients call the API over plain http:// and do not follow redirects (a 301 would break
# every existing client), so the API paths are exempt from the HTTPS redirect unless API_REQUIRE_HTTPS.
# A copy of api.routing.API_PATH_PATTERNS (settings import no app): api's system check fails if they differ.
API_PATH_PATTERNS = (
    r"^[^/]+/(callback|neocallback|cancel|neocancel|status)(/|$)",
    r"^callback/callback_api\.php/?$",
)
SECURE_REDIRECT_EXEMPT = [] if env_bool("API_REQUIRE_HTTPS", False) else list(API_PATH_PATTERNS)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
# Opting out of preload is a choice, not an oversight: check --deploy need not remind of it.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
# Number of trusted proxies in front of the app; the client address is taken
# that many hops from the right of X-Forwarded-For (0: REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# allauth's per-address rate limits must see the client too, not the balancer's one address.
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
CONTENT_SECURITY_POLICY = os.environ.get(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'",
)

# Every log line goes through portal.logs.RedactTokens: a GET API path starts with the caller's token.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "portal.logs.RedactTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's default adds a second console handler here; records reach the root's once.
        "django": {"handlers": [], "level": "INFO"},
        # Also on the loggers that print request paths, so that any other handler gets them redacted too.
        "django.request": {"filters": ["redact_tokens"]},
        # The push clients' request lines and traces carry push tokens (APNs puts the token in the path, Web Push in
        # the endpoint) and access tokens: personal data and secrets, never logged.
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        "hpack": {"level": "WARNING"},
        "google.auth": {"level": "WARNING"},
        "django.server": {
            "handlers": ["console"],
            "level": "WARNING",
            "propagate": False,
            "filters": ["redact_tokens"],
        },
    },
}

# django-allauth: email sign-in, mandatory verification, TOTP two-factor.
SITE_NAME = os.environ.get("SITE_NAME", "CallbackNow Developers")
# The portal's public address (https://developers.example.com): mail links are built on it, never on a request's
# Host header. Required with DEBUG off (accounts' deploy check); empty in development: the address the browser used.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
LOGIN_REDIRECT_URL = "/tokens/"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# allauth names a developer by their email (the username is generated, never chosen).
ACCOUNT_USER_DISPLAY = "accounts.adapter.user_display"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.signup.SignupForm"  # the country a new account's live tokens reach
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[CallbackNow] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
}
if env_bool("DISABLE_RATE_LIMITS", False):
    ACCOUNT_RATE_LIMITS = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "CallbackNow"

# Tokens
TOKEN_PREFIX = "cbn_"
# Test mode's tokens: still 32 characters (the seed's PHP client uses a token as its AES-256 key, unchanged).
TEST_TOKEN_PREFIX = TOKEN_PREFIX + "test_"
TEST_TOKENS_PER_DEVELOPER = env_int("TEST_TOKENS_PER_DEVELOPER", 5)
TEST_PHONES_PER_DEVELOPER = env_int("TEST_PHONES_PER_DEVELOPER", 5)
# "auto": issued active at once; "manual": wait for staff approval.
TOKEN_APPROVAL = os.environ.get("TOKEN_APPROVAL", "auto")
TOKENS_PER_DEVELOPER = env_int("TOKENS_PER_DEVELOPER", 10)
# Seconds between two writes of a token's "last used" (at most one a token a window).
TOKEN_LAST_USED_WRITE_INTERVAL = env_int("TOKEN_LAST_USED_WRITE_INTERVAL", 60)

# The device API's held connections (long polls, event streams): see README, "Phones at scale".
DEVICE_WAITS_PER_KEY = env_int("DEVICE_WAITS_PER_KEY", 2)
DEVICE_HELD_CONNECTIONS_PER_PROCESS = env_int("DEVICE_HELD_CONNECTIONS_PER_PROCESS", 5000)
DEVICE_DB_THREADS = env_int("DEVICE_DB_THREADS", 8)
DEVICE_HEARTBEAT_SECONDS = env_int("DEVICE_HEARTBEAT_SECONDS", 15)
DEVICE_CHANGE_POLL_SECONDS = float(os.environ.get("DEVICE_CHANGE_POLL_SECONDS", "0.5"))

# Open API
API_RATE_LIMIT_PER_MINUTE = env_int("API_RATE_LIMIT_PER_MINUTE", 60)
# Seconds each process keeps the tokens API calls read (api.callers): a token revoked, suspended or rolled on
# one machine is refused on every other within this time. Under a second.
API_TOKEN_CACHE_SECONDS = float(os.environ.get("API_TOKEN_CACHE_SECONDS", "0.5"))
API_FOOT_WINDOW_SECONDS = env_int("API_FOOT_WINDOW_SECONDS", 300)
# Calls refused before they prove a token (unknown token, stale or replayed POST, …) allowed per client address.
API_REFUSED_PER_ADDRESS_PER_MINUTE = env_int("API_REFUSED_PER_ADDRESS_PER_MINUTE", 60)
API_MESSAGE_MAX_LENGTH = env_int("API_MESSAGE_MAX_LENGTH", 200)
# Call requests one account's live tokens together may send one target (sliding windows, as the rate limits).
API_PER_TARGET_PER_HOUR = env_int("API_PER_TARGET_PER_HOUR", 10)
API_PER_TARGET_PER_DAY = env_int("API_PER_TARGET_PER_DAY", 30)
# A developer reported as spam by this many different subscribers within SPAM_REPORT_DAYS is suspended for review.
SPAM_REPORTS_TO_SUSPEND = env_int("SPAM_REPORTS_TO_SUSPEND", 5)
SPAM_REPORT_DAYS = env_int("SPAM_REPORT_DAYS", 30)
CALL_REQUEST_TTL_SECONDS = env_int("CALL_REQUEST_TTL_SECONDS", 60 * 60 * 24)
API_LOG_RETENTION_DAYS = env_int("API_LOG_RETENTION_DAYS", 90)

# Test page: where it sends requests (default: this site, as seen by the server).
API_BASE_URL = os.environ.get("API_BASE_URL", "")
API_TESTER_TIMEOUT_SECONDS = float(os.environ.get("API_TESTER_TIMEOUT_SECONDS", "10"))
# Each send holds a server thread while it calls the API back: sends a minute from one anonymous visitor
# (client address) and from one signed-in developer, and sends at once in one server process (fewer than
# its threads: the rest must be free to answer the API, scripts/serve-production.sh checks GUNICORN_THREADS).
API_TESTER_SENDS_PER_VISITOR_PER_MINUTE = env_int("API_TESTER_SENDS_PER_VISITOR_PER_MINUTE", 10)
API_TESTER_SENDS_PER_DEVELOPER_PER_MINUTE = env_int("API_TESTER_SENDS_PER_DEVELOPER_PER_MINUTE", 30)
API_TESTER_SENDS_IN_FLIGHT = env_int("API_TESTER_SENDS_IN_FLIGHT", 1)

# Task queue (Huey): webhook deliveries and the periodic jobs. Redis in production (workers on several machines
# share it), a SQLite file under var/ for `make run`. HUEY_NAME keeps separate queues apart on one Redis.
# The test suite's queue is its own (a worker it starts is told its name), never the one of `make run`.
_QUEUE_SUFFIX = f"-test-{os.getpid()}" if "pytest" in sys.modules else ""
HUEY_NAME = os.environ.get("HUEY_NAME", "callbacknow" + _QUEUE_SUFFIX)
HUEY = {
    "name": HUEY_NAME,
    "immediate": False,
    "utc": True,
    # A short poll when idle: a webhook leaves within a fraction of a second of its change (Redis blocks instead).
    "consumer": {"workers": env_int("HUEY_WORKERS", 8), "worker_type": "thread", "max_delay": 0.5, "periodic": True},
}
if REDIS_URL:
    import redis as _redis

    # Timeouts as every Redis client's (an enqueue after a call's commit never hangs on a stalled Redis); the
    # consumer's blocking read waits 1 s, so the socket's timeout is at least 2.
    _huey_pool = _redis.ConnectionPool.from_url(
        REDIS_URL, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=max(REDIS_TIMEOUT_SECONDS, 2.0)
    )
    HUEY.update({"huey_class": "huey.RedisHuey", "connection_pool": _huey_pool})
else:
    HUEY.update(
        {
            "huey_class": "huey.SqliteHuey",
            "filename": os.environ.get("HUEY_FILE", str(VAR_DIR / f"huey{_QUEUE_SUFFIX}.sqlite3")),
        }
    )

# Webhooks
# http:// URLs and loopback/private addresses as endpoints: for development only.
WEBHOOK_ALLOW_PRIVATE_URLS = env_bool("WEBHOOK_ALLOW_PRIVATE_URLS", DEBUG)
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
# Attempts in flight to one endpoint at once: a slow endpoint waits in its own lane, never holding every worker thread.
WEBHOOK_IN_FLIGHT_PER_ENDPOINT = env_int("WEBHOOK_IN_FLIGHT_PER_ENDPOINT", 2)
WEBHOOK_MAX_RESPONSE_BYTES = env_int("WEBHOOK_MAX_RESPONSE_BYTES", 64 * 1024)
# Seconds between the attempts of a delivery after each failure: about immediately, then 5 s, 5 min, 30 min,
# 2 h, 5 h, 10 h, 10 h; after the last the event is failed.
WEBHOOK_RETRY_DELAYS = [
    int(part) for part in os.environ.get("WEBHOOK_RETRY_DELAYS", "5,300,1800,7200,18000,36000,36000").split(",")
]
WEBHOOK_DISABLE_AFTER_SECONDS = env_int("WEBHOOK_DISABLE_AFTER_SECONDS", 3 * 24 * 3600)
WEBHOOK_SWEEP_GRACE_SECONDS = env_int("WEBHOOK_SWEEP_GRACE_SECONDS", 30)
WEBHOOK_RETENTION_DAYS = env_int("WEBHOOK_RETENTION_DAYS", 30)
WEBHOOK_ENDPOINTS_PER_TOKEN = env_int("WEBHOOK_ENDPOINTS_PER_TOKEN", 5)
# Test events and resends a developer may ask for in an hour, per endpoint and per account.
WEBHOOK_MANUAL_SENDS_PER_ENDPOINT_PER_HOUR = env_int("WEBHOOK_MANUAL_SENDS_PER_ENDPOINT_PER_HOUR", 10)
WEBHOOK_MANUAL_SENDS_PER_ACCOUNT_PER_HOUR = env_int("WEBHOOK_MANUAL_SENDS_PER_ACCOUNT_PER_HOUR", 30)

# Home page
APP_STORE_URL = os.environ.get("APP_STORE_URL", "https://play.google.com/store/apps/details?id=org.airpage.callbacknow")

# Push (device.push): FCM, APNs and Web Push wake a phone whose app sleeps. A channel without its credentials is off
# (`check --deploy` warns, /healthz says so under "push"). The providers' base URLs default to the real services.
PUSH_FCM_SERVICE_ACCOUNT_FILE = os.environ.get("PUSH_FCM_SERVICE_ACCOUNT_FILE", "")
PUSH_FCM_URL = os.environ.get("PUSH_FCM_URL", "https://fcm.googleapis.com").rstrip("/")
PUSH_APNS_KEY_FILE = os.environ.get("PUSH_APNS_KEY_FILE", "")
PUSH_APNS_KEY_ID = os.environ.get("PUSH_APNS_KEY_ID", "")
PUSH_APNS_TEAM_ID = os.environ.get("PUSH_APNS_TEAM_ID", "")
PUSH_APNS_TOPIC = os.environ.get("PUSH_APNS_TOPIC", "")
PUSH_APNS_URL = os.environ.get("PUSH_APNS_URL", "https://api.push.apple.com").rstrip("/")
PUSH_APNS_SANDBOX_URL = os.environ.get("PUSH_APNS_SANDBOX_URL", "https://api.sandbox.push.apple.com").rstrip("/")
PUSH_VAPID_PRIVATE_KEY_FILE = os.environ.get("PUSH_VAPID_PRIVATE_KEY_FILE", "")
PUSH_VAPID_SUBJECT = os.environ.get("PUSH_VAPID_SUBJECT", "")
# Channels off on purpose (a comma-separated list of fcm, apns, webpush): `check --deploy` does not warn of them.
PUSH_CHANNELS_OFF = env_list("PUSH_CHANNELS_OFF")
PUSH_CA_BUNDLE = os.environ.get("PUSH_CA_BUNDLE", "")
PUSH_TIMEOUT_SECONDS = float(os.environ.get("PUSH_TIMEOUT_SECONDS", "10"))
# Seconds between a push's attempts after a 429 or 5xx (a Retry-After that asks for longer wins), within the call
# request's life.
PUSH_RETRY_DELAYS = [int(part) for part in os.environ.get("PUSH_RETRY_DELAYS", "1,5,30,120,600").split(",")]
