"""The dashboard in Chromium with axe on every page: a Level 1 user signs in to a dashboard that shows
an overdue obligation and an expiring permission, follows the obligation to where it is reported,
and completes the monthly review; a Level 2 user sees only what concerns their certificates."""

from datetime import date

from sms.accounts.models import User
from sms.certificates.services.certificates import certificate_assign
from sms.certificates.tests.factories import draft, give_allocation
from sms.reporting.models import Obligation
from sms.reporting.services.facts import person_register_from_certificate
from tests.browser.test_journeys import sign_in
from tests.factories import SponsorFactory, make_sponsor_user


def test_level_1_sees_what_needs_doing_and_completes_the_monthly_review(page, transactional_db, time_machine):
    time_machine.move_to("2026-08-03 09:00:00Z", tick=False)
    sponsor = SponsorFactory(name="Acme Care Ltd")
    level_1 = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="priya@acme.example")
    make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_2, email="lee@acme.example")
    give_allocation(sponsor)
    saved = draft(sponsor, level_1, family_name="Okafor", given_names="Grace", start_date=date(2026, 9, 1))
    time_machine.move_to("2026-11-23 09:00:00Z")  # a Monday
    certificate = certificate_assign(certificate=saved, actor=level_1)
    person = person_register_from_certificate(certificate=certificate, actor=level_1)
    person.permission_end = date(2026, 12, 18)  # 25 days away
    person.save()
    Obligation.objects.create(
        sponsor=sponsor, person=person, event="employment_ended", trigger_date=date(2026, 11, 2),
        legal_deadline=date(2026, 11, 16), target_date=date(2026, 11, 9), source_key="journey:1",
    )  # fmt: skip

    sign_in(page, level_1.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()
    needs_doing = page.locator("#needs-doing-list")
    first = needs_doing.locator("li").first
    assert "Act now" in first.inner_text()
    assert "Employment ended: Grace Okafor" in first.inner_text()
    assert "Legal deadline 16 November 2026, 5 working days overdue" in first.inner_text()
    assert "Permission ends: Grace Okafor" in needs_doing.inner_text()
    assert "within 30 days" in needs_doing.inner_text()
    assert page.locator("#score-summary").is_visible()
    assert page.get_by_role("img", name="Chart: Allocation used").is_visible()

    # The obligation's link leads to where it is reported.
    first.get_by_role("link", name="Report it").click()
    page.check_accessibility()
    assert "Employment ended" in page.locator("h1").inner_text()
    page.go_back()
    page.check_accessibility()

    # The monthly review: refused until every point is confirmed, then recorded with the next due.
    page.get_by_role("link", name="Complete the monthly review").first.click()
    page.check_accessibility()
    assert "1 overdue" in page.locator("#review-figures").inner_text()
    page.get_by_label("Every key personnel record").check()
    page.get_by_role("button", name="Complete the review").click()
    page.check_accessibility()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Confirm: there are no outstanding reporting obligations" in summary
    for label in ("There are no outstanding", "The certificate allocation is sufficient", "Every Home Office message"):
        page.get_by_label(label).check()
    page.get_by_label("Notes (optional)").fill("Chased the overdue report with HR")
    page.get_by_role("button", name="Complete the review").click()
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()
    assert "The next is due on 23 December 2026" in page.locator(".govuk-notification-banner").inner_text()
    assert "Last completed on 23 November 2026" in page.locator("#review-status").inner_text()
    page.get_by_role("link", name="Past reviews").click()
    page.check_accessibility()
    assert "Chased the overdue report with HR" in page.locator("#reviews").inner_text()


def test_level_2_sees_only_their_certificates_part(page, transactional_db, time_machine):
    time_machine.move_to("2026-11-23 09:00:00Z")
    sponsor = SponsorFactory(name="Acme Care Ltd")
    make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="priya@acme.example")
    level_2 = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_2, email="lee@acme.example")
    sign_in(page, level_2.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()
    assert page.locator("#score-summary").count() == 0
    assert "Nothing needs doing today" in page.locator("#nothing-to-do").inner_text()
    assert page.get_by_role("link", name="Complete the monthly review").count() == 0
