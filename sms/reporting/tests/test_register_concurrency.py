"""Adding the same worker to the register from many sessions at once gives one register entry,
recorded once, and no errors."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from sms.audit.models import AuditEvent, Verb
from sms.certificates.services.certificates import certificate_assign
from sms.certificates.tests.factories import draft, give_allocation
from sms.reporting.models import SponsoredPerson
from sms.reporting.services.facts import person_register_from_certificate

PARALLEL = 8


@pytest.mark.django_db(transaction=True)
def test_adding_the_same_worker_in_parallel_registers_them_once(sponsor, level_1):
    give_allocation(sponsor)
    certificate = certificate_assign(certificate=draft(sponsor, level_1), actor=level_1)
    barrier = threading.Barrier(PARALLEL)
    outcomes = []

    def register(_):
        try:
            barrier.wait(timeout=30)
            outcomes.append(person_register_from_certificate(certificate=certificate, actor=level_1).pk)
        except Exception as error:  # noqa: BLE001 (any error is the failure this test looks for)
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        list(pool.map(register, range(PARALLEL)))

    person = SponsoredPerson.objects.get(certificate=certificate)
    assert outcomes == [person.pk] * PARALLEL
    assert AuditEvent.objects.filter(verb=Verb.PERSON_REGISTERED).count() == 1
