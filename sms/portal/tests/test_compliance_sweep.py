from datetime import date
from io import StringIO

from django.core.management import call_command

from sms.certificates.models import Certificate, DefinedCosRequest
from sms.core.lifecycle import sources_of
from sms.licensing.models import Licence
from tests.factories import SponsorFactory


def sweep(day: str) -> str:
    out = StringIO()
    call_command("compliance_sweep", "--today", day, stdout=out)
    return out.getvalue().strip()


def test_the_sweep_expires_due_licences_and_a_second_run_changes_nothing(db):
    licence = SponsorFactory().licence
    Licence.objects.filter(pk=licence.pk).update(expiry_date=date(2026, 6, 30))
    assert sweep("2026-07-01") == (
        "Sweep for 2026-07-01: 1 licence expired, 0 certificates expired, 0 defined CoS requests lapsed, "
        "0 obligations opened, 0 overdue, 0 licence expiry reminders, 0 allocation running low reminders, "
        "0 alerts raised, "
        "0 unfinished payments checked"
    )
    assert sweep("2026-07-01") == (
        "Sweep for 2026-07-01: 0 licences expired, 0 certificates expired, 0 defined CoS requests lapsed, "
        "0 obligations opened, 0 overdue, 0 licence expiry reminders, 0 allocation running low reminders, "
        "0 alerts raised, "
        "0 unfinished payments checked"
    )
    licence.refresh_from_db()
    assert licence.status == Licence.Status.EXPIRED


def test_set_based_sweeps_move_only_from_statuses_the_tables_allow():
    assert sources_of(Licence, Licence.Status.EXPIRED) == [Licence.Status.ACTIVE, Licence.Status.SUSPENDED]
    assert sources_of(Certificate, Certificate.Status.EXPIRED) == [Certificate.Status.ASSIGNED]
    assert sources_of(DefinedCosRequest, DefinedCosRequest.Status.LAPSED) == [DefinedCosRequest.Status.GRANTED]
