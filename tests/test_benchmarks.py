"""The benchmark's instruments at a small size (issue 14): the load data generator makes data the
services accept and the audit check verifies, and the benchmark code measures a live server.

The full-size run is `make bench` (PostgreSQL, gunicorn), not part of the test suite.
"""

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q

from benchmarks import inprocess, scenario
from sms.accounts.models import Sponsor, User
from sms.audit.models import AuditEvent
from sms.audit.verification import verify_audit_trail
from sms.certificates.models import Allocation, Certificate
from sms.certificates.services.certificates import certificate_assign
from sms.portal import loaddata
from sms.reporting.models import Obligation, SponsoredPerson
from sms.reporting.services.sweep import obligations_sweep
from sms.trail.models import AuditExport

TINY = loaddata.Sizes(
    sponsors=30, national_workers=90, national_audit=700, large_workers=120, medium_workers=20, ready_drafts=12
)


def test_the_generator_makes_the_sizes_asked_for_and_a_trail_that_verifies(db):
    counts = loaddata.generate(TINY, log=lambda message: None)

    assert Sponsor.objects.count() == TINY.sponsors + 2
    assert SponsoredPerson.objects.count() == TINY.national_workers + TINY.large_workers + TINY.medium_workers
    large = Sponsor.objects.get(name=loaddata.LARGE_SPONSOR_NAME)
    assert SponsoredPerson.objects.filter(sponsor=large).count() == TINY.large_workers
    assert counts["audit.AuditEvent"] == AuditEvent.objects.count() > TINY.national_audit
    report = verify_audit_trail()
    assert report.ok, report.reason
    assert report.checked == AuditEvent.objects.count()
    # In time order: ids and times rise together.
    times = list(AuditEvent.objects.order_by("id").values_list("occurred_at", flat=True))
    assert times == sorted(times)


def test_generated_data_is_consistent_the_way_the_services_leave_it(db):
    loaddata.generate(TINY, log=lambda message: None)

    # Every worker has a certificate of their own sponsor, and every status appears.
    assert not SponsoredPerson.objects.filter(Q(certificate__isnull=True) | ~Q(certificate__sponsor=F("sponsor")))
    assert set(Certificate.objects.values_list("status", flat=True)) == set(Certificate.Status.values)
    assert set(Obligation.objects.values_list("status", flat=True)) == set(Obligation.Status.values)
    # Allocations count exactly the certificates assigned from them, and none is overdrawn.
    for allocation in Allocation.objects.annotate(
        held=Count("certificates", filter=~Q(certificates__status=Certificate.Status.DRAFT))
    ):
        assert allocation.used == allocation.held <= allocation.granted
    assert not Certificate.objects.filter(allocation__isnull=False).exclude(allocation__sponsor=F("sponsor"))
    # Obligations belong to their worker's sponsor, one per source.
    assert not Obligation.objects.filter(person__isnull=False).exclude(person__sponsor=F("sponsor"))


def test_the_large_sponsors_ready_drafts_can_be_assigned_and_the_sweep_finds_work(db):
    loaddata.generate(TINY, log=lambda message: None)
    level_1 = User.objects.get(email=loaddata.LARGE_LEVEL_1)
    draft = Certificate.objects.filter(sponsor=level_1.sponsor, status=Certificate.Status.DRAFT).last()

    assigned = certificate_assign(certificate=draft, actor=level_1)

    assert assigned.status == Certificate.Status.ASSIGNED
    opened = obligations_sweep()
    assert sum(count for key, count in opened.items() if key != "overdue") > 0
    again = obligations_sweep()
    assert sum(count for key, count in again.items() if key != "overdue") == 0
    assert verify_audit_trail().ok


def test_the_command_refuses_a_database_that_already_has_sponsors(db):
    loaddata.generate(TINY, log=lambda message: None)
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="empty database"):
        call_command("generate_load_data", "--small")


def test_unique_codes_never_repeat_and_carry_a_valid_check_character():
    from sms.core.identifiers import check_character

    codes = [loaddata.unique_code("C", 11, n) for n in range(20_000)]
    assert len(set(codes)) == len(codes)
    assert all(check_character(code[:-1]) == code[-1] and len(code) == 11 for code in codes)
    numbers = {loaddata.licence_number_of(n) for n in range(20_000)}
    assert len(numbers) == 20_000


class LiveServer:
    """Stands in for gunicorn: the test's live server, whatever worker count is asked for."""

    url = ""

    def __init__(self, env, workers=2, port=None):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.mark.django_db(transaction=True)
def test_the_benchmark_measures_every_figure_against_a_live_server(live_server, settings):
    loaddata.generate(TINY, log=lambda message: None)
    LiveServer.url = live_server.url

    results = scenario.run(env={}, gunicorn=LiveServer, rounds=2, seconds=0.5, import_rows=(15,), scaling=True)
    machine = {"cpu": "test", "cores": 2, "memory_gb": 1, "load": (0, 0, 0), "system": "test", "python": "3"}
    results.update(label="test", started="now", machine=machine)

    assert {page["key"] for page in results["pages"]} >= {"obligations", "trail_deep", "ho_trail", "ho_sponsors"}
    for page in results["pages"]:
        assert page["statuses"] == [200], page
        assert page["ratio"] > 0
    assert results["export"]["status"] == 200
    # The export records itself in the trail as it starts, so the file may hold that row too.
    assert results["export"]["rows"] >= results["export"]["expected_rows"] > 0
    assert results["export"]["complete"]
    # The large sponsor's export, produced as the worker would: every row its Level 1 user may see
    # (the trail grew as the benchmark signed in and assigned), and nothing kept afterwards.
    assert results["large_export"]["complete"]
    assert results["large_export"]["rows"] > results["sizes"]["large"]["audit_rows"] > 0
    assert results["large_export"]["bytes"] > 0
    assert not AuditExport.objects.exists()
    assert results["assignment"]["assigned"] > 0
    assert results["assignment"]["overdrawn_allocations"] == 0
    assert results["assignment"]["allocations_not_matching_their_certificates"] == 0
    assert results["assignment"]["statements"] > 0
    assert results["import"][0]["created"] == 15
    assert results["verify"]["ok"]
    assert all(row["queries_large"] and row["queries_medium"] for row in results["growth"])
    assert [row["workers"] for row in results["scaling"]] == [1, 2, 4]
    # What the services measured inside a rolled-back transaction left nothing behind.
    assert not Certificate.objects.filter(family_name__startswith="Importee").exists()
    report = scenario.render(results)
    assert "What was changed and what it gained" in report
    assert "Obligations list, 50k sponsor" in report
    assert "produced by the worker's service into a file | complete" in report


def test_rolled_back_leaves_nothing_behind(db):
    loaddata.generate(TINY, log=lambda message: None)
    before = Obligation.objects.count()

    sweep = inprocess.daily_sweep()

    assert sweep["opened"] > 0
    assert sweep["statements"] > 0
    assert Obligation.objects.count() == before


def test_the_import_figure_takes_a_large_file_through_the_worker_and_leaves_nothing(
    db, monkeypatch, settings, tmp_path
):
    """The benchmark's import goes the way the upload page sends a file of its size: over the
    threshold, stored, queued and imported by the worker's service, all rolled back."""
    from django.core.files.storage import default_storage

    from sms.certificates.models import CertificateImport
    from sms.certificates.services import bulk

    loaddata.generate(TINY, log=lambda message: None)
    monkeypatch.setattr(bulk, "BACKGROUND_ROWS", 10)
    settings.MEDIA_ROOT = tmp_path
    level_1 = User.objects.get(email=loaddata.LARGE_LEVEL_1)

    result = inprocess.cos_import(actor=level_1, rows=25)

    assert (result["path"], result["created"], result["refused"]) == ("background", 25, "")
    assert 0 < result["worker_seconds"] <= result["seconds"]
    assert result["cpu_seconds"] > 0
    assert not Certificate.objects.filter(family_name__startswith="Importee").exists()
    assert not CertificateImport.objects.exists()
    assert default_storage.listdir("certificate-imports")[1] == []
