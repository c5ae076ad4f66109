from django.conf import settings


def client_ip(request):
    """The caller's address: REMOTE_ADDR, or the hop TRUSTED_PROXY_COUNT from the right of X-Forwarded-For."""
    hops = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        chain = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(chain) >= hops:
            return chain[-hops][:45]
    return request.META.get("REMOTE_ADDR", "")[:45] or None
