"""Who may ask whom to call (issue 24): the token's restriction on its callers, the callback numbers a token may
send, and the requests one account may send one target. Each refusal is an ApiError with a reason of its own,
raised before anything is written."""

from django.conf import settings

from accounts.restrictions import Refusal
from api import actions, callers, reasons
from api.rate_limits import limits
from lib import phones
from lib.client_ip import client_ip

REFUSALS = {
    Refusal.HOST_MISMATCH: reasons.HOST_MISMATCH,
    Refusal.NO_PAGE: reasons.REFERER_OR_ORIGIN_REQUIRED,
    Refusal.ADDRESS: reasons.ADDRESS_NOT_ALLOWED,
}
HOUR, DAY = 3600, 86400


def check_caller(token, request):
    """Refuses a caller the token's restriction does not allow. The address judged is the connection's (through
    the trusted proxies), never one vouched for by the test page: a servers token is called by servers."""
    refusal = token.refusal_of_caller(request.headers.get("Origin"), request.headers.get("Referer"), client_ip(request))
    if refusal is not None:
        raise actions.ApiError(REFUSALS[refusal])


def check_callback_number(token, requester):
    """Refuses a "my number" that charges whoever dials it, or one outside the token's allowed callback numbers."""
    if phones.charges_the_caller(requester.e164):
        raise actions.ApiError(reasons.COSTLY_CALLBACK_NUMBER)
    if not token.allows_callback_number(requester.e164):
        raise actions.ApiError(reasons.CALLBACK_NUMBER_NOT_ALLOWED)


def check_target(token, target, requester):
    """Refuses a call request the token's account may not send this target now: a country the account does not
    reach, a sender the target blocked (its developer, or this callback number), or past the target's limits."""
    if not token.is_test and not token.reaches_country(target.country):
        raise actions.ApiError(reasons.TARGET_COUNTRY_NOT_ENABLED)
    blocks_someone = getattr(target, "has_blocks", True)  # read with the target (api.callers), else asked
    if blocks_someone and callers.blocks_of(target.pk).stop(token.owner_id, requester.e164):
        raise actions.ApiError(reasons.BLOCKED_BY_RECIPIENT)
    check_quota_of_target(token, target)


def _quotas():
    return [
        ("target-hour", settings.API_PER_TARGET_PER_HOUR, HOUR),
        ("target-day", settings.API_PER_TARGET_PER_DAY, DAY),
    ]


def check_quota_of_target(token, target):
    """Refuses a live call request once the token's account has used up what it may send this target in an hour or
    in a day (across all its tokens): ApiError with Retry-After. Only reads: a call is counted once it is committed
    (count_toward_target). Test targets are not people."""
    if token.is_test:
        return
    key = f"{token.owner_id}:{target.pk}"
    used_up = [
        window for window in (limits().peek(policy, key, *quota) for policy, *quota in _quotas()) if not window.allowed
    ]
    if used_up:
        raise actions.ApiError(reasons.TARGET_RATE_LIMITED, retry_after=max(window.retry_after for window in used_up))


def count_toward_target(token, target):
    """Counts a call request the call created, once it is committed (transaction.on_commit; at once on the
    one-statement path, whose statement has committed): a call that failed, was rolled back or whose outcome is
    unknown, and a refresh of an open request, use none of the quota. The check (check_quota_of_target) and this
    count are not one step: calls of one account to one target running side by side may each pass the check, and
    each is counted as it commits (the counter stops at the quota), so the limit can be overshot by as many calls
    as ran at once."""
    if token.is_test:
        return
    key = f"{token.owner_id}:{target.pk}"
    for policy, *quota in _quotas():
        limits().hit(policy, key, *quota)
