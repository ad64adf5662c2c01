"""`manage.py seed_demo`: demo sponsors, licences and users to sign in with. Safe to run again."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from sms.accounts import services as accounts
from sms.accounts.models import Sponsor, SponsorSize, User
from sms.certificates.demo import complete_worker
from sms.certificates.services.allocations import allocation_grant
from sms.certificates.services.certificates import certificate_assign, certificate_save_draft
from sms.licensing.models import KeyPersonRole, Licence, Route
from sms.licensing.services.licence import licence_issue
from sms.licensing.services.personnel import PersonDetails, key_person_appoint, work_site_add
from sms.portal.demo_casework import seed_casework
from sms.reporting.services.facts import fact_record, person_register_from_certificate
from sms.righttowork.services import rtw_check_record, training_record_add

DEMO_PASSWORD = "Demo-Sponsor-2026"  # noqa: S105 - printed for the demo on purpose

# name, size, routes, registered address
DEMO_SPONSORS = [
    ("Acme Care Ltd", SponsorSize.SMALL, [Route.SKILLED_WORKER], "12 Mill Lane\nLeeds\nLS1 4AB"),
    (
        "Northern Engineering plc",
        SponsorSize.LARGE,
        [Route.SKILLED_WORKER, Route.GBM_SENIOR_SPECIALIST],
        "Unit 4, Riverside Park\nSheffield\nS9 2RX",
    ),
    # Its Skilled Worker route is downgraded to B, with an action plan in progress.
    (
        "Riverside Logistics Ltd",
        SponsorSize.LARGE,
        [Route.SKILLED_WORKER, Route.SCALE_UP],
        "Dock Road\nHull\nHU9 1TA",
    ),
    # Suspended, with representations waiting for a decision.
    ("Harbourside Hotels Ltd", SponsorSize.SMALL, [Route.SKILLED_WORKER], "3 Quay Street\nBristol\nBS1 4DB"),
]

# Sponsors licensed long enough ago that their licence can be renewed now (the window opens 3 months before expiry).
LONG_LICENSED = {
    "Riverside Logistics Ltd": lambda: (
        timezone.localdate() - relativedelta(years=settings.LICENCE_VALIDITY_YEARS) + relativedelta(months=2)
    ),
}

# (email, given name, family name, sponsor name or None, level, staff role)
DEMO_USERS = [
    ("level1@acme-care.example", "Priya", "Shah", "Acme Care Ltd", User.Level.LEVEL_1, ""),
    ("level2@acme-care.example", "Tom", "Baker", "Acme Care Ltd", User.Level.LEVEL_2, ""),
    ("level1@northern-eng.example", "Gareth", "Jones", "Northern Engineering plc", User.Level.LEVEL_1, ""),
    ("level1@riverside-logistics.example", "Dan", "Hughes", "Riverside Logistics Ltd", User.Level.LEVEL_1, ""),
    ("level1@harbourside-hotels.example", "Elena", "Rossi", "Harbourside Hotels Ltd", User.Level.LEVEL_1, ""),
    ("caseworker@homeoffice.example", "Amara", "Okafor", None, "", User.StaffRole.CASEWORKER),
    ("compliance@homeoffice.example", "Sean", "Murphy", None, "", User.StaffRole.COMPLIANCE_OFFICER),
    ("helpdesk@homeoffice.example", "Li", "Chen", None, "", User.StaffRole.HELPDESK),
    ("admin@homeoffice.example", "Ruth", "Evans", None, "", User.StaffRole.ADMINISTRATOR),
]


def _person(user: User) -> PersonDetails:
    return PersonDetails(
        given_name=user.given_name,
        family_name=user.family_name,
        email=user.email,
        job_title="Head of People",
        declared_uk_based=True,
        declared_no_unspent_convictions=True,
        declared_not_bankrupt=True,
    )


class Command(BaseCommand):
    help = "Create demo sponsors with licences and users (idempotent) and print how to sign in."

    @transaction.atomic
    def handle(self, *args, **options):
        sponsors = {}
        for name, size, routes, address in DEMO_SPONSORS:
            sponsor, _ = Sponsor.objects.get_or_create(
                name=name, defaults={"size": size, "registered_address": address}
            )
            if not Licence.objects.filter(sponsor=sponsor).exists():
                # Riverside's licence is in its last months, so its renewal waits in the renewals queue.
                start = LONG_LICENSED.get(name)
                licence_issue(sponsor=sponsor, routes=routes, actor=None, start_date=start() if start else None)
                work_site_add(
                    sponsor=sponsor, address=address, opened_on=sponsor.licence.start_date, actor=None, reportable=False
                )
                allocation_grant(sponsor=sponsor, category="worker", number=20, actor=None, reason="Demo allocation")
            sponsors[name] = sponsor
        for email, given, family, sponsor_name, level, role in DEMO_USERS:
            if User.objects.filter(email=email).exists():
                continue
            user = accounts.user_create(
                email=email,
                given_name=given,
                family_name=family,
                created_by=None,
                sponsor=sponsors[sponsor_name] if sponsor_name else None,
                level=level,
                staff_role=role,
                send_activation=False,
            )
            accounts.account_activate(user=user, password=DEMO_PASSWORD)
            if level == User.Level.LEVEL_1 and not user.sponsor.key_personnel.exists():
                # The demo Level 1 users are also their organisation's AO and Key Contact.
                for key_role in KeyPersonRole.values:
                    key_person_appoint(
                        sponsor=user.sponsor,
                        role=key_role,
                        person=_person(user),
                        actor=None,
                        user=user,
                        effective_date=user.sponsor.licence.start_date,
                        reportable=False,
                    )

        acme_l2 = User.objects.get(email="level2@acme-care.example")
        if not acme_l2.sponsor.certificates.exists():
            # One draft to finish and one assigned certificate, so the certificate pages have something in them.
            certificate_save_draft(sponsor=acme_l2.sponsor, actor=acme_l2, data=complete_worker(family_name="Mensah"))
            assigned = certificate_save_draft(
                sponsor=acme_l2.sponsor, actor=acme_l2, data=complete_worker(family_name="Okoro")
            )
            assigned = certificate_assign(certificate=assigned, actor=acme_l2)
            # On the register, started, with an unauthorised absence of more than 10 working days.
            person = person_register_from_certificate(certificate=assigned, actor=acme_l2)
            fact_record(
                person=person,
                actor=acme_l2,
                kind="start_confirmed",
                start_date=timezone.localdate() - timedelta(days=30),
            )
            fact_record(
                person=person,
                actor=acme_l2,
                kind="absence",
                start_date=timezone.localdate() - timedelta(days=18),
                authorised=False,
                pay="unpaid",
                notes="No contact since the start of the absence",
            )
            # Checked online before starting: time-limited permission, so a follow-up check is due.
            today = timezone.localdate()
            rtw_check_record(
                person=person,
                actor=acme_l2,
                checked_on=today - timedelta(days=32),
                method="online",
                share_code="W12 3AB 45C",
                result="time_limited",
                permission_end=today + timedelta(days=20),
                checked_by=acme_l2,
                uploads=[SimpleUploadedFile("online-check.pdf", b"%PDF-1.4\n%%EOF\n")],
            )
            acme_l1 = acme_l2.sponsor.users.filter(level=User.Level.LEVEL_1).first()
            if acme_l1 is not None:
                training_record_add(
                    sponsor=acme_l2.sponsor,
                    actor=acme_l1,
                    user=acme_l1,
                    course="Sponsor duties and the Sponsor Management System",
                    taken_on=today - timedelta(days=350),
                )

        # Work waiting in every Home Office queue, messages, an action plan and visits.
        seed_casework()

        self.stdout.write("Demo data is ready. Sign in at http://127.0.0.1:8000/sign-in/ with:")
        for email, _, _, sponsor_name, level, role in DEMO_USERS:
            what = (
                f"{User.Level(level).label}, {sponsor_name}"
                if level
                else f"Home Office {User.StaffRole(role).label.lower()}"
            )
            self.stdout.write(f"  {email:32} {what}")
        self.stdout.write(f"Password for every demo user: {DEMO_PASSWORD}")
        self.stdout.write("Multi-factor authentication is optional in the demo (set it up under Your account).")
        self.stdout.write("Anyone can apply for a new licence at http://127.0.0.1:8000/apply/")
