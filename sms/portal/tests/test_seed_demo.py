"""`seed_demo` is the README's first command: it must work on an empty database and run again safely."""

from io import StringIO

from django.apps import apps
from django.core.management import call_command

from sms.accounts.models import User
from sms.casework import queues
from sms.certificates.models import Certificate
from sms.compliance.models import ActionPlan
from sms.licensing.models import Licence, Rating
from sms.messageboard.models import Message
from sms.reporting.models import Obligation
from sms.visits.models import ComplianceVisit


def test_seed_demo_creates_sign_in_accounts_and_sample_records_once(db):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=StringIO())
    printed = out.getvalue()
    for email in ("level1@acme-care.example", "level2@acme-care.example", "caseworker@homeoffice.example"):
        assert email in printed
        assert User.objects.get(email=email).check_password("Demo-Sponsor-2026")
    assert Licence.objects.filter(status="active").count() == 3
    assert Licence.objects.filter(status="suspended").count() == 1
    assert Certificate.objects.filter(status="assigned").count() == 3
    assert Obligation.objects.filter(event="unauthorised_absence").count() == 1


def test_the_demo_caseworker_finds_work_in_every_queue_and_a_second_run_adds_nothing(db):
    call_command("seed_demo", stdout=StringIO())
    counts = queues.queue_counts()
    for queue in queues.QUEUES:
        assert counts[queue.key]["total"] >= 1, f"no {queue.label} in the demo"
    assert counts["reports"]["late"] == 1
    assert [message.routes for message in Message.objects.all() if message.routes] == [["gbm_senior_specialist"]]
    assert ActionPlan.objects.get().status == ActionPlan.Status.IN_PROGRESS
    assert ActionPlan.objects.get().licence_route.rating == Rating.B
    assert sorted(ComplianceVisit.objects.values_list("status", flat=True)) == ["completed", "planned"]
    before = {model.__name__: model.objects.count() for model in apps.get_models()}

    call_command("seed_demo", stdout=StringIO())

    after = {model.__name__: model.objects.count() for model in apps.get_models()}
    assert after == before
