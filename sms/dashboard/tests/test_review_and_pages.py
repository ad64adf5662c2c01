"""The monthly review (service, pages, audit), the dashboard page for each level, its charts and its
query count, which must not grow with the number of workers."""

import base64
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sms.audit.models import AuditEvent, Verb
from sms.certificates.models import Certificate
from sms.certificates.tests.factories import give_allocation
from sms.core import watch
from sms.core.exceptions import DomainError
from sms.dashboard.models import CHECKLIST, MonthlyReview
from sms.dashboard.services import monthly_review_complete
from sms.reporting.models import Obligation
from sms.reporting.selectors import obligations_for_user

from .helpers import absence, certificate, obligation, person

ALL_CHECKED = dict.fromkeys(CHECKLIST, True)


def test_completing_the_review_records_it_with_what_it_saw_and_audits_it(sponsor, level_1):
    today = timezone.localdate()
    obligation(sponsor, legal_deadline=today - timedelta(days=3), target_date=today - timedelta(days=10))
    review = monthly_review_complete(sponsor=sponsor, actor=level_1, checks=ALL_CHECKED, notes=" All fine ")
    assert review.completed_on == today
    assert review.notes == "All fine"
    assert review.snapshot["overdue_obligations"] == 1
    event = AuditEvent.objects.get(verb=Verb.MONTHLY_REVIEW_COMPLETED)
    assert event.payload["overdue_obligations"] == 1
    assert event.actor_id == level_1.pk


def test_a_review_with_a_point_not_confirmed_is_refused(sponsor, level_1):
    with pytest.raises(DomainError, match="allocation"):
        monthly_review_complete(sponsor=sponsor, actor=level_1, checks={**ALL_CHECKED, "allocation_sufficient": False})
    assert not MonthlyReview.objects.exists()


def test_a_level_2_user_may_not_complete_the_review(sponsor, level_2):
    with pytest.raises(PermissionDenied):
        monthly_review_complete(sponsor=sponsor, actor=level_2, checks=ALL_CHECKED)


def test_review_page_completes_it_and_the_dashboard_shows_the_next_due(client, sponsor, level_1):
    client.force_login(level_1)
    page = client.get(reverse("dashboard:review"))
    assert "Outstanding reports" in page.text
    refused = client.post(reverse("dashboard:review"), {"key_personnel_current": "on"})
    assert "Confirm: the certificate allocation is sufficient" in refused.text
    response = client.post(reverse("dashboard:review"), {**dict.fromkeys(CHECKLIST, "on"), "notes": "Checked"})
    assert response.status_code == 302
    today = timezone.localdate()
    next_due = watch.monthly_review_next_due(today, today)
    home = client.get(reverse("portal:sponsor_home")).text
    assert f"Last completed on {today.day} {today:%B %Y} by Test L1" in home
    assert f"The next is due on {next_due.day} {next_due:%B %Y}" in home
    history = client.get(reverse("dashboard:reviews")).text
    assert "Checked" in history


def test_review_pages_refuse_a_level_2_user(client, level_2):
    client.force_login(level_2)
    assert client.get(reverse("dashboard:review")).status_code == 403
    assert client.get(reverse("dashboard:reviews")).status_code == 403


def test_the_dashboard_page_for_level_1_shows_score_charts_and_tables(client, sponsor, level_1):
    today = timezone.localdate()
    give_allocation(sponsor, 5)
    late = obligation(sponsor, legal_deadline=today - timedelta(days=20), target_date=today - timedelta(days=25),
                      status=Obligation.Status.REPORTED_LATE)  # fmt: skip
    Obligation.objects.filter(pk=late.pk).update(reported_at=timezone.now())
    client.force_login(level_1)
    page = client.get(reverse("portal:sponsor_home")).text
    assert "Compliance score" in page
    assert 'id="score-parts"' in page
    assert "Reports made on time in the last 12 months" in page
    assert "1 of 1 report made late" in page
    # The reports chart: an image with its description, and the figures in the table beside it.
    assert "0 reports made on time and 1 late in the 12 months" in page
    assert f'<th scope="row" class="govuk-table__header">{today:%B %Y}</th>' in page
    assert 'id="allocation-chart"' in page
    start = page.index("data:image/svg+xml;base64,") + len("data:image/svg+xml;base64,")
    svg = base64.b64decode(page[start : page.index('"', start)]).decode()
    assert "<title>" in svg
    assert "<script" not in svg


def test_the_dashboard_page_for_level_2_shows_only_their_part(client, sponsor, level_1, level_2):
    client.force_login(level_2)
    page = client.get(reverse("portal:sponsor_home")).text
    assert "Compliance score" not in page
    assert "Monthly review" not in page
    assert "Key personnel" not in page
    assert "what concerns the certificates you created" in page


def test_an_overdue_obligation_and_an_expiring_permission_show_on_the_page(client, sponsor, level_1):
    today = timezone.localdate()
    worker = person(sponsor, level_1, permission_end=today + timedelta(days=20))
    obligation(sponsor, who=worker, legal_deadline=today - timedelta(days=1), target_date=today - timedelta(days=5))
    client.force_login(level_1)
    page = client.get(reverse("portal:sponsor_home")).text
    assert f"Employment ended: {worker.full_name}" in page
    assert f"Permission ends: {worker.full_name}" in page
    assert "1 within 30 days, 1 within 60 days, 1 within 90 days" in page


# --- Query counts --------------------------------------------------------------------------------------


def populate(sponsor, user, workers: int) -> None:
    """Workers with every kind of item: certificates, permissions ending, absences, salaries, obligations."""
    today = timezone.localdate()
    give_allocation(sponsor, workers * 2)
    for n in range(workers):
        cert = certificate(sponsor, user, salary_pence=5_000_000, expires_on=today + timedelta(days=n % 20),
                           assigned_at=timezone.now() - timedelta(days=n % 40))  # fmt: skip
        worker = person(sponsor, user, cert=cert, salary_pence=4_000_000 if n % 3 == 0 else 5_000_000,
                        permission_end=today + timedelta(days=n % 100))  # fmt: skip
        absence(worker, user, start=today - timedelta(days=8), reportable_from=today + timedelta(days=2))
        obligation(sponsor, who=worker, legal_deadline=today - timedelta(days=n % 5 - 2), target_date=today)
        status = Obligation.Status.REPORTED_ON_TIME if n % 2 else Obligation.Status.REPORTED_LATE
        done = obligation(sponsor, who=worker, legal_deadline=today, target_date=today, status=status)
        Obligation.objects.filter(pk=done.pk).update(reported_at=timezone.now() - timedelta(days=n * 7))


def dashboard_queries(client, user) -> int:
    client.force_login(user)
    client.get(reverse("portal:sponsor_home"))  # warm: sessions and the like settle
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("portal:sponsor_home"))
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("level", ["level_1", "level_2"])
def test_the_dashboard_costs_the_same_queries_for_3_or_60_workers(client, sponsor, other_sponsor, level_1, level_2,
                                                                   other_level_1, level):  # fmt: skip
    from tests.factories import make_sponsor_user

    user = level_1 if level == "level_1" else level_2
    populate(sponsor, user, 3)
    small = dashboard_queries(client, user)
    other_user = other_level_1 if level == "level_1" else make_sponsor_user(
        sponsor=other_sponsor, level="level_2", email="l2@borealis.example")  # fmt: skip
    populate(other_sponsor, other_user, 60)
    assert Certificate.objects.filter(sponsor=other_sponsor).count() == 60
    assert obligations_for_user(other_user).count() == 120
    large = dashboard_queries(client, other_user)
    assert small == large
    assert large <= 40
