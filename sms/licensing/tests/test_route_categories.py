"""Which category each route belongs to (domain.md section 2: types of licence)."""

import pytest

from sms.licensing.models import ROUTE_CATEGORY, Route, RouteCategory

TEMPORARY_WORKER = [
    Route.GBM_GRADUATE_TRAINEE,
    Route.GBM_SECONDMENT,
    Route.GBM_SERVICE_SUPPLIER,
    Route.GBM_UK_EXPANSION,
    Route.SCALE_UP,
    Route.CHARITY_WORKER,
    Route.CREATIVE_WORKER,
    Route.GOVERNMENT_AUTHORISED_EXCHANGE,
    Route.INTERNATIONAL_AGREEMENT,
    Route.RELIGIOUS_WORKER,
    Route.SEASONAL_WORKER,
]
WORKER = [
    Route.SKILLED_WORKER,
    Route.GBM_SENIOR_SPECIALIST,
    Route.MINISTER_OF_RELIGION,
    Route.INTERNATIONAL_SPORTSPERSON,
]


@pytest.mark.parametrize("route", TEMPORARY_WORKER)
def test_global_business_mobility_and_scale_up_routes_are_temporary_worker_routes(route):
    assert ROUTE_CATEGORY[route] == RouteCategory.TEMPORARY_WORKER


@pytest.mark.parametrize("route", WORKER)
def test_worker_routes(route):
    assert ROUTE_CATEGORY[route] == RouteCategory.WORKER


def test_every_route_has_exactly_one_category():
    assert sorted(ROUTE_CATEGORY) == sorted(Route.values)
    assert {route for route, category in ROUTE_CATEGORY.items() if category == RouteCategory.STUDENT} == {
        Route.STUDENT,
        Route.CHILD_STUDENT,
    }
