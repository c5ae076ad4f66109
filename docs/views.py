"""The documentation home page and the OpenAPI document, both read from the API's vocabulary."""

import re
from functools import partial
from urllib.parse import quote

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache

from accounts.models import ApiToken
from api import clients, protocol, reasons, testmode, wire
from api.calls import Call, referer_host
from docs import openapi
from lib import aes, countries
from webhooks import examples as webhook_examples

# Made up, as protocol.EXAMPLE_VALUES["call_request_id"]: real request IDs are random.
EXAMPLE_REQUEST_ID = "req_5f0c2a9e1b7d4c3a8e6f0b12"
KOREAN_MESSAGE = "안녕하세요"

GET_EXAMPLES = (
    (protocol.CALLBACK, _("Call request to a number (callback)")),
    (protocol.NEOCALLBACK, _("Call request to a CallbackNow ID (neocallback)")),
    (protocol.CANCEL, _("Withdraw a call request to a number (cancel)")),
    (protocol.NEOCANCEL, _("Withdraw a call request to an ID (neocancel)")),
    (protocol.CANCEL_BY_ID, _("The original page's form of neocancel: cancel with an ID, also accepted")),
)


# The GET path's segments by name, as the page shows them in the reader's language (the wire keeps the protocol's).
SEGMENT_NAMES = {
    "token": pgettext_lazy("GET path segment", "token"),
    "action": pgettext_lazy("GET path segment", "action"),
    "my_number": pgettext_lazy("GET path segment", "my number"),
    "my_iso": pgettext_lazy("GET path segment", "my country code"),
    "target_number": pgettext_lazy("GET path segment", "target number"),
    "target_iso": pgettext_lazy("GET path segment", "target country code"),
    "target_id": pgettext_lazy("GET path segment", "target ID"),
    "message": pgettext_lazy("GET path segment", "message"),
    "call_request_id": pgettext_lazy("GET path segment", "call request ID"),
}
GET_TEMPLATE = "/{token}/{action}/{my_number}/{my_iso}/{target_number}/{target_iso}/{message}"
# The first call's target: the magic number that answers about 2 s after, so that a first call shows a whole life.
FIRST_CALL_TARGET = testmode.OUTCOMES[0]


def _named(template):
    """A path template with each {segment} written as <its name> in the reader's language."""
    return re.sub(r"\{(\w+)\}", lambda match: f"<{SEGMENT_NAMES[match.group(1)]}>", template)


@never_cache  # a signed-in developer's page carries their test token
def home(request):
    query = request.GET.get("q", "").strip()[:60]
    token = _example_token(request.user)
    base_url = _base_url(request)
    code = {
        "base_url": base_url,
        "token": _example_secret(token),
        "host_pattern": token.host if token else protocol.HOST_PLACEHOLDER,
    }
    example = partial(_example_call, test=token is not None and token.is_test)
    post = example(protocol.CALLBACK, protocol.POST)
    context = {
        "base_url": base_url,
        "token_text": code["token"],
        "host": referer_host(code["host_pattern"]),
        "window_seconds": settings.API_FOOT_WINDOW_SECONDS,
        "per_target_hour": settings.API_PER_TARGET_PER_HOUR,
        "per_target_day": settings.API_PER_TARGET_PER_DAY,
        "token": token,
        "signed_in": request.user.is_authenticated,
        "get_template": _named(GET_TEMPLATE),
        "segment_names": SEGMENT_NAMES,
        "action_paths": {op.operation_id: _named(op.template) for op in protocol.GET_OPERATIONS},
        "first_call": _first_call(base_url, token),
        "first_call_target": FIRST_CALL_TARGET,
        "token_placeholder": protocol.TOKEN_PLACEHOLDER,
        "get_examples": [
            (op_id, title, clients.render(clients.CURL, example(op_id), brief=True, **code).code)
            for op_id, title in GET_EXAMPLES
        ],
        "jsonp_example": clients.render(
            clients.CURL, example(protocol.CALLBACK, protocol.JSONP), brief=True, **code
        ).code,
        "korean_message": KOREAN_MESSAGE,
        "korean_message_encoded": quote(KOREAN_MESSAGE),
        "message_max_length": settings.API_MESSAGE_MAX_LENGTH,
        "rate_limit": settings.API_RATE_LIMIT_PER_MINUTE,
        "callback_max_length": wire.CALLBACK_MAX_LENGTH,
        "post_url": base_url + protocol.POST_PATH,
        "sample_key": openapi.SAMPLE_KEY,
        "sample_ciphertext": aes.encrypt_field(openapi.SAMPLE_KEY, protocol.CALLBACK),
        "openssl_check": clients.openssl_check(openapi.SAMPLE_KEY, protocol.CALLBACK),
        "php_client": clients.render(clients.PHP, post, **code).code,
        "python_client": clients.render(clients.PYTHON, post, **code).code,
        "shell_client": clients.render(clients.CURL, post, **code).code,
        "node_client": clients.render(clients.JAVASCRIPT, post, **code).code,
        "jsonp_page": clients.render(clients.JAVASCRIPT, example(protocol.CALLBACK, protocol.JSONP), **code).code,
        "fetch_page": clients.render(clients.JAVASCRIPT, example(protocol.CANCEL), **code).code,
        "reasons": reasons.ALL,
        "country_rows": _country_rows(query),
        "country_shown": len(countries.search(query)),
        "country_total": len(countries.countries()),
        "query": query,
        "app_store_url": settings.APP_STORE_URL,
        "request_id_header": protocol.REQUEST_ID_HEADER,
        "call_request_id_header": protocol.CALL_REQUEST_ID_HEADER,
        "example_request_id": EXAMPLE_REQUEST_ID,
        "example_call_request_id": protocol.EXAMPLE_VALUES["call_request_id"],
        "call_request_ttl_hours": settings.CALL_REQUEST_TTL_SECONDS // 3600,
        "status_template": _named(protocol.STATUS_OPERATION.template),
        "status_example": f"curl '{base_url}{protocol.STATUS_OPERATION.path(code['token'])}'",
        "status_answer": wire.json_body(openapi.STATUS_EXAMPLE),
        "webhooks": webhook_examples.docs_context(),
        **testmode.table_context(),
        "docs_magic": DOCS_MAGIC,
    }
    return render(request, "docs/home.html", context)


# The magic target of the examples for a signed-in developer: delivered, never answered, open for MAGIC_TTL_SECONDS,
# so that each example runs as copied and the cancel examples find open what the callback examples sent.
DOCS_MAGIC = testmode.OUTCOME_BY_NUMBER["+821000000003"]


def _first_call(base_url, token):
    """The first call in three steps: a callback to the magic number that answers, with the developer's test token
    in full (else the placeholder: only a test token reaches a magic number)."""
    secret = token.secret if token is not None and token.is_test else protocol.TOKEN_PLACEHOLDER
    call = Call.example(protocol.CALLBACK, target=FIRST_CALL_TARGET.national_number)
    return clients.render(clients.CURL, call, brief=True, base_url=base_url, token=secret).code


def _example_call(operation_id, transport=protocol.GET, test=False):
    """The docs' example call: the seed's values, or for a test token the magic target that never answers."""
    if not test:
        return Call.example(operation_id, transport)
    by_id = protocol.operation(operation_id).action in protocol.BY_ID or operation_id == protocol.CANCEL_BY_ID
    target = DOCS_MAGIC.public_id if by_id else DOCS_MAGIC.national_number
    return Call.example(operation_id, transport, target=target)


# The JSONP example page is in both languages at once (it is meant to be saved): its labels are not translated.
JSONP_EXAMPLE_ACTIONS = (
    (protocol.CALLBACK, "call request", "전화요청"),
    (protocol.CANCEL, "withdraw it", "전화요청 취소"),
    (protocol.NEOCALLBACK, "call request to an ID", "아이디로 전화요청"),
    (protocol.NEOCANCEL, "withdraw it, by ID", "아이디로 보낸 전화요청 취소"),
)


def jsonp_example(request):
    context = {
        "base_url": _base_url(request),
        "operations": [
            (protocol.operation(action), english, korean) for action, english, korean in JSONP_EXAMPLE_ACTIONS
        ],
        "values": protocol.EXAMPLE_VALUES,
        "jsonp_parameter": protocol.JSONP_PARAMETER,
    }
    return render(request, "docs/jsonp_example.html", context)


# Redoc's own labels, in the page's language (the document's descriptions stay in English).
REDOC_LABELS = {
    "enum": _("Enum"),
    "enumSingleValue": _("Value"),
    "enumArray": _("Items"),
    "default": _("Default"),
    "deprecated": _("Deprecated"),
    "example": _("Example"),
    "examples": _("Examples"),
    "recursive": _("Recursive"),
    "arrayOf": _("Array of "),
    "webhook": _("Event"),
    "const": _("Value"),
    "noResultsFound": _("No results found"),
    "download": _("Download"),
    "downloadSpecification": _("Download OpenAPI specification"),
    "responses": _("Responses"),
    "callbackResponses": _("Callback responses"),
    "requestSamples": _("Request samples"),
    "responseSamples": _("Response samples"),
}
# What Redoc needs beyond the site's policy, on its page only: its search index runs in a worker made from a
# blob; its styles (styled-components) go into empty <style> elements filled through the CSSOM (the empty text's
# hash), and its scrollbar's fixed stylesheet into one <style> element (that text's hash, of Redoc 2.5.4).
REDOC_STYLE_HASHES = (
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
)
REFERENCE_SOURCES = {"worker-src": "blob:", "style-src": " ".join(REDOC_STYLE_HASHES)}


def reference(request):
    response = render(request, "docs/reference.html", {"redoc_labels": {k: str(v) for k, v in REDOC_LABELS.items()}})
    if settings.CONTENT_SECURITY_POLICY:
        response["Content-Security-Policy"] = _with_sources(settings.CONTENT_SECURITY_POLICY, REFERENCE_SOURCES)
    return response


def _with_sources(policy, sources):
    """The policy with these sources added to their directives (a directive it lacks is added with them alone)."""
    directives = {}
    for part in filter(None, (part.strip() for part in policy.split(";"))):
        name, _space, values = part.partition(" ")
        directives[name] = values
    for name, source in sources.items():
        directives[name] = f"{directives.get(name, '')} {source}".strip()
    return "; ".join(f"{name} {values}".strip() for name, values in directives.items())


def openapi_document(request):
    with translation.override("en"):
        document = openapi.document(_base_url(request), reasons.ALL)
        document["x-test-mode"] = test_mode_document()
        response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 2})
    # Readable by API tools on other sites (Swagger UI, Postman's importer), like the API's own answers.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def test_mode_document():
    """Test mode in /openapi.json: the token prefix, the reserved range and each magic number's outcome."""
    return {
        "description": (
            "Test tokens (prefix cbn_test_, 32 characters) reach only test subscribers: the magic numbers below, the "
            "same for everyone, and the developer's own virtual test phones. Live tokens never reach them."
        ),
        "token_prefix": settings.TEST_TOKEN_PREFIX,
        "reserved_range": {
            "country": testmode.TEST_COUNTRY,
            "from": testmode.FIRST_TEST_NUMBER,
            "to": testmode.LAST_TEST_NUMBER,
            "id_prefix": testmode.TEST_ID_PREFIX,
        },
        "magic_ttl_seconds": testmode.MAGIC_TTL_SECONDS,
        "outcomes": [
            {
                "number": outcome.national_number,
                "e164": outcome.number,
                "id": outcome.public_id,
                "outcome": outcome.code,
                "states": [{"after_seconds": step.after_seconds, "state": step.state} for step in outcome.steps],
                "description": str(outcome.explained()),
            }
            for outcome in testmode.OUTCOMES
        ],
        "failures": [
            {
                "number": failure.national_number,
                "e164": failure.number,
                "status": failure.reason.status,
                "reason": failure.reason.text,
                "description": str(failure.description),
            }
            for failure in testmode.FAILURES
        ]
        + [{"id": testmode.UNREGISTERED_ID, "status": 404, "reason": "target id is not registered to callbacknow"}],
    }


def _country_rows(query):
    """(country, shown) for every country: rows not matching ?q= are rendered hidden, so the script can show them again."""
    matching = set(countries.search(query))
    return [(country, country in matching) for country in countries.countries()]


def _base_url(request):
    """This site's own address as the visitor reached it, without the trailing slash."""
    return request.build_absolute_uri("/").rstrip("/")


def _example_token(user):
    """The token of a signed-in developer's examples: their test token (issued at once to a verified developer),
    else their newest active live token (shown masked); None for visitors."""
    if not user.is_authenticated:
        return None
    return ApiToken.test_token_for(user) or ApiToken.objects.for_owner(user).live().active().first()


def _example_secret(token):
    """A test token in full, so that a copied example runs as it is; a live token masked; else the placeholder."""
    if token is None:
        return protocol.TOKEN_PLACEHOLDER
    return token.secret if token.is_test else token.masked
