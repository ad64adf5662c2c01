"""Journeys in real Chromium: sign-in with MFA enrolment, lockout, password reset, timeout, audit."""

import base64
import re

from django.core import mail
from django_otp.oath import totp

from sms.accounts.models import User
from sms.audit.models import AuditEvent, Verb
from sms.licensing.services import users
from tests.factories import PASSWORD, SponsorFactory, make_sponsor_user, make_staff_user


def sign_in(page, email, password=PASSWORD):
    page.goto("/sign-in/")
    page.check_accessibility()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def code_for(manual_key: str, offset_steps: int = 0) -> str:
    key = base64.b32decode(manual_key.replace(" ", ""))
    return f"{totp(key, t0=-30 * offset_steps):06d}"


def test_sign_in_and_set_up_multi_factor_authentication(page, transactional_db):
    sponsor = SponsorFactory(name="Acme Care Ltd")
    user = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="priya@acme.example")
    sign_in(page, user.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()
    assert page.get_by_role("heading", name="Dashboard").is_visible()

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your account").click()
    page.wait_for_url("**/account/")
    page.check_accessibility()
    assert page.locator("#user-id").inner_text() == user.user_id
    page.get_by_role("link", name="Set up authenticator app").click()
    page.wait_for_url("**/account/security/set-up/")
    page.check_accessibility()
    manual_key = page.locator("#manual-key").inner_text()

    page.get_by_label("Security code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    page.check_accessibility()
    assert "The security code is not right" in page.locator(".govuk-error-summary").inner_text()

    page.get_by_label("Security code").fill(code_for(manual_key))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/recovery-codes/")
    page.check_accessibility()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10

    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_url("**/signed-out/")
    page.check_accessibility()

    sign_in(page, user.email)
    page.wait_for_url("**/sign-in/security-code/**")
    page.check_accessibility()
    page.get_by_label("Security code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()
    assert AuditEvent.objects.filter(verb=Verb.MFA_ENROLLED, actor=user).exists()
    assert AuditEvent.objects.filter(verb=Verb.RECOVERY_CODE_USED, actor=user).exists()


def test_three_wrong_passwords_lock_the_account_until_the_helpdesk_unlocks_it(page, transactional_db):
    sponsor = SponsorFactory(name="Acme Care Ltd")
    user = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_2, email="tom@acme.example")
    helpdesk = make_staff_user(role=User.StaffRole.HELPDESK, email="helpdesk@ho.example")
    for _ in range(2):
        sign_in(page, user.email, password="not-my-password")
        page.check_accessibility()
        assert "Enter a correct email address and password" in page.locator(".govuk-error-summary").inner_text()
    sign_in(page, user.email, password="not-my-password")
    page.check_accessibility()
    assert "Your account is locked" in page.content()
    assert page.locator(".govuk-error-summary").count() == 0  # the lock message alone

    sign_in(page, user.email)  # the right password is refused while locked
    page.check_accessibility()
    assert "Your account is locked" in page.content()
    assert page.locator(".govuk-error-summary").count() == 0
    assert AuditEvent.objects.filter(verb=Verb.ACCOUNT_LOCKED).count() == 1

    sign_in(page, helpdesk.email)
    page.wait_for_url("**/home-office/")
    page.check_accessibility()
    page.get_by_role("link", name="Find a user").click()
    page.check_accessibility()
    page.get_by_role("button", name=f"Unlock {user.email}").click()
    page.wait_for_url("**/home-office/locked-accounts/")
    page.check_accessibility()
    assert f"{user.email} can sign in again" in page.locator(".govuk-notification-banner").inner_text()
    page.get_by_role("button", name="Sign out").click()
    page.check_accessibility()

    sign_in(page, user.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()


def test_a_password_reset_unlocks_a_locked_account(page, transactional_db):
    sponsor = SponsorFactory(name="Acme Care Ltd")
    user = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_2, email="tom@acme.example")
    for _ in range(3):
        sign_in(page, user.email, password="not-my-password")
        page.check_accessibility()
    assert "Your account is locked" in page.content()
    page.get_by_role("link", name="reset your password").click()
    page.check_accessibility()
    page.get_by_label("Email address").fill(user.email)
    page.get_by_role("button", name="Send link").click()
    page.wait_for_url("**/password-reset/sent/")
    page.check_accessibility()
    page.goto(re.search(r"http://testserver(/\S+)", mail.outbox[-1].body).group(1))
    page.check_accessibility()
    page.get_by_label("New password", exact=True).fill("Quiet-Lantern-4419")
    page.get_by_label("Confirm new password").fill("Quiet-Lantern-4419")
    page.get_by_role("button", name="Reset password").click()
    page.wait_for_url("**/password-reset/done/")
    page.check_accessibility()
    assert "Resetting your password has unlocked it" in page.locator("#unlocked").inner_text()
    sign_in(page, user.email, password="Quiet-Lantern-4419")
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()


def test_level_1_reactivates_a_user_and_resends_an_activation_link_and_the_helpdesk_reactivates(page, transactional_db):
    sponsor = SponsorFactory(name="Acme Care Ltd")
    level_1 = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="priya@acme.example")
    leaver = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_2, email="tom@acme.example")
    other_leaver = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_2, email="ann@acme.example")
    users.sponsor_user_deactivate(user=leaver, actor=level_1)
    users.sponsor_user_deactivate(user=other_leaver, actor=level_1)
    waiting = users.level_2_user_add(
        sponsor=sponsor, actor=level_1, email="nia@acme.example", given_name="Nia", family_name="New"
    )
    helpdesk = make_staff_user(role=User.StaffRole.HELPDESK, email="helpdesk@ho.example")

    sign_in(page, level_1.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()
    page.goto("/licence/users/")
    page.check_accessibility()
    counts = page.locator("#access-counts").inner_text()
    assert re.search(r"Not activated\s+1 user\b", counts)
    assert re.search(r"Deactivated\s+2 users\b", counts)
    page.get_by_role("button", name=f"Reactivate {leaver.full_name}").click()
    page.wait_for_url("**/licence/users/")
    page.check_accessibility()
    assert f"{leaver.full_name} can sign in again" in page.locator(".govuk-notification-banner").inner_text()
    page.get_by_role("button", name=f"Resend activation link to {waiting.full_name}").click()
    page.wait_for_url("**/licence/users/")
    page.check_accessibility()
    assert "new activation link" in page.locator(".govuk-notification-banner").inner_text()
    assert mail.outbox[-1].to == [waiting.email]
    page.get_by_role("button", name="Sign out").click()
    page.check_accessibility()

    sign_in(page, helpdesk.email)
    page.wait_for_url("**/home-office/")
    page.check_accessibility()
    page.get_by_role("link", name="Find a user").click()
    page.check_accessibility()
    page.get_by_label("Find an account").fill(other_leaver.email)
    page.get_by_role("button", name="Find account").click()
    page.check_accessibility()
    assert "Deactivated" in page.locator("#found-account").inner_text()
    page.get_by_role("button", name="Reactivate account").click()
    page.check_accessibility()
    assert f"{other_leaver.email} can sign in again" in page.locator(".govuk-notification-banner").inner_text()
    assert "Active" in page.locator("#found-account").inner_text()


def test_reset_a_forgotten_password(page, transactional_db):
    sponsor = SponsorFactory(name="Acme Care Ltd")
    user = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="priya@acme.example")
    page.goto("/sign-in/")
    page.check_accessibility()
    page.get_by_role("link", name="I have forgotten my password").click()
    page.check_accessibility()
    page.get_by_label("Email address").fill(user.email)
    page.get_by_role("button", name="Send link").click()
    page.wait_for_url("**/password-reset/sent/")
    page.check_accessibility()

    link = re.search(r"http://testserver(/\S+)", mail.outbox[-1].body).group(1)
    page.goto(link)
    page.check_accessibility()
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Confirm new password").fill("short")
    page.get_by_role("button", name="Reset password").click()
    page.check_accessibility()
    assert "Password must be 12 characters or more" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("New password", exact=True).fill("Quiet-Lantern-4419")
    page.get_by_label("Confirm new password").fill("Quiet-Lantern-4419")
    page.get_by_role("button", name="Reset password").click()
    page.wait_for_url("**/password-reset/done/")
    page.check_accessibility()

    page.goto(link)  # the link works once
    page.check_accessibility()
    assert page.get_by_role("heading", name="This link has expired or has already been used").is_visible()
    sign_in(page, user.email, password="Quiet-Lantern-4419")
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()


def test_inactivity_warning_lets_the_person_stay_then_signs_them_out(page, transactional_db, settings):
    settings.SESSION_IDLE_TIMEOUT = 6
    settings.SESSION_TIMEOUT_WARNING = 4
    sponsor = SponsorFactory(name="Acme Care Ltd")
    user = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="priya@acme.example")
    sign_in(page, user.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()

    dialog = page.get_by_role("dialog", name="You're about to be signed out")
    dialog.wait_for(state="visible", timeout=5_000)
    page.check_accessibility()
    assert "we will sign you out in" in dialog.inner_text()
    dialog.get_by_role("button", name="Stay signed in").click()
    dialog.wait_for(state="hidden")

    # Do nothing: the warning comes back and then the service signs the person out.
    page.wait_for_url("**/signed-out/?timeout=1", timeout=15_000)
    page.check_accessibility()
    assert page.get_by_role("heading", name="You have been signed out").is_visible()
    assert AuditEvent.objects.filter(verb=Verb.SIGNED_OUT_INACTIVE, actor=user).exists()
    page.goto("/sponsor/")
    page.wait_for_url("**/sign-in/**")
    page.check_accessibility()


def test_audit_trail_filter_and_home_office_view(page, transactional_db):
    sponsor = SponsorFactory(name="Acme Care Ltd")
    level_1 = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="priya@acme.example")
    caseworker = make_staff_user(role=User.StaffRole.CASEWORKER, email="amara@ho.example")
    sign_in(page, level_1.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()
    page.get_by_role("link", name="Audit trail").first.click()
    page.wait_for_url("**/audit/")
    page.check_accessibility()
    assert "Signed in" in page.locator("#audit-events").inner_text()

    page.get_by_label("Event").select_option(label="Account activated")
    page.get_by_role("button", name="Apply filters").click()
    page.check_accessibility()
    events = page.locator("#audit-events tbody tr")
    assert events.count() == 1
    assert "Account activated" in events.first.inner_text()

    page.get_by_label("From date").fill("31/2/2026")
    page.get_by_role("button", name="Apply filters").click()
    page.check_accessibility()
    assert "From date must be a real date" in page.locator(".govuk-error-summary").inner_text()

    with page.expect_download() as download:
        page.goto("/audit/")
        page.check_accessibility()
        page.get_by_role("link", name="Download these events (CSV)").click()
    assert download.value.suggested_filename.startswith("audit-trail-")

    page.get_by_role("button", name="Sign out").click()
    page.check_accessibility()
    sign_in(page, caseworker.email)
    page.wait_for_url("**/home-office/")
    page.check_accessibility()
    page.get_by_role("link", name="Audit trail").first.click()
    page.check_accessibility()
    assert "Acme Care Ltd" in page.locator("#audit-events").inner_text()


def test_public_information_pages(page, transactional_db):
    for path in ("/accessibility/", "/cookies/", "/privacy/"):
        page.goto(path)
        page.check_accessibility()
        assert page.locator("h1").is_visible()
