"""The visitor behind a call that the test page makes on their behalf.

The test page calls the API from the server itself, so every call it makes would come from the server's own
address: a few visitors sending bad tokens would use up that address's allowance of refused calls and stop the
page for everybody. The page therefore vouches for its visitor's address in a header signed with SECRET_KEY; the
API counts (and logs) the call under that address. A header that does not verify is ignored.
"""

from django.core import signing

from lib.client_ip import client_ip, valid_ip

VISITOR_HEADER = "X-CallbackNow-Visitor"
MAX_AGE_SECONDS = 60
_SIGNER = signing.TimestampSigner(salt="callbacknow.api.visitor-address")


def vouch(address):
    """The header's value for a visitor's address (None: the visitor has no address to vouch for)."""
    return _SIGNER.sign(address) if address else None


def caller_address(request):
    """The address a call is counted and logged under: the vouched visitor's, else the client's own."""
    value = request.headers.get(VISITOR_HEADER)
    if value:
        try:
            return valid_ip(_SIGNER.unsign(value, max_age=MAX_AGE_SECONDS)) or client_ip(request)
        except signing.BadSignature:
            pass
    return client_ip(request)
