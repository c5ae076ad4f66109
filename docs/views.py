"""The documentation home page and the OpenAPI document, both read from the API's vocabulary."""

from urllib.parse import quote

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken
from api import protocol, reasons, wire
from docs import openapi
from lib import aes, countries
from lib.hosts import url_host

# A made-up token for the worked encryption example; never issued (real tokens start with the prefix).
SAMPLE_KEY = "0123456789abcdef0123456789abcdef"
KOREAN_MESSAGE = "안녕하세요"

GET_EXAMPLES = (
    (protocol.CALLBACK, _("Call request to a number (callback)")),
    (protocol.NEOCALLBACK, _("Call request to a CallbackNow ID (neocallback)")),
    (protocol.CANCEL, _("Withdraw a call request to a number (cancel)")),
    (protocol.NEOCANCEL, _("Withdraw a call request to an ID (neocancel)")),
    (protocol.CANCEL_BY_ID, _("The original page's form of neocancel: cancel with an ID, also accepted")),
)


def home(request):
    query = request.GET.get("q", "").strip()[:60]
    token = _example_token(request.user)
    site = {
        "base_url": _base_url(request),
        "token_text": token.masked if token else protocol.TOKEN_PLACEHOLDER,
        "host": _referer_host(token.host) if token else protocol.HOST_PLACEHOLDER,
        "window_seconds": settings.API_FOOT_WINDOW_SECONDS,
    }
    callback_path = protocol.operation(protocol.CALLBACK).path(site["token_text"])
    context = {
        **site,
        "token": token,
        "signed_in": request.user.is_authenticated,
        "get_template": "/<token>/<action>/<my number>/<my country code>/<target number>/<target country code>/<message>",
        "get_examples": [
            (op_id, title, f"curl '{site['base_url']}{protocol.operation(op_id).path(site['token_text'])}'")
            for op_id, title in GET_EXAMPLES
        ],
        "jsonp_example": f"curl '{site['base_url']}{callback_path}/?{protocol.JSONP_PARAMETER}={protocol.EXAMPLE_JSONP_CALLBACK}'",
        "korean_message": KOREAN_MESSAGE,
        "korean_message_encoded": quote(KOREAN_MESSAGE),
        "message_max_length": settings.API_MESSAGE_MAX_LENGTH,
        "rate_limit": settings.API_RATE_LIMIT_PER_MINUTE,
        "callback_max_length": wire.CALLBACK_MAX_LENGTH,
        "post_url": site["base_url"] + protocol.POST_PATH,
        "sample_key": SAMPLE_KEY,
        "sample_ciphertext": aes.encrypt_field(SAMPLE_KEY, protocol.CALLBACK),
        "openssl_check": _sample("openssl_check.sh", {"sample_key": SAMPLE_KEY}),
        "shell_client": _sample("client.sh", site),
        "php_client": _sample("client.php", site),
        "python_client": _sample("client.py", site),
        "reasons": reasons.ALL,
        "country_rows": _country_rows(query),
        "country_shown": len(countries.search(query)),
        "country_total": len(countries.countries()),
        "query": query,
        "app_store_url": settings.APP_STORE_URL,
    }
    return render(request, "docs/home.html", context)


def openapi_document(request):
    with translation.override("en"):
        document = openapi.document(_base_url(request), reasons.ALL)
        response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 2})
    # Readable by API tools on other sites (Swagger UI, Postman's importer), like the API's own answers.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _country_rows(query):
    """(country, shown) for every country: rows not matching ?q= are rendered hidden, so the script can show them again."""
    matching = set(countries.search(query))
    return [(country, country in matching) for country in countries.countries()]


def _sample(name, context):
    """A code sample from docs/templates/docs/samples/, filled with this site's address and the example token."""
    return render_to_string(f"docs/samples/{name}.txt", context).strip() + "\n"


def _base_url(request):
    """This site's own address as the visitor reached it, without the trailing slash."""
    return request.build_absolute_uri("/").rstrip("/")


def _example_token(user):
    """The signed-in developer's newest active token, shown masked in the examples; None for visitors."""
    if not user.is_authenticated:
        return None
    return ApiToken.objects.for_owner(user).active().first()


def _referer_host(pattern):
    """A host a Referer may name for this token's host pattern ("*.example.com" allows www.example.com)."""
    return "www." + pattern[2:] if pattern.startswith("*.") else url_host(pattern)
