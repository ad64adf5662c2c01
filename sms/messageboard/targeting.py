"""Which sponsors a message is for: pure functions over the message's targeting lists.

A sponsor is targeted when its size is one of ``sizes`` and one route its licence holds is at once
one of ``routes``, of one of ``categories`` (sponsor type) and rated one of ``ratings``. An empty
list means any. A message is shown from its publish date to its expiry date (its last day).
"""

from collections.abc import Iterable
from datetime import date

from sms.accounts.models import SponsorSize
from sms.licensing.models import ROUTE_CATEGORY, Rating, Route, RouteCategory


def routes_targeted(routes: Iterable[str], categories: Iterable[str]) -> set[str]:
    """The routes a holder of which may be targeted: the named routes (all if none) of the named
    categories (all if none)."""
    chosen = set(routes) or set(Route.values)
    wanted = set(categories)
    return {route for route in chosen if not wanted or ROUTE_CATEGORY[route] in wanted}


def is_targeted(message, *, size: str, held: Iterable[tuple[str, str]]) -> bool:
    """True when a sponsor of ``size`` holding ``held`` (route, rating) pairs is targeted."""
    if message.sizes and size not in message.sizes:
        return False
    routes = routes_targeted(message.routes, message.categories)
    return any(route in routes and (not message.ratings or rating in message.ratings) for route, rating in held)


def is_shown(message, today: date) -> bool:
    """Published, not withdrawn and not yet past its last day."""
    if getattr(message, "withdrawn_at", None) is not None:
        return False
    return message.publish_on <= today and (message.expires_on is None or today <= message.expires_on)


def _labels(values: Iterable[str], choices) -> list[str]:
    labels = dict(choices)
    return [str(labels.get(value, value)) for value in values]


def describe(message) -> list[tuple[str, str]]:
    """The targeting as labelled lines for staff ("Routes: Any")."""
    return [
        ("Routes", ", ".join(_labels(message.routes, Route.choices)) or "Any"),
        ("Sponsor type", ", ".join(_labels(message.categories, RouteCategory.choices)) or "Any"),
        ("Size", ", ".join(_labels(message.sizes, SponsorSize.choices)) or "Any"),
        ("Rating", ", ".join(_labels(message.ratings, Rating.choices)) or "Any"),
    ]
