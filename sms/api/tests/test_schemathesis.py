"""Schemathesis over the whole OpenAPI document, in-process through the WSGI application, with a
token of a Level 1 user whose sponsor has one of everything: no server error and no response that
breaks the document, for generated valid and invalid requests to every operation. Bounded by
``EXAMPLES`` per operation and mode so CI stays fast (raise it locally to search harder)."""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from sms.api.tests.helpers import token_for
from tests.worlds import build_world

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "8"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def real_object(world, path: str):
    """Most generated identifiers name nothing (a 404, also checked); these name the world's objects,
    so the operations' own rules are reached too."""
    if "/certificates/" in path:
        return world["draft"] if path.endswith("/assign/") else world["certificate"]
    if "/webhooks/" in path:
        return world["webhook_endpoint"]
    if "/workers/" in path:
        return world["person"]  # (an absence's "fact" stays generated: a 404, or a real one by chance)
    return world["open_obligation"]


def fuzz(operation, mode, world, headers):
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        if case.path_parameters and "uuid" in case.path_parameters and hash(str(case.body)) % 2:
            case.path_parameters["uuid"] = str(real_object(world, operation.path).uuid)
        case.call_and_validate(headers=headers, checks=CHECKS)

    return run


@pytest.fixture
def keep_the_test_connection():
    """The WSGI handler closes the database connection after each request; in a test that would
    close the test's own transaction (Django's test client disconnects the same receivers)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("keep_the_test_connection")
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_server_error_and_no_response_that_breaks_the_document(sponsor, level_1, level_2, mode):
    world = build_world(sponsor, level_1, level_2)
    _, secret = token_for(level_1)
    headers = {"Authorization": f"Bearer {secret}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    checked = []
    for operation in operations:
        fuzz(operation, mode, world, headers)()
        checked.append(operation.label)
    assert len(checked) == len(operations)
