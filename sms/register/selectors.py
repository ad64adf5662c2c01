"""The public register of licensed sponsors, in the layout of the GOV.UK register (domain.md section 6).

One row per sponsor and route held. Listed: licences that are active or suspended (docs/decisions.md).
"""

from django.db.models import QuerySet

from sms.licensing.models import ROUTE_CATEGORY, Licence, LicenceRoute, Rating, Route, RouteCategory

HEADER = ["Organisation Name", "Town/City", "County", "Type & Rating", "Route"]
LISTED = [Licence.Status.ACTIVE, Licence.Status.SUSPENDED]
COLUMNS = ("licence__sponsor__name", "licence__sponsor__town", "licence__sponsor__county", "route", "rating")

RATING_WORDS = {Rating.A: "A rating", Rating.B: "B rating", Rating.PROVISIONAL: "Provisional"}
CATEGORY_WORDS = {
    RouteCategory.WORKER: "Worker",
    RouteCategory.TEMPORARY_WORKER: "Temporary Worker",
    RouteCategory.STUDENT: "Student",
}
TEMPORARY_PREFIX = "Temporary Worker: "


def type_and_rating(route: str, rating: str) -> str:
    """"Worker (A rating)", "Temporary Worker (B rating)", "Student (A rating)"."""
    return f"{CATEGORY_WORDS[ROUTE_CATEGORY[route]]} ({RATING_WORDS[rating]})"


def route_name(route: str) -> str:
    """The route as the GOV.UK register names it ("Charity Worker", not "Temporary Worker: Charity Worker")."""
    return Route(route).label.removeprefix(TEMPORARY_PREFIX)


def register_rows(*, search: str = "", route: str = "", rating: str = "") -> QuerySet:
    """(name, town, county, route, rating) for every listed sponsor and route, by name."""
    rows = LicenceRoute.objects.filter(removed_on__isnull=True, licence__status__in=LISTED)
    if search:
        rows = rows.filter(licence__sponsor__name__icontains=search)
    if route in Route.values:
        rows = rows.filter(route=route)
    if rating in Rating.values:
        rows = rows.filter(rating=rating)
    return rows.order_by("licence__sponsor__name", "licence__sponsor_id", "route").values_list(*COLUMNS)


def as_register_row(row: tuple) -> list[str]:
    name, town, county, route, rating = row
    return [name, town, county, type_and_rating(route, rating), route_name(route)]
