"""Hostile files never cause a server error: every file in tests/hostile (and a few large ones made
here) is fed to every import page by a signed-in Level 1 user. Each is refused with a GOV.UK error
summary, and nothing is written: no certificate, person, fact, obligation or audit row."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sms.accounts.tests.helpers import sign_in
from sms.audit.models import AuditEvent
from sms.certificates.models import Certificate
from sms.certificates.services import bulk
from sms.certificates.services.certificates import certificate_assign
from sms.certificates.tests.factories import draft, give_allocation
from sms.reporting import imports
from sms.reporting.models import Fact, Obligation, SponsoredPerson
from sms.reporting.services.facts import person_register_from_certificate
from tests.factories import SponsorFactory, make_sponsor_user

CORPUS = Path(__file__).resolve().parent / "hostile"
# The certificate reference the corpus's facts files name (the facts template's example).
REFERENCE = "CACD3479KXY"
COS_HEADER = ",".join(column for column, *_ in bulk.CSV_COLUMNS)
GOOD_COS = (
    "Okoro,Ada,Nigerian,1990-05-17,,,,,A12345678,,,,,,skilled_worker,no,Developer,2134,Builds software,"
    "56000,,37.5,2027-01-04,2030-01-03,12 Mill Lane,,,"
)
FACTS_HEADER = ",".join(imports.COLUMNS)


def _large_files() -> dict[str, bytes]:
    """Files too big to keep in the repository."""
    return {
        "cos_cell_over_csv_field_limit.csv": f"{COS_HEADER}\n{'O' * 200_000}{GOOD_COS[5:]}\n".encode(),
        "cos_name_of_10000_characters.csv": f"{COS_HEADER}\n{'O' * 10_000}{GOOD_COS[5:]}\n".encode(),
        "facts_cell_over_csv_field_limit.csv": f"{FACTS_HEADER}\n{REFERENCE},start_confirmed,2026-11-02,,,,,,,,"
        f"{'n' * 200_000}\n".encode(),
        "cos_too_many_rows.csv": (COS_HEADER + "\n" + (GOOD_COS + "\n") * (bulk.MAX_ROWS + 1)).encode(),
        "facts_too_many_rows.csv": (
            FACTS_HEADER + "\n" + f"{REFERENCE},start_confirmed,2026-11-02,,,,,,,,\n" * (imports.MAX_ROWS + 1)
        ).encode(),
        "csv_over_size_limit.csv": (COS_HEADER + "\n" + "x" * bulk.MAX_CSV_BYTES).encode(),
        "cas_over_size_limit.xml": b"<CASBatch>" + b" " * bulk.MAX_XML_BYTES + b"</CASBatch>",
        "cas_name_of_10000_characters.xml": (CORPUS / "cas_family_name_200.xml")
        .read_bytes()
        .replace(b"F" * 200, b"F" * 10_000),
    }


FILES = sorted(path.name for path in CORPUS.iterdir() if path.is_file() and path.suffix in (".csv", ".xml"))
LARGE = _large_files()
IMPORTS = {
    "cos_csv": ("certificates:import", {"file_format": "csv"}),
    "cas_xml": ("certificates:import", {"file_format": "xml"}),
    "facts_csv": ("reporting:import_facts", {}),
}


@pytest.fixture
def world(db, time_machine):
    """A sponsor holding Skilled Worker and Student routes, its Level 1 user, and a worker on the
    register whose certificate has the reference the corpus names."""
    time_machine.move_to("2026-11-23 10:00:00Z", tick=False)
    sponsor = SponsorFactory(name="Acme Care Ltd", licence=["skilled_worker", "student"])
    user = make_sponsor_user(sponsor=sponsor, level="level_1", email="l1@acme.example")
    give_allocation(sponsor)
    certificate = certificate_assign(certificate=draft(sponsor, user), actor=user)
    Certificate.objects.filter(pk=certificate.pk).update(reference=REFERENCE)
    certificate.refresh_from_db()
    person_register_from_certificate(certificate=certificate, actor=user)
    return sponsor, user


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count() for model in (Certificate, SponsoredPerson, Fact, Obligation, AuditEvent)
    }


def _problem(client, name: str, content: bytes, kind: str) -> str | None:
    """Why the import did not refuse this file cleanly, or None when it did."""
    url_name, data = IMPORTS[kind]
    before = _counts()
    response = client.post(reverse(url_name), {**data, "upload": SimpleUploadedFile(name, content)})
    if response.status_code >= 500:
        return f"{name}: server error {response.status_code}"
    if response.status_code != 200:
        return f"{name}: not refused (status {response.status_code})"
    page = response.content.decode()
    if "govuk-error-summary" not in page or not (
        "Correct the file and upload it again" in page or "The selected file is empty" in page
    ):
        return f"{name}: refused without a clear error summary"
    if _counts() != before:
        return f"{name}: something was written"
    return None


def test_the_corpus_holds_csv_and_xml_files():
    assert {name.rsplit(".", 1)[1] for name in FILES} == {"csv", "xml"}
    assert len(FILES) > 50


@pytest.mark.parametrize("kind", IMPORTS)
def test_every_hostile_file_is_refused_by_every_import_with_a_clear_error(client, world, kind):
    """Every corpus file and every large one, through one import page; every problem is listed."""
    sign_in(client, world[1])
    files = {name: (CORPUS / name).read_bytes() for name in FILES} | LARGE
    problems = [problem for name, content in files.items() if (problem := _problem(client, name, content, kind))]
    assert problems == []
