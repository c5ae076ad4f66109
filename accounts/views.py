from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.models import ApiToken


@login_required
def token_list(request):
    tokens = ApiToken.objects.for_owner(request.user)
    return render(request, "accounts/token_list.html", {"tokens": tokens})
