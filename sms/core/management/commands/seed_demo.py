"""`manage.py seed_demo`: demo sponsors and users to sign in with. Safe to run again."""

from django.core.management.base import BaseCommand
from django.db import transaction

from sms.accounts import services as accounts
from sms.accounts.models import User
from sms.licensing.models import Sponsor

DEMO_PASSWORD = "Demo-Sponsor-2026"  # noqa: S105 - printed for the demo on purpose

DEMO_SPONSORS = ["Acme Care Ltd", "Northern Engineering plc"]

# (email, given name, family name, sponsor name or None, level, staff role)
DEMO_USERS = [
    ("level1@acme-care.example", "Priya", "Shah", "Acme Care Ltd", User.Level.LEVEL_1, ""),
    ("level2@acme-care.example", "Tom", "Baker", "Acme Care Ltd", User.Level.LEVEL_2, ""),
    ("level1@northern-eng.example", "Gareth", "Jones", "Northern Engineering plc", User.Level.LEVEL_1, ""),
    ("caseworker@homeoffice.example", "Amara", "Okafor", None, "", User.StaffRole.CASEWORKER),
    ("compliance@homeoffice.example", "Sean", "Murphy", None, "", User.StaffRole.COMPLIANCE_OFFICER),
    ("helpdesk@homeoffice.example", "Li", "Chen", None, "", User.StaffRole.HELPDESK),
    ("admin@homeoffice.example", "Ruth", "Evans", None, "", User.StaffRole.ADMINISTRATOR),
]


class Command(BaseCommand):
    help = "Create demo sponsors and users (idempotent) and print how to sign in."

    @transaction.atomic
    def handle(self, *args, **options):
        sponsors = {}
        for name in DEMO_SPONSORS:
            sponsors[name], _ = Sponsor.objects.get_or_create(name=name)
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

        self.stdout.write("Demo data is ready. Sign in at http://127.0.0.1:8000/sign-in/ with:")
        for email, _, _, sponsor_name, level, role in DEMO_USERS:
            what = (
                f"{User.Level(level).label}, {sponsor_name}"
                if level
                else f"Home Office {User.StaffRole(role).label.lower()}"
            )
            self.stdout.write(f"  {email:32} {what}")
        self.stdout.write(f"Password for every demo user: {DEMO_PASSWORD}")
        self.stdout.write(
            "Multi-factor authentication is optional in the demo (set it up under Your account)."
        )
