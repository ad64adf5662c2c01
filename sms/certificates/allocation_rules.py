"""Pure rules for allocations: the allocation year, the run-out forecast, which categories a licence
may be allocated and when the priority service is open (domain.md section 4). No database."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from sms.licensing.models import ROUTE_CATEGORY, Rating, Route, RouteCategory

# Licences converted from Tier 2 and Tier 5 on 1 December 2020 keep allocation years from 6 April.
TAX_YEAR_START = (4, 6)
# Priority service is not offered for certificates on these routes (domain.md section 4).
PRIORITY_EXCLUDED_ROUTES = frozenset({Route.GBM_UK_EXPANSION, Route.GBM_SERVICE_SUPPLIER, Route.GBM_SECONDMENT})
PRIORITY_CATEGORIES = frozenset({RouteCategory.WORKER, RouteCategory.TEMPORARY_WORKER})


def format_day(day: date) -> str:
    """3 March 2026: how dates are shown to people."""
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class AllocationYear:
    start: date
    end: date

    @property
    def label(self) -> str:
        return f"{format_day(self.start)} to {format_day(self.end)}"

    def following(self) -> "AllocationYear":
        start = self.end + timedelta(days=1)
        return AllocationYear(start, start + relativedelta(years=1) - timedelta(days=1))


def allocation_year(day: date, *, granted_on: date | None, converted_from_tier2: bool = False) -> AllocationYear:
    """The allocation year containing ``day``: 12 months from the licence's grant (or renewal grant),
    or 6 April to 5 April for a licence converted from Tier 2 on 1 December 2020 (domain.md section 4).

    A licence without a grant date (never the case once issued) falls back to 6 April years.
    """
    if converted_from_tier2 or granted_on is None:
        month, start_day = TAX_YEAR_START
        anchor = date(day.year, month, start_day)
        years = 0 if day >= anchor else -1
    else:
        anchor = granted_on
        years = relativedelta(day, anchor).years
    start = anchor + relativedelta(years=years)
    if start > day:
        start = anchor + relativedelta(years=years - 1)
    return AllocationYear(start, start + relativedelta(years=1) - timedelta(days=1))


@dataclass(frozen=True)
class AllocationForecast:
    """When the allocation runs out at the recent rate of use, never past the allocation's end.

    ``runs_out_on`` is None when it will not run out before ``year_end`` (or there is no recent use).
    """

    per_week: float
    runs_out_on: date | None
    year_end: date
    used_recently: int = 0
    recent_days: int = 56

    @property
    def lasts_the_year(self) -> bool:
        return self.runs_out_on is None and self.per_week > 0

    @property
    def basis(self) -> str:
        """What the forecast rests on, in words: "at the rate of the last 8 weeks (4 certificates
        assigned, about 0.5 a week)". A bare "0.1 a week" told people neither the unit nor the period."""
        weeks = self.recent_days // 7
        period = f"the last {weeks} weeks" if self.recent_days % 7 == 0 else f"the last {self.recent_days} days"
        noun = "certificate" if self.used_recently == 1 else "certificates"
        return (
            f"at the rate of {period} ({self.used_recently} {noun} assigned, "
            f"about {self.per_week:g} a week)"
        )


def allocation_forecast(
    *, remaining: int, used_recently: int, recent_days: int, today: date, year_end: date
) -> AllocationForecast:
    """Forecast from the last ``recent_days`` of use. A date after the year's end is no forecast at all:
    unused certificates lapse then, so the allocation lasts until it ends."""
    per_day = used_recently / recent_days
    per_week = round(per_day * 7, 1)
    basis = {"used_recently": used_recently, "recent_days": recent_days}
    if remaining <= 0:
        return AllocationForecast(per_week, today, year_end, **basis)
    if per_day == 0:
        return AllocationForecast(per_week, None, year_end, **basis)
    runs_out_on = today + timedelta(days=int(remaining / per_day))
    return AllocationForecast(per_week, runs_out_on if runs_out_on <= year_end else None, year_end, **basis)


def categories_held(routes: Iterable[str]) -> set[str]:
    """The allocation categories of the routes a licence holds (or an application asks for)."""
    return {ROUTE_CATEGORY[route] for route in routes}


def categories_not_held(requested: Iterable[str], routes: Iterable[str]) -> list[str]:
    """Requested categories for which the licence holds no route, in request order."""
    held = categories_held(routes)
    return [category for category in requested if category not in held]


def priority_service_refusal(categories: Iterable[str], held: Iterable[tuple[str, str]]) -> str:
    """Why the priority service is not open to this request, or "" when it is.

    Open only to A-rated Worker and Temporary Worker sponsors for undefined CoS: not for CAS, and not
    for UK Expansion Worker, Service Supplier or Secondment Worker certificates (domain.md section 4).
    ``held`` is the licence's current (route, rating) pairs.
    """
    categories = set(categories)
    held = list(held)
    if not categories:
        return ""
    if not categories <= PRIORITY_CATEGORIES:
        return "The priority service is not available for CAS"
    for category in sorted(categories):
        eligible = [
            rating
            for route, rating in held
            if ROUTE_CATEGORY[route] == category and route not in PRIORITY_EXCLUDED_ROUTES
        ]
        if not eligible:
            return (
                "The priority service is not available for UK Expansion Worker, Service Supplier or "
                "Secondment Worker certificates"
            )
        if any(rating != Rating.A for rating in eligible):
            return "The priority service is only for A-rated sponsors"
    return ""


@dataclass(frozen=True)
class RequestOptions:
    """What an allocation request may ask for: the categories held, and for which of them the
    priority service is open (with the reason when it is open for none)."""

    categories: list[str]
    priority_categories: list[str]
    priority_unavailable: str


def request_options(held: Iterable[tuple[str, str]]) -> RequestOptions:
    """The request form offers only these; the request service enforces the same rules."""
    held = list(held)
    order = list(RouteCategory.values)
    categories = sorted(categories_held(route for route, _ in held), key=order.index)
    refusals = {category: priority_service_refusal([category], held) for category in categories}
    priority_categories = [category for category in categories if not refusals[category]]
    unavailable = "" if priority_categories else next(iter(refusals.values()), "")
    return RequestOptions(categories, priority_categories, unavailable)
