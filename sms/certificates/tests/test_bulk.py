"""Bulk files: CoS from CSV and CAS from XML, good and bad (including hostile XML), and the exports."""

import csv
import io
import re
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
from sms.audit.models import AuditEvent, Verb
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


# Hostile input: every file the CSV reader cannot read, and every value the form must refuse, is one
# clear problem, never a server error (tests/test_hostile_files.py feeds the whole corpus to the pages).

HEADER = ",".join(column for column, *_ in bulk.CSV_COLUMNS)
NUL_NAME = "Oko\x00ro"


def good_line(**overrides) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(
        [good_row(**overrides).get(column, "") for column, *_ in bulk.CSV_COLUMNS]
    )
    return out.getvalue()


def refusal(sponsor, level_1, content: bytes) -> list[str]:
    with pytest.raises(bulk.ImportRefused) as refused:
        bulk.certificates_import_csv(sponsor=sponsor, actor=level_1, upload=SimpleUploadedFile("x.csv", content))
    assert not Certificate.objects.exists()
    return [str(error) for error in refused.value.errors]


EMPTY = "The file is empty: it must start with the template's column names, then one certificate a row"
NO_ROWS = "The file has no certificates in it: add one certificate a row under the column names"
NOT_CSV = "The file is not well-formed CSV at line 2"
NOT_UTF8 = "The file must be a CSV file saved as UTF-8"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", EMPTY),
        (b"\r\n\n", EMPTY),
        (f"{HEADER}\n".encode(), NO_ROWS),
        (f"\ufeff{HEADER}\r\n".encode(), NO_ROWS),
        (f"{HEADER}\n{good_line(family_name=NUL_NAME)}\n".encode(),
         "The file must not contain NUL characters (line 2): save it again as CSV (UTF-8)"),
        (f"{HEADER}\n\"Okoro,Ada\n".encode(), f"{NOT_CSV}: a quoted cell is never closed"),
        (f"{HEADER}\n{'O' * 200_000},Ada\n".encode(), f"{NOT_CSV}: a cell is longer than 131,072 characters"),
        (f"{HEADER}\n{good_line()},surplus\n".encode(),
         "Row 2 has 29 cells but the first row has 28 columns: check for a missing or extra comma, or a quote "
         "that is not closed"),
        (f"{HEADER}\n{good_line()}\n".encode("utf-16"), NOT_UTF8),
        (f"{HEADER}\n{good_line(family_name='Müller')}\n".encode("latin-1"), NOT_UTF8),
    ],
)  # fmt: skip
def test_a_file_that_cannot_be_read_is_one_clear_problem(sponsor, level_1, content, message):
    assert refusal(sponsor, level_1, content) == [f"File: {message}"]


@pytest.mark.parametrize(
    ("header", "problems"),
    [
        (HEADER + ",family_name", ["Column family_name: appears more than once in the first row"]),
        (HEADER.replace("salary_gbp,", ""), ["Column salary_gbp: is missing from the first row"]),
        (HEADER + ",favourite_colour", ["Column favourite_colour: is not a column of the template"]),
    ],
)
def test_a_header_with_a_duplicate_missing_or_extra_column_names_it(sponsor, level_1, header, problems):
    errors = refusal(sponsor, level_1, f"{header}\n{good_line()}\n".encode())
    assert errors == ["File: The first row must be the template's column names, in order", *problems]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_any_line_endings_and_a_byte_order_mark_are_read(sponsor, level_1, newline):
    content = "\ufeff" + newline.join([HEADER, good_line(), good_line(family_name="Bello"), ""])
    created = bulk.certificates_import_csv(
        sponsor=sponsor, actor=level_1, upload=SimpleUploadedFile("x.csv", content.encode())
    )
    assert [c.family_name for c in created] == ["Okoro", "Bello"]


SALARY = "salary_gbp: Gross annual salary (£) must be"
ALLOWANCES = "allowances_gbp: Allowances per year (£, optional) must be"
HOURS = "weekly_hours"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"salary_gbp": "NaN"}, f"{SALARY} an amount in pounds, like 41700"),
        ({"salary_gbp": "sNaN"}, f"{SALARY} an amount in pounds, like 41700"),
        ({"salary_gbp": "Infinity"}, f"{SALARY} an amount in pounds, like 41700"),
        ({"salary_gbp": "-56000"}, f"{SALARY} £0 or more"),
        ({"salary_gbp": "1e30"}, f"{SALARY} £10,000,000 or less"),
        ({"salary_gbp": "21474837"}, f"{SALARY} £10,000,000 or less"),
        ({"allowances_gbp": "-Infinity"}, f"{ALLOWANCES} an amount in pounds, like 41700"),
        ({"weekly_hours": "NaN"}, f"{HOURS}: Weekly working hours must be a number, like 37.5"),
        ({"weekly_hours": "1e30"}, f"{HOURS}: Weekly working hours must be more than 0 and no more than 168"),
        ({"weekly_hours": "-5"}, f"{HOURS}: Weekly working hours must be more than 0 and no more than 168"),
        ({"family_name": "O" * 10_000}, "family_name: Family name must be 150 characters or less"),
        ({"passport_number": "P" * 31}, "passport_number: Passport number must be 30 characters or less"),
    ],
)
def test_impossible_numbers_and_overlong_values_are_refused_on_their_column(sponsor, level_1, overrides, message):
    errors = refusal(sponsor, level_1, f"{HEADER}\n{good_line(**overrides)}\n".encode())
    assert errors == [f"Row 2, column {message}"]


def test_a_file_with_too_many_rows_is_refused_before_any_row_is_checked(sponsor, level_1, monkeypatch):
    monkeypatch.setattr(bulk, "MAX_ROWS", 3)
    content = "\n".join([HEADER, *[good_line()] * 4, ""]).encode()
    assert refusal(sponsor, level_1, content) == ["File: A file can hold at most 3 certificates"]


def cas_refusal(college, content: bytes) -> list[tuple[str, str]]:
    sponsor, user = college
    with pytest.raises(bulk.ImportRefused) as refused:
        bulk.cas_import_xml(sponsor=sponsor, actor=user, upload=xml_file(content))
    assert not Certificate.objects.exists()
    return [(error.column, error.message) for error in refused.value.errors]


@pytest.mark.parametrize("value", ["2001-02-03Z", "2001-02-03+01:00", "-0044-03-15", "12026-01-04"])
def test_a_cas_date_that_is_not_a_plain_real_date_names_its_element(college, value):
    bad = CAS_OK.replace("<DateOfBirth>2004-02-01</DateOfBirth>", f"<DateOfBirth>{value}</DateOfBirth>")
    (problem,) = cas_refusal(college, bad.encode())
    assert problem[0] == "DateOfBirth"


@pytest.mark.parametrize(("element", "length"), [("FamilyName", 150), ("Nationality", 100), ("PassportNumber", 30)])
def test_the_schema_holds_each_value_to_its_column(college, element, length):
    bad = re.sub(f"<{element}>[^<]*</{element}>", f"<{element}>{'X' * (length + 1)}</{element}>", CAS_OK)
    (problem,) = cas_refusal(college, bad.encode())
    assert problem[1] == (
        f"Element '{element}': [facet 'maxLength'] The value has a length of '{length + 1}'; this exceeds the "
        f"allowed maximum length of '{length}'."
    )
    fits = re.sub(f"<{element}>[^<]*</{element}>", f"<{element}>{'X' * length}</{element}>", CAS_OK)
    sponsor, user = college
    assert bulk.cas_import_xml(sponsor=sponsor, actor=user, upload=xml_file(fits))


def test_each_cas_is_checked_by_the_certificate_form():
    """The form is the last word on what is stored, whatever the schema lets through."""
    element = etree.fromstring(CAS_OK.encode()).find(f"{{{bulk.CAS_NAMESPACE}}}CAS")
    element.find(f"{{{bulk.CAS_NAMESPACE}}}GivenNames").text = "G" * 151
    form, problems = bulk._cas_form(element)
    assert problems == []
    assert form.errors == {"given_names": ["Given names must be 150 characters or less"]}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_a_declaration_in_any_encoding_is_refused_without_parsing(college, encoding):
    hostile = (
        f'<?xml version="1.0" encoding="{encoding.upper()}"?>\n' + HOSTILE["external entity"].decode().split("\n", 1)[1]
    )
    assert cas_refusal(college, hostile.encode(encoding)) == [
        ("", "The file must not contain a DOCTYPE or entity declarations")
    ]


def test_a_status_report_is_not_a_batch(college):
    report = bulk.cas_export_zip(sponsor_id=college[0].pk)
    content = zipfile.ZipFile(io.BytesIO(report)).read("cas-statuses.xml")
    assert cas_refusal(college, content) == [
        ("", f"The file must be a CAS batch: a <CASBatch> element in the namespace {bulk.CAS_NAMESPACE}")
    ]


def test_nothing_is_saved_until_every_cas_in_the_file_passes(college):
    two = CAS_OK.replace("</CASBatch>", CAS_OK.split("<CASBatch", 1)[1].split(">", 1)[1])
    head, tail = two.rsplit("<Route>student</Route>", 1)
    bad = f"{head}<Route>child_student</Route>{tail}"  # the second CAS: a route the licence does not hold
    problems = cas_refusal(college, bad.encode())
    assert problems == [("Route", "The licence does not hold this route")]
    assert not AuditEvent.objects.filter(verb=Verb.CERTIFICATE_DRAFTED).exists()


def test_a_valid_file_is_saved_set_based_and_every_draft_audited(sponsor, level_1):
    """The drafts go in many to an INSERT, not one each (a university's intake is thousands of rows;
    PostgreSQL takes a thousand a statement, SQLite's variable limit fewer), and each is audited as a
    draft saved by hand is, then the import itself."""
    rows = [good_row(family_name=f"Worker{number}", passport_number=f"P{number}") for number in range(1200)]
    with CaptureQueriesContext(connection) as queries:
        created = bulk.certificates_import_csv(sponsor=sponsor, actor=level_1, upload=csv_file(rows))
    inserts = [q for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "certificates_certificate"')]
    assert len(inserts) <= len(rows) / 10
    assert Certificate.objects.filter(sponsor=sponsor, status=Certificate.Status.DRAFT).count() == 1200
    assert created[1199].family_name == "Worker1199"
    assert created[0].pk is not None
    drafted = AuditEvent.objects.filter(verb=Verb.CERTIFICATE_DRAFTED, sponsor=sponsor)
    assert drafted.count() == 1200
    assert set(drafted.values_list("target_id", flat=True)) == {str(c.pk) for c in created}
    imported = AuditEvent.objects.get(verb=Verb.CERTIFICATES_IMPORTED, sponsor=sponsor)
    assert imported.payload["count"] == 1200
