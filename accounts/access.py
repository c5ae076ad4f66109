"""Who may open what: the signed-in developer's own token for a view (404 for anyone else's), and the test-mode
switch of the token pages. Shared by the apps whose pages hang off a token."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404

from accounts.models import ApiToken


def _get_token_for_user(request, pk):
    """The signed-in developer's token; 404 for anyone else's, so nobody learns what exists."""
    return get_object_or_404(ApiToken.objects.for_owner(request.user), pk=pk)


def owned_token(methods):
    """Passes the developer's own token to the view: the 404 comes before any method or other check."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, pk, **kwargs):
            token = _get_token_for_user(request, pk)
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            return view(request, token, **kwargs)

        return wrapper

    return decorator


def test_mode_requested(request):
    """Whether the page is asked for in test mode (?mode=test), as the switch of the token list sets it."""
    return (request.GET.get("mode") or request.POST.get("mode")) == "test"
