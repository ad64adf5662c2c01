"""Bulk files: CoS from CSV and CAS from XML, good and bad (including hostile XML), and the exports."""

import csv
import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from sms.accounts.tests.helpers import sign_in
from sms.certificates.models import Certificate
from sms.certificates.services import bulk
from sms.certificates.services.allocations import allocation_grant
from sms.certificates.services.certificates import certificate_assign
from tests.factories import SponsorFactory, make_sponsor_user

START = timezone.localdate() + timedelta(days=30)
END = START.replace(year=START.year + 3) - timedelta(days=1)


def csv_file(rows: list[dict], header=None) -> SimpleUploadedFile:
    header = header or [column for column, *_ in bulk.CSV_COLUMNS]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return SimpleUploadedFile("certificates.csv", out.getvalue().encode())


def good_row(**overrides):
    row = {
        "family_name": "Okoro", "given_names": "Ada", "nationality": "Nigerian", "date_of_birth": "1990-05-17",
        "passport_number": "A1", "route": "skilled_worker", "is_extension": "no", "job_title": "Developer",
        "soc_code": "2134", "job_summary": "Builds software", "salary_gbp": "56,000", "weekly_hours": "37.5",
        "start_date": START.isoformat(), "end_date": f"{END:%d/%m/%Y}", "work_address": "12 Mill Lane, Leeds",
    }  # fmt: skip
    return row | overrides


def test_a_valid_csv_creates_a_draft_per_row(sponsor, level_1):
    created = bulk.certificates_import_csv(
        sponsor=sponsor,
        actor=level_1,
        upload=csv_file([good_row(), good_row(family_name="Bello", passport_number="B2")]),
    )
    assert [c.family_name for c in created] == ["Okoro", "Bello"]
    assert {c.status for c in created} == {Certificate.Status.DRAFT}
    assert created[0].salary_pence == 5600000


def test_every_error_in_the_file_is_named_with_its_row_and_column_in_one_pass_and_nothing_is_created(sponsor, level_1):
    rows = [
        good_row(),
        good_row(date_of_birth="17th May", salary_gbp="lots"),
        good_row(route="astronaut", family_name=""),
        good_row(salary_gbp="30000"),
        # A cell the form refuses does not hide the row's rule errors: both come in one pass.
        good_row(passport_expiry_date="31/02/2030", salary_gbp="30000"),
    ]
    with pytest.raises(bulk.ImportRefused) as refused:
        bulk.certificates_import_csv(sponsor=sponsor, actor=level_1, upload=csv_file(rows))
    assert [str(error) for error in refused.value.errors] == [
        "Row 3, column date_of_birth: Date of birth must be a real date, like 17/5/1990",
        "Row 3, column salary_gbp: Gross annual salary (£) must be an amount in pounds, like 41700",
        "Row 4, column family_name: must not be empty",
        "Row 4, column route: Route must be one of the routes listed, like skilled_worker",
        "Row 5, column salary_gbp: Salary must be at least £54,700 for this occupation (the going rate for 2134)",
        "Row 6, column passport_expiry_date: Passport expiry date must be a real date, like 1/2/2030",
        "Row 6, column salary_gbp: Salary must be at least £54,700 for this occupation (the going rate for 2134)",
    ]
    assert not Certificate.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,age\nx,1\n", "The first row must be the template's column names, in order"),
        (b"\xff\xfe\x00bad", "The file must be a CSV file saved as UTF-8"),
    ],
)
def test_a_file_that_is_not_the_template_is_refused(sponsor, level_1, content, message):
    with pytest.raises(bulk.ImportRefused) as refused:
        bulk.certificates_import_csv(sponsor=sponsor, actor=level_1, upload=SimpleUploadedFile("x.csv", content))
    assert str(refused.value.errors[0]) == f"File: {message}"


def test_the_template_has_every_column_and_parses(sponsor, level_1):
    template = bulk.csv_template()
    header = next(csv.reader(io.StringIO(template)))
    assert header == [column for column, *_ in bulk.CSV_COLUMNS]


CAS_OK = f"""<?xml version="1.0" encoding="UTF-8"?>
<CASBatch xmlns="{bulk.CAS_NAMESPACE}">
  <CAS>
    <FamilyName>Chen</FamilyName><GivenNames>Li</GivenNames><Nationality>Chinese</Nationality>
    <DateOfBirth>2004-02-01</DateOfBirth><PassportNumber>E1234</PassportNumber><Route>student</Route>
    <CourseTitle>BSc Nursing</CourseTitle><CourseStartDate>{START.isoformat()}</CourseStartDate>
    <CourseEndDate>{END.isoformat()}</CourseEndDate><StudyAddress>1 Campus Way, York</StudyAddress>
  </CAS>
</CASBatch>"""


@pytest.fixture
def college(db):
    sponsor = SponsorFactory(name="York College", licence=["student"])
    return sponsor, make_sponsor_user(sponsor=sponsor, level="level_1", email="l1@york.example")


def xml_file(text: str | bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("cas.xml", text.encode() if isinstance(text, str) else text)


def test_a_valid_cas_batch_creates_cas_drafts(college):
    sponsor, user = college
    created = bulk.cas_import_xml(sponsor=sponsor, actor=user, upload=xml_file(CAS_OK))
    assert [(c.kind, c.family_name, c.route) for c in created] == [("cas", "Chen", "student")]


def test_a_batch_breaking_the_schema_is_refused_with_its_line(college):
    sponsor, user = college
    bad = CAS_OK.replace("<Route>student</Route>", "<Route>worker</Route>")
    with pytest.raises(bulk.ImportRefused) as refused:
        bulk.cas_import_xml(sponsor=sponsor, actor=user, upload=xml_file(bad))
    assert refused.value.errors[0].row == 5
    assert "Route" in refused.value.errors[0].message
    assert not Certificate.objects.exists()


HOSTILE = {
    "external entity": b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><CASBatch>&x;</CASBatch>""",
    "billion laughs": b"""<?xml version="1.0"?>
<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>
<CASBatch>&c;</CASBatch>""",
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_xml_is_refused_before_parsing(college, name):
    sponsor, user = college
    with pytest.raises(bulk.ImportRefused, match="problem"):
        bulk.cas_import_xml(sponsor=sponsor, actor=user, upload=xml_file(HOSTILE[name]))


def test_the_parser_itself_does_not_expand_entities():
    """Even past the DOCTYPE check, the hardened parser never reads a file or expands entities."""
    document = etree.fromstring(HOSTILE["external entity"], bulk._cas_parser())
    assert b"root:" not in etree.tostring(document)


def test_oversized_and_malformed_xml(college):
    sponsor, user = college
    with pytest.raises(bulk.ImportRefused, match="problem") as refused:
        bulk.cas_import_xml(sponsor=sponsor, actor=user, upload=xml_file(b"<CASBatch><CAS>"))
    assert "not well-formed" in str(refused.value.errors[0])
    huge = SimpleUploadedFile("big.xml", b" " * (bulk.MAX_XML_BYTES + 1))
    with pytest.raises(bulk.ImportRefused) as refused:
        bulk.cas_import_xml(sponsor=sponsor, actor=user, upload=huge)
    assert "smaller than 5MB" in str(refused.value.errors[0])


def test_cas_export_is_a_zip_of_schema_valid_xml(college):
    sponsor, user = college
    allocation_grant(sponsor=sponsor, category="student", number=1, actor=None, reason="Test")
    (draft,) = bulk.cas_import_xml(sponsor=sponsor, actor=user, upload=xml_file(CAS_OK))
    assigned = certificate_assign(certificate=draft, actor=user)
    archive = zipfile.ZipFile(io.BytesIO(bulk.cas_export_zip(sponsor_id=sponsor.pk)))
    document = etree.fromstring(archive.read("cas-statuses.xml"), bulk._cas_parser())
    assert bulk.cas_schema().validate(document)
    references = document.findall(f"{{{bulk.CAS_NAMESPACE}}}CASStatus/{{{bulk.CAS_NAMESPACE}}}Reference")
    assert [element.text for element in references] == [assigned.reference]


def test_the_upload_page_lists_each_problem(client, sponsor, level_1):
    sign_in(client, level_1)
    response = client.post(
        reverse("certificates:import"), {"file_format": "csv", "upload": csv_file([good_row(soc_code="21")])}
    )
    content = response.content.decode()
    assert "nothing was created" in content
    assert "SOC 2020 occupation code must be 4 digits, like 2134" in content
    ok = client.post(reverse("certificates:import"), {"file_format": "csv", "upload": csv_file([good_row()])})
    assert ok.url == reverse("certificates:list")
    assert Certificate.objects.count() == 1
    template = client.get(reverse("certificates:import_template"))
    assert template["Content-Disposition"] == 'attachment; filename="certificates-template.csv"'


def test_the_salary_option_and_student_switch_columns_are_read(sponsor, level_1):
    rows = [
        good_row(salary_gbp="38,300", salary_option="new_entrant", switching_from_student="yes"),
        good_row(family_name="Bello", salary_option=""),
    ]
    created = bulk.certificates_import_csv(sponsor=sponsor, actor=level_1, upload=csv_file(rows))
    assert [(c.salary_option, c.switching_from_student) for c in created] == [
        ("new_entrant", True),
        ("standard", False),
    ]


def test_a_bad_salary_option_is_named_and_the_option_is_checked_by_the_rules(sponsor, level_1):
    rows = [
        good_row(salary_option="cheap"),
        good_row(salary_gbp="38,299", salary_option="new_entrant"),
        good_row(salary_option="immigration_salary_list", switching_from_student="maybe"),
    ]
    with pytest.raises(bulk.ImportRefused) as refused:
        bulk.certificates_import_csv(sponsor=sponsor, actor=level_1, upload=csv_file(rows))
    assert [str(error) for error in refused.value.errors] == [
        "Row 2, column salary_option: Salary option must be one of the options listed, like standard",
        "Row 3, column salary_gbp: Salary must be at least £38,300 for this occupation (the new entrant rate for 2134)",
        "Row 4, column salary_option: 2134 Programmers and software development professionals is not on the "
        "Immigration Salary List",
        "Row 4, column switching_from_student: must be yes or no",
    ]
    assert not Certificate.objects.exists()


def test_a_file_from_the_earlier_template_without_the_optional_columns_still_loads(sponsor, level_1):
    header = [column for column, *_ in bulk.CSV_COLUMNS][: -bulk.LATER_COLUMNS]
    row = {key: value for key, value in good_row().items() if key in header}
    created = bulk.certificates_import_csv(sponsor=sponsor, actor=level_1, upload=csv_file([row], header=header))
    assert created[0].salary_option == "standard"


def test_checking_a_file_reads_the_rules_once_per_route_and_occupation(sponsor, level_1):
    rows = [good_row(family_name=f"Worker{number}", passport_number=f"P{number}") for number in range(40)]
    with CaptureQueriesContext(connection) as queries, pytest.raises(bulk.ImportRefused):
        bulk.certificates_import_csv(sponsor=sponsor, actor=level_1, upload=csv_file([*rows, good_row(route="")]))
    assert len(queries) < 20


def test_a_cas_date_with_a_time_zone_is_a_problem_naming_its_element_not_a_crash(college):
    sponsor, user = college
    two = CAS_OK.replace("</CASBatch>", CAS_OK.split("<CASBatch", 1)[1].split(">", 1)[1])
    bad = two.replace("<DateOfBirth>2004-02-01</DateOfBirth>", "<DateOfBirth>2004-02-01Z</DateOfBirth>", 1)
    with pytest.raises(bulk.ImportRefused) as refused:
        bulk.cas_import_xml(sponsor=sponsor, actor=user, upload=xml_file(bad))
    assert [(error.column, error.message) for error in refused.value.errors] == [
        ("DateOfBirth", "must be a date like 2026-03-27")
    ]
    assert not Certificate.objects.exists()
