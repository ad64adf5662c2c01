"""Right-to-work checks: the rules (share code, ECS reference, follow-up set from the permission end
date and moved with it), the worker's compliance file, the follow-up selectors the dashboard and the
daily alerts use, and tenancy (another sponsor's file and evidence are not found)."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sms.accounts.tests.helpers import sign_in
from sms.audit.models import AuditEvent, Verb
from sms.certificates.services.certificates import certificate_assign
from sms.certificates.tests.factories import draft, give_allocation
from sms.core.exceptions import DomainError
from sms.core.watch import rtw_follow_up_date
from sms.reporting.services.facts import fact_record, person_details_update, person_register_from_certificate
from sms.righttowork import rules, selectors
from sms.righttowork.models import RightToWorkCheck, share_code_display
from sms.righttowork.services import rtw_check_record

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def today(time_machine):
    time_machine.move_to("2026-11-23 10:00:00Z", tick=False)
    return date(2026, 11, 23)


def register(sponsor, user, family_name="Okoro"):
    certificate = certificate_assign(certificate=draft(sponsor, user, family_name=family_name), actor=user)
    return person_register_from_certificate(certificate=certificate, actor=user)


@pytest.fixture
def worker(sponsor, level_1, today):
    give_allocation(sponsor)
    return register(sponsor, level_1)


def record(person, actor, **overrides):
    values = {
        "checked_on": date(2026, 11, 20),
        "method": "online",
        "share_code": "W12 3AB 45C",
        "result": "time_limited",
        "permission_end": date(2028, 5, 31),
        "checked_by": actor,
        "uploads": [SimpleUploadedFile("profile.pdf", PDF)],
    }
    return rtw_check_record(person=person, actor=actor, **{**values, **overrides})


# The rules.


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("W12 3AB 45C", ""),
        ("w12-3ab-45c", ""),
        ("WAB C12 D34", ""),
        ("", "Enter the share code"),
        ("W12 3AB 45", "must be 9 letters and numbers"),
        ("W12 3AB 45CD", "must be 9 letters and numbers"),
        ("W12 3AB 45*", "must be 9 letters and numbers"),
        ("R12 3AB 45C", "starts with W"),
        ("S12 3AB 45C", "starts with W"),
    ],
)
def test_a_share_code_is_nine_letters_and_numbers_starting_with_w(typed, error):
    found = rules.share_code_error(typed)
    assert (error in found) if error else found == ""


def test_a_share_code_is_stored_plain_and_shown_in_threes(worker, level_1):
    check = record(worker, level_1, share_code="w12-3ab 45c")
    assert check.share_code == "W123AB45C"
    assert share_code_display(check.share_code) == "W12 3AB 45C"


def test_the_follow_up_is_set_from_the_permission_end_date(worker, level_1):
    check = record(worker, level_1, permission_end=date(2028, 5, 31))
    worker.refresh_from_db()
    assert worker.permission_end == date(2028, 5, 31)  # recorded on the worker too
    assert check.follow_up_on == rtw_follow_up_date(date(2028, 5, 31)) == date(2028, 5, 31)
    payload = AuditEvent.objects.get(verb=Verb.PERSON_UPDATED).payload
    assert payload["permission_end"] == {"from": None, "to": "2028-05-31"}


def test_a_time_limited_check_uses_the_workers_permission_end_date_when_none_is_given(worker, level_1):
    person_details_update(
        person=worker, actor=level_1, permission_start=None, permission_end=date(2027, 9, 30), days_per_week=5
    )
    check = record(worker, level_1, permission_end=None)
    assert check.follow_up_on == date(2027, 9, 30)


def test_time_limited_permission_needs_an_end_date_after_the_check(worker, level_1):
    with pytest.raises(DomainError, match="permission ends"):
        record(worker, level_1, permission_end=None)
    with pytest.raises(DomainError, match="on or after the date of the check"):
        record(worker, level_1, permission_end=date(2026, 11, 1))
    assert not RightToWorkCheck.objects.exists()


@pytest.mark.parametrize("result", ["continuous", "not_confirmed"])
def test_a_continuous_right_or_an_unconfirmed_one_has_no_follow_up(worker, level_1, result):
    check = record(worker, level_1, result=result, permission_end=None)
    assert check.follow_up_on is None
    assert not selectors.follow_ups_due(sponsor_id=worker.sponsor_id, today=date(2026, 11, 23), within_days=5000)


def test_changing_the_permission_end_date_moves_the_follow_up_audited(worker, level_1):
    check = record(worker, level_1, permission_end=date(2028, 5, 31))
    person_details_update(
        person=worker, actor=level_1, permission_start=None, permission_end=date(2029, 1, 15), days_per_week=5
    )
    check.refresh_from_db()
    assert check.follow_up_on == date(2029, 1, 15)
    moved = AuditEvent.objects.get(verb=Verb.RIGHT_TO_WORK_FOLLOW_UP_MOVED)
    assert moved.payload["follow_up_on"] == {"from": "2028-05-31", "to": "2029-01-15"}


def test_only_the_current_check_follows_the_permission(worker, level_1):
    old = record(worker, level_1, checked_on=date(2025, 1, 6), permission_end=date(2026, 12, 31))
    new = record(worker, level_1, checked_on=date(2026, 11, 20), result="continuous", permission_end=None)
    old.refresh_from_db()
    assert (old.is_current, new.is_current) == (False, True)
    person_details_update(
        person=worker, actor=level_1, permission_start=None, permission_end=date(2030, 1, 1), days_per_week=5
    )
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.follow_up_on == date(2026, 12, 31)  # history kept as it was
    assert new.follow_up_on is None
    # A check recorded late for an earlier date does not replace the latest one.
    backdated = record(worker, level_1, checked_on=date(2024, 3, 1), result="continuous", permission_end=None)
    assert not backdated.is_current
    assert RightToWorkCheck.objects.get(is_current=True) == new


def test_each_method_needs_its_details(worker, level_1):
    with pytest.raises(DomainError, match="starts with W"):
        record(worker, level_1, share_code="R12 3AB 45C")
    with pytest.raises(DomainError, match="Positive Verification Notice"):
        record(worker, level_1, method="ecs", ecs_reference="")
    check = record(worker, level_1, method="ecs", ecs_reference=" pvn-1234/56 ", share_code="ignored")
    assert (check.ecs_reference, check.share_code) == ("PVN-1234/56", "")
    manual = record(worker, level_1, method="manual", share_code="W12 3AB 45C", ecs_reference="X")
    assert (manual.share_code, manual.ecs_reference) == ("", "")


def test_a_check_needs_evidence_a_past_date_and_a_user_of_the_sponsor(worker, level_1, other_level_1):
    with pytest.raises(DomainError, match="evidence"):
        record(worker, level_1, uploads=[])
    with pytest.raises(DomainError, match="today or in the past"):
        record(worker, level_1, checked_on=date(2026, 11, 24))
    with pytest.raises(DomainError, match="user who made or oversaw"):
        record(worker, level_1, checked_by=other_level_1)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        record(worker, level_1, uploads=[SimpleUploadedFile("fake.pdf", b"MZ not a pdf at all")])
    assert not RightToWorkCheck.objects.exists()


# The selectors the dashboard and the daily alerts use.


def test_follow_up_selectors_are_set_based_and_count_only_owed_follow_ups(
    sponsor, other_sponsor, level_1, other_level_1, today, django_assert_num_queries
):
    give_allocation(sponsor)
    give_allocation(other_sponsor)
    due = register(sponsor, level_1, "Due")
    later = register(sponsor, level_1, "Later")
    overdue = register(sponsor, level_1, "Overdue")
    left = register(sponsor, level_1, "Left")
    elsewhere = register(other_sponsor, other_level_1, "Elsewhere")
    record(due, level_1, permission_end=date(2026, 12, 21))  # 28 days ahead: the last day of the window
    record(later, level_1, permission_end=date(2026, 12, 22))  # 29 days ahead
    record(overdue, level_1, checked_on=date(2026, 1, 5), permission_end=date(2026, 11, 22))
    record(left, level_1, permission_end=date(2026, 12, 1))
    fact_record(person=left, actor=level_1, kind="employment_ended", start_date=today, end_reason="resignation")
    record(elsewhere, other_level_1, permission_end=date(2026, 12, 1))

    with django_assert_num_queries(1):
        names = [check.person.family_name for check in selectors.follow_ups_due(sponsor_id=sponsor.pk, today=today)]
    assert names == ["Due"]
    with django_assert_num_queries(1):
        overdue_names = [c.person.family_name for c in selectors.follow_ups_overdue(sponsor_id=sponsor.pk, today=today)]
    assert overdue_names == ["Overdue"]
    with django_assert_num_queries(1):
        national = [(c.sponsor.name, c.person.family_name) for c in selectors.follow_ups_national(on=today)]
    assert national == [(sponsor.name, "Overdue"), (sponsor.name, "Due"), (other_sponsor.name, "Elsewhere")]
    assert [p.family_name for p in selectors.workers_without_a_check(sponsor_id=sponsor.pk)] == []


# Pages.


def test_an_l1_records_a_check_and_sees_the_follow_up_on_the_compliance_file(client, worker, level_1):
    sign_in(client, level_1)
    person_page = client.get(reverse("reporting:person", args=[worker.uuid])).content.decode()
    file_url = reverse("righttowork:file", args=[worker.uuid])
    assert file_url in person_page
    assert "No right-to-work check recorded" in client.get(file_url).content.decode()
    url = reverse("righttowork:record_check", args=[worker.uuid])
    form = {
        "checked_on": "20/11/2026",
        "method": "online",
        "share_code": "R12 3AB 45C",
        "checked_by": str(level_1.pk),
        "result": "time_limited",
        "permission_end": "",
        "evidence": SimpleUploadedFile("profile.pdf", PDF),
    }
    refused = client.post(url, form).content.decode()
    assert "govuk-error-summary" in refused
    assert "A right to work share code starts with W" in refused
    assert "Enter the date the worker&#x27;s permission ends" in refused
    form.update(share_code="W12 3AB 45C", permission_end="31/05/2028", evidence=SimpleUploadedFile("p.pdf", PDF))
    response = client.post(url, form, follow=True)
    assert response.redirect_chain[-1][0] == file_url
    page = response.content.decode()
    assert "Follow-up check due by 31 May 2028" in page
    assert 'id="follow-up-date">31 May 2028<' in page
    assert "W12 3AB 45C" in page
    check = RightToWorkCheck.objects.get()
    download = client.get(reverse("righttowork:evidence", args=[worker.uuid, check.uuid, check.evidence.get().uuid]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == PDF


def test_the_follow_ups_page_lists_overdue_due_and_unchecked_workers(client, sponsor, level_1, today):
    give_allocation(sponsor)
    due = register(sponsor, level_1, "Dueworker")
    register(sponsor, level_1, "Uncheckedworker")
    record(due, level_1, permission_end=date(2026, 12, 10))
    sign_in(client, level_1)
    page = client.get(reverse("righttowork:follow_ups")).content.decode()
    assert "Dueworker</a>: due by 10 December 2026" in page
    assert "Uncheckedworker" in page


def test_the_permission_dates_form_records_the_start_and_refuses_an_end_before_it(client, worker, level_1):
    sign_in(client, level_1)
    url = reverse("reporting:person_details", args=[worker.uuid])
    bad = client.post(url, {"permission_start": "01/06/2027", "permission_end": "01/05/2027", "days_per_week": "5"})
    assert "The end date must be the same as or after the date it is valid from" in bad.content.decode()
    client.post(url, {"permission_start": "01/12/2026", "permission_end": "30/11/2029", "days_per_week": "5"})
    worker.refresh_from_db()
    assert (worker.permission_start, worker.permission_end) == (date(2026, 12, 1), date(2029, 11, 30))
    payload = AuditEvent.objects.filter(verb=Verb.PERSON_UPDATED).latest("id").payload
    assert payload["permission_start"] == {"from": None, "to": "2026-12-01"}
    page = client.get(reverse("reporting:person", args=[worker.uuid])).content.decode()
    assert 'id="permission-start">1 December 2026<' in page


def test_another_sponsors_user_finds_neither_the_file_nor_the_evidence(client, worker, level_1, other_level_1):
    check = record(worker, level_1)
    sign_in(client, other_level_1)
    document = check.evidence.get()
    for url in (
        reverse("righttowork:file", args=[worker.uuid]),
        reverse("righttowork:record_check", args=[worker.uuid]),
        reverse("righttowork:evidence", args=[worker.uuid, check.uuid, document.uuid]),
    ):
        assert client.get(url).status_code == 404, url
    assert AuditEvent.objects.filter(verb=Verb.DOCUMENT_DOWNLOADED).count() == 0


def test_evidence_is_found_only_through_its_own_check_and_worker(client, sponsor, worker, level_1):
    first = record(worker, level_1)
    other = register(sponsor, level_1, "Other")
    second = record(other, level_1)
    sign_in(client, level_1)
    mixed = reverse("righttowork:evidence", args=[other.uuid, first.uuid, first.evidence.get().uuid])
    assert client.get(mixed).status_code == 404
    crossed = reverse("righttowork:evidence", args=[worker.uuid, first.uuid, second.evidence.get().uuid])
    assert client.get(crossed).status_code == 404


def test_a_level_2_user_records_checks_only_for_workers_on_certificates_they_created_and_assigned(
    client, sponsor, worker, level_2
):
    own = register(sponsor, level_2, "Own")
    sign_in(client, level_2)
    assert client.get(reverse("righttowork:record_check", args=[worker.uuid])).status_code == 403
    assert client.get(reverse("righttowork:record_check", args=[own.uuid])).status_code == 200
    # Reading the file is open to every user of the sponsor, without the button.
    page = client.get(reverse("righttowork:file", args=[worker.uuid])).content.decode()
    assert reverse("righttowork:record_check", args=[worker.uuid]) not in page


def test_the_compliance_file_takes_the_same_number_of_queries_however_much_is_kept(
    client, sponsor, worker, level_1, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    record(worker, level_1)
    fact_record(person=worker, actor=level_1, kind="role_change", start_date=date(2026, 11, 2), new_value="Lead")
    sign_in(client, level_1)
    url = reverse("righttowork:file", args=[worker.uuid])
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    for day in (4, 5, 6):
        record(worker, level_1, checked_on=date(2026, 10, day))
    fact_record(person=worker, actor=level_1, kind="role_change", start_date=date(2026, 11, 9), new_value="Head")
    fact_record(person=worker, actor=level_1, kind="role_change", start_date=date(2026, 11, 16), new_value="Chief")
    with django_assert_max_num_queries(len(first.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count("profile.pdf") == 4
