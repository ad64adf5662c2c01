"""`seed_demo` is the README's first command: it must work on an empty database and run again safely."""

from io import StringIO

from django.core.management import call_command

from sms.accounts.models import User
from sms.certificates.models import Certificate
from sms.licensing.models import Licence
from sms.reporting.models import Obligation


def test_seed_demo_creates_sign_in_accounts_and_sample_records_once(db):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=StringIO())
    printed = out.getvalue()
    for email in ("level1@acme-care.example", "level2@acme-care.example", "caseworker@homeoffice.example"):
        assert email in printed
        assert User.objects.get(email=email).check_password("Demo-Sponsor-2026")
    assert Licence.objects.filter(status="active").count() == 2
    assert Certificate.objects.filter(status="assigned").count() == 1
    assert Obligation.objects.filter(event="unauthorised_absence").count() == 1
