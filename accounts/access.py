"""Who may open what: the signed-in developer's own token, or another object of theirs, for a view (404 for anyone
else's), and the test-mode switch of the token pages. Shared by the apps whose pages hang off a token."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404

from accounts.models import ApiToken


def _get_token_for_user(request, pk):
    """The signed-in developer's token; 404 for anyone else's, so nobody learns what exists."""
    return get_object_or_404(ApiToken.objects.for_owner(request.user), pk=pk)


def owned(find, methods, key):
    """Passes the developer's own object to the view, found by find(request, the URL's `key`), which answers 404 for
    anyone else's: the 404 comes before any method or other check."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, **kwargs):
            found = find(request, kwargs.pop(key))
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            return view(request, found, **kwargs)

        return wrapper

    return decorator


def owned_token(methods):
    """Passes the developer's own token (the URL's pk) to the view."""
    return owned(_get_token_for_user, methods, "pk")


def test_mode_requested(request):
    """Whether the page is asked for in test mode (?mode=test), as the switch of the token list sets it."""
    return (request.GET.get("mode") or request.POST.get("mode")) == "test"
