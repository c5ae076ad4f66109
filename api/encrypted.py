"""The encrypted POST of the seed's PHP client: reading the body, finding the caller, foot and replay."""

import hashlib
import json
import time
from datetime import UTC, datetime
from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import UnreadablePostError

from api import callers, guards, reasons
from api.actions import ApiError, CallSpec
from api.decorators import admit, carry_out
from api.models import SeenRequest
from api.protocol import BY_ID, CANCEL, NEOCANCEL, POST_FIELDS
from lib.aes import UndecryptableField, decrypt_field, decrypt_fields
from lib.hosts import host_from_header

MAX_BODY_BYTES = 16 * 1024


def token_in_body(view):
    """Authenticates an encrypted POST: attaches its token, its decrypted fields and their action to the call.

    The Referer's (or Origin's) host selects the candidate tokens; the one whose key decrypts
    mytoken to itself is the caller. foot must be near the server's clock and the request new.
    """

    @wraps(view)
    def wrapper(request, call, *args, **kwargs):
        fields = read_fields(request)
        host = host_from_header(request.headers.get("Referer") or request.headers.get("Origin"))
        if not host:
            raise ApiError(reasons.REFERER_REQUIRED)
        if not fields.get("mytoken"):
            raise ApiError(reasons.MISSING_PARAMETER)
        token, key = find_caller(host, fields["mytoken"])
        call.token = token
        try:  # before the token's state is checked: the log of a refused call shows what it asked for
            plain = decrypt_all(key, fields)
        except ApiError:
            plain = None
        if plain is not None:
            call.fields, call.action = plain, call_spec(plain).action
        if not token.is_active:
            raise ApiError(reasons.TOKEN_NOT_ACTIVE)
        guards.check_caller(token, request)  # the Referer chose the token; a servers token is judged by address
        if plain is None:
            raise ApiError(reasons.UNDECRYPTABLE_FIELD)
        foot = foot_millis(plain.get("foot", ""))
        until = datetime.fromtimestamp(foot / 1000 + settings.API_FOOT_WINDOW_SECONDS, tz=UTC)
        if not SeenRequest.objects.remember(fingerprint(token, foot), until):
            raise ApiError(reasons.REPLAYED_REQUEST)
        admit(call, token)  # only now: the caller holds the token and the request is fresh
        # The replay store's row stays committed whatever the call does next: a refused request is not replayed.
        return carry_out(request, call, view, *args, **kwargs)

    return wrapper


def read_fields(request):
    """The body's fields of the seed's protocol: a JSON object whose known fields are strings."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise ApiError(reasons.MALFORMED_BODY) from None
    if declared > MAX_BODY_BYTES:
        raise ApiError(reasons.MALFORMED_BODY)
    try:
        data = json.loads(request.body)
    except (RequestDataTooBig, UnreadablePostError, ValueError, RecursionError):
        raise ApiError(reasons.MALFORMED_BODY) from None
    if not isinstance(data, dict):
        raise ApiError(reasons.MALFORMED_BODY)
    fields = {name: data[name] for name in POST_FIELDS if name in data}
    if not all(isinstance(value, str) for value in fields.values()):
        raise ApiError(reasons.MALFORMED_BODY)
    return fields


def find_caller(host, mytoken):
    """(token, key): the token of this host, and which of its accepted secrets, that encrypted mytoken."""
    for token in callers.tokens_for_host(host):
        try:
            keys = accepted_keys(token)
        except ValueError:  # stored under another TOKEN_ENCRYPTION_KEY: cannot be this caller
            continue
        for key in keys:
            try:
                if decrypt_field(key, mytoken) == key:
                    return token, key
            except UndecryptableField:
                continue
    raise ApiError(reasons.UNKNOWN_TOKEN)


_keys = {}


def accepted_keys(token):
    """token.accepted_secrets(), remembered in this process for as long as the token's stored secrets are the
    same (a roll, or the end of the previous one's grace, asks anew): their decryption cost a call a twentieth."""
    previous = token.previous_secret_encrypted if token.previous_in_grace else None
    stored = (token.pk, token.secret_encrypted, previous)
    keys = _keys.get(stored)
    if keys is None:
        keys = token.accepted_secrets()
        if len(_keys) >= callers.MAX_ENTRIES:
            _keys.clear()
        _keys[stored] = keys
    return keys


def decrypt_all(key, fields):
    """Plaintext of every field sent; an empty field stands for an empty value. mytoken is the key: find_caller
    found the key by decrypting it."""
    sent = [name for name, value in fields.items() if value and name != "mytoken"]
    try:
        plain = dict(zip(sent, decrypt_fields(key, [fields[name] for name in sent]), strict=True))
        return {name: key if name == "mytoken" else plain.get(name, "") for name in fields}
    except UndecryptableField:
        raise ApiError(reasons.UNDECRYPTABLE_FIELD) from None


def foot_millis(text):
    """foot as milliseconds since the epoch, if within the window of the server's clock."""
    if not text:
        raise ApiError(reasons.MISSING_PARAMETER)
    if not (text.isascii() and text.isdigit() and len(text) <= 15):
        raise ApiError(reasons.INVALID_FOOT)
    foot = int(text)
    if abs(time.time() * 1000 - foot) > settings.API_FOOT_WINDOW_SECONDS * 1000:
        raise ApiError(reasons.STALE_FOOT)
    return foot


def fingerprint(token, foot):
    """Identifies a request for replay by its token and foot alone: each field is encrypted on its own, so
    any other field of a captured request can be swapped for the same field of another request (spliced).
    A foot is therefore usable once per token, whatever the other fields say."""
    return hashlib.sha256(f"{token.pk}\x1f{foot}".encode()).hexdigest()


def call_spec(plain):
    """The call the decrypted fields ask for. For neocallback/neocancel phonenumber holds the target's ID;
    a cancel without a target country is a neocancel, as in the seed's GET example."""
    action = plain.get("myaction", "")
    if action == CANCEL and plain.get("phonenumber") and not plain.get("iso"):
        action = NEOCANCEL
    spec = CallSpec(
        action=action,
        my_number=plain.get("myphonenumber", ""),
        my_iso=plain.get("myiso", ""),
        message=plain.get("mymsg", ""),
    )
    if action in BY_ID:
        spec.target_id = plain.get("phonenumber", "")
    else:
        spec.target_number, spec.target_iso = plain.get("phonenumber", ""), plain.get("iso", "")
    return spec
