"""Retries that race: the same POST with the same Idempotency-Key sent many times at the same
moment, over HTTP, records one fact and gives every caller the same answer (on SQLite as `make run`
configures it, and on PostgreSQL: DATABASE_URL=postgres://... runs it there)."""

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest

from sms.api.models import IdempotencyKey
from sms.api.tests.helpers import token_for
from sms.audit.models import AuditEvent, Verb
from sms.certificates.services.certificates import certificate_assign
from sms.certificates.tests.factories import draft, give_allocation
from sms.reporting.services.facts import person_register_from_certificate

PARALLEL = 12


def post(url: str, secret: str, body: dict, key: str, barrier: threading.Barrier) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json", "Idempotency-Key": key},
        method="POST",
    )
    barrier.wait(timeout=60)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - the test's own server
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@pytest.mark.django_db(transaction=True)
def test_racing_retries_record_the_fact_once_and_all_get_the_first_answer(live_server, sponsor, level_1):
    give_allocation(sponsor)
    certificate = certificate_assign(certificate=draft(sponsor, level_1), actor=level_1)
    person = person_register_from_certificate(certificate=certificate, actor=level_1)
    _, secret = token_for(level_1)
    url = f"{live_server.url}/api/v1/workers/{person.uuid}/facts/"
    body = {"kind": "role_change", "start_date": date.today().isoformat(), "new_value": "Team lead"}
    barrier = threading.Barrier(PARALLEL)

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        answers = list(pool.map(lambda _: post(url, secret, body, "hr-batch-42-row-7", barrier), range(PARALLEL)))

    assert [status for status, _ in answers] == [201] * PARALLEL
    assert all(answer == answers[0][1] for _, answer in answers)
    assert person.facts.filter(kind="role_change").count() == 1
    assert person.obligations.filter(event="role_change").count() == 1
    assert AuditEvent.objects.filter(verb=Verb.FACT_RECORDED, target_id=str(person.pk)).count() == 1
    assert IdempotencyKey.objects.count() == 1
