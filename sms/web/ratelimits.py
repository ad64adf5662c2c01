"""Limits on what one client address may do in a window, for pages open to anyone (django-ratelimit).

The counts live in the cache (``CACHES``): shared Redis in production, so every web process counts
together. A limit reached answers 429 with a GOV.UK page that says when to try again.
"""

import math

from django.shortcuts import render
from django_ratelimit.core import get_usage

from sms.audit.context import client_ip


def _client_address(group, request) -> str:
    """The address the audit trail records: REMOTE_ADDR, or what our own proxies forwarded."""
    return client_ip(request) or "unknown"


def seconds_to_wait(request, *, group: str, rate: str) -> int | None:
    """Count this request against ``rate`` ("count/period") for its client address; the seconds
    until the window ends when the limit is passed, else None."""
    usage = get_usage(request, group=group, key=_client_address, rate=rate, increment=True)
    if usage is None or not usage["should_limit"]:
        return None
    return max(usage["time_left"], 1)


def wait_in_words(seconds: int) -> str:
    """'1 minute', '45 minutes', '2 hours': rounded up, so the person never comes back too soon."""
    minutes = max(1, math.ceil(seconds / 60))
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = math.ceil(minutes / 60)
    return f"{hours} hour{'s' if hours != 1 else ''}"


def too_many_requests(request, *, seconds: int, doing: str):
    """The 429 page: what was limited, and when to try again (also as ``Retry-After``)."""
    response = render(
        request,
        "errors/429.html",
        {"doing": doing, "wait": wait_in_words(seconds)},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
