"""Facts from CSV: good files record every row; bad ones record nothing and name each row and column."""

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sms.accounts.tests.helpers import sign_in
from sms.certificates.services.certificates import certificate_assign
from sms.certificates.tests.factories import draft, give_allocation
from sms.core.imports import ImportRefused
from sms.reporting import imports
from sms.reporting.models import Fact, Obligation
from sms.reporting.services.facts import person_register_from_certificate
from tests.factories import SponsorFactory, make_sponsor_user


@pytest.fixture
def person(sponsor, level_1, time_machine):
    time_machine.move_to("2026-11-23 10:00:00Z", tick=False)
    give_allocation(sponsor)
    certificate = certificate_assign(certificate=draft(sponsor, level_1), actor=level_1)
    return person_register_from_certificate(certificate=certificate, actor=level_1)


def upload(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=imports.COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({column: "" for column in imports.COLUMNS} | row)
    return SimpleUploadedFile("facts.csv", out.getvalue().encode())


def test_a_good_file_records_each_fact_and_opens_obligations(sponsor, level_1, person):
    reference = person.certificate.reference
    count = imports.facts_import_csv(
        sponsor=sponsor,
        actor=level_1,
        upload=upload(
            [
                {"certificate_reference": reference, "fact": "start_confirmed", "start_date": "2026-11-02"},
                {
                    "certificate_reference": reference,
                    "fact": "absence",
                    "start_date": "2026-11-09",
                    "end_date": "23/11/2026",
                    "authorised": "no",
                    "pay": "full",
                },
            ]
        ),
    )  # fmt: skip
    assert count == 2
    assert Fact.objects.count() == 2
    assert Obligation.objects.get().event == "unauthorised_absence"


def test_a_bad_file_records_nothing_and_names_rows_and_columns(sponsor, level_1, person):
    reference = person.certificate.reference
    rows = [
        {"certificate_reference": reference, "fact": "start_confirmed", "start_date": "2026-11-02"},
        {"certificate_reference": "CNOTREAL000", "fact": "holiday", "start_date": "tomorrow"},
        {"certificate_reference": reference, "fact": "absence", "start_date": "2026-11-09", "authorised": "maybe"},
        {"certificate_reference": reference, "fact": "employment_ended", "start_date": "2027-01-01",
         "end_reason": "careless"},
    ]  # fmt: skip
    with pytest.raises(ImportRefused) as refused:
        imports.facts_import_csv(sponsor=sponsor, actor=level_1, upload=upload(rows))
    messages = [str(error) for error in refused.value.errors]
    assert "Row 3, column certificate_reference: no one on your worker register has this certificate" in messages
    assert any(message.startswith("Row 3, column fact: must be one of") for message in messages)
    assert "Row 3, column start_date: Date must be a real date, like 27/3/2026" in messages
    assert "Row 4, column authorised: Select a valid choice. maybe is not one of the available choices." in messages
    assert not Fact.objects.exists()


def test_every_problem_in_a_file_is_named_in_one_pass(sponsor, level_1, person):
    """Cell errors, unknown people and the service's refusals all come back together."""
    reference = person.certificate.reference
    rows = [
        {"certificate_reference": reference, "fact": "absence", "start_date": "2026-02-30", "authorised": "no",
         "pay": "unpaid"},
        {"certificate_reference": "CNOTREAL000", "fact": "start_confirmed", "start_date": "2026-11-02"},
        {"certificate_reference": reference, "fact": "salary_change", "start_date": "2026-11-02",
         "new_salary_gbp": "lots"},
        {"certificate_reference": reference, "fact": "start_confirmed", "start_date": "2027-01-01"},
    ]  # fmt: skip
    with pytest.raises(ImportRefused) as refused:
        imports.facts_import_csv(sponsor=sponsor, actor=level_1, upload=upload(rows))
    assert [str(error) for error in refused.value.errors] == [
        "Row 2, column start_date: First day of absence must be a real date, like 27/3/2026",
        "Row 3, column certificate_reference: no one on your worker register has this certificate",
        "Row 4, column new_salary_gbp: New gross annual salary (£) must be an amount in pounds, like 41700",
        "Row 5, column fact: The date must be today or in the past",
    ]
    assert not Fact.objects.exists()


def test_a_student_cannot_be_recorded_as_started(db, time_machine):
    time_machine.move_to("2026-11-23 10:00:00Z", tick=False)
    college = SponsorFactory(licence=["student"])
    user = make_sponsor_user(sponsor=college, level="level_1", email="l1@college.example")
    give_allocation(college, category="student")
    cas = draft(college, user, route="student", soc_code="", job_summary="", salary_pence=None)
    student = person_register_from_certificate(certificate=certificate_assign(certificate=cas, actor=user), actor=user)
    reference = student.certificate.reference
    rows = [{"certificate_reference": reference, "fact": "start_confirmed", "start_date": "2026-11-02"}]
    with pytest.raises(ImportRefused) as refused:
        imports.facts_import_csv(sponsor=college, actor=user, upload=upload(rows))
    assert [str(error) for error in refused.value.errors] == [
        "Row 2, column fact: start_confirmed cannot be recorded about a student"
    ]
    assert not Fact.objects.exists()


def test_a_fact_the_service_refuses_rolls_back_the_whole_file(sponsor, level_1, person):
    reference = person.certificate.reference
    rows = [
        {"certificate_reference": reference, "fact": "start_confirmed", "start_date": "2026-11-02"},
        {"certificate_reference": reference, "fact": "salary_change", "start_date": "2027-01-01",
         "new_salary_gbp": "50000"},
    ]  # fmt: skip
    with pytest.raises(ImportRefused) as refused:
        imports.facts_import_csv(sponsor=sponsor, actor=level_1, upload=upload(rows))
    assert [str(error) for error in refused.value.errors] == [
        "Row 3, column fact: The date must be today or in the past"
    ]
    assert not Fact.objects.exists()
    person.refresh_from_db()
    assert person.confirmed_start is None


def test_another_sponsors_people_cannot_be_named(other_sponsor, other_level_1, person):
    with pytest.raises(ImportRefused) as refused:
        imports.facts_import_csv(
            sponsor=other_sponsor,
            actor=other_level_1,
            upload=upload(
                [
                    {
                        "certificate_reference": person.certificate.reference,
                        "fact": "start_confirmed",
                        "start_date": "2026-11-02",
                    }
                ]
            ),
        )
    assert "no one on your worker register" in str(refused.value.errors[0])


def test_the_upload_page_and_template(client, level_1, person):
    sign_in(client, level_1)
    template = client.get(reverse("reporting:facts_template"))
    assert template.content.decode().splitlines()[0] == ",".join(imports.COLUMNS)
    bad = client.post(reverse("reporting:import_facts"), {"upload": SimpleUploadedFile("x.csv", b"a,b\n1,2\n")})
    assert "The first row must be the template" in bad.content.decode()
    good = client.post(
        reverse("reporting:import_facts"),
        {
            "upload": upload(
                [
                    {
                        "certificate_reference": person.certificate.reference,
                        "fact": "start_confirmed",
                        "start_date": "2026-11-02",
                    }
                ]
            )
        },
    )
    assert good.url == reverse("reporting:obligations")
    person.refresh_from_db()
    assert person.confirmed_start == date(2026, 11, 2)


def test_a_level_2_user_cannot_import_facts_about_a_worker_whose_certificate_they_did_not_create(
    sponsor, level_2, person
):
    """Reporting activity is Level 2's only on certificates they created and assigned (seed 000)."""
    with pytest.raises(ImportRefused) as refused:
        imports.facts_import_csv(
            sponsor=sponsor,
            actor=level_2,
            upload=upload(
                [{"certificate_reference": person.certificate.reference, "fact": "start_confirmed",
                  "start_date": "2026-11-02"}]
            ),
        )  # fmt: skip
    assert [error.row for error in refused.value.errors] == [2]
    assert not Fact.objects.exists()


NEW_SALARY = "Row 2, column new_salary_gbp: New gross annual salary (£) must be"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("NaN", f"{NEW_SALARY} an amount in pounds, like 41700"),
        ("Infinity", f"{NEW_SALARY} an amount in pounds, like 41700"),
        ("-1", f"{NEW_SALARY} £0 or more"),
        ("1e30", f"{NEW_SALARY} £10,000,000 or less"),
        ("99999999999", f"{NEW_SALARY} £10,000,000 or less"),
    ],
)
def test_a_new_salary_that_is_not_a_real_amount_is_named_by_row_and_column(sponsor, level_1, person, value, message):
    row = {"certificate_reference": person.certificate.reference, "fact": "salary_change", "start_date": "2026-11-02"}
    with pytest.raises(ImportRefused) as refused:
        imports.facts_import_csv(sponsor=sponsor, actor=level_1, upload=upload([row | {"new_salary_gbp": value}]))
    assert [str(error) for error in refused.value.errors] == [message]
    assert not Fact.objects.exists()


@pytest.mark.parametrize("newline", ["\r", "\r\n"])
def test_a_file_with_any_line_endings_and_a_byte_order_mark_is_read(sponsor, level_1, person, newline):
    lines = [",".join(imports.COLUMNS), f"{person.certificate.reference},start_confirmed,2026-11-02,,,,,,,,", ""]
    content = ("\ufeff" + newline.join(lines)).encode()
    assert imports.facts_import_csv(sponsor=sponsor, actor=level_1, upload=SimpleUploadedFile("f.csv", content)) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "File: The file is empty: it must start with the template's column names, then one fact a row"),
        (b"certificate_reference,fact\n", "File: The first row must be the template's column names, in order"),
        (
            ",".join(imports.COLUMNS).encode() + b"\nCACD3479KXY,salary_change\n",
            "File: Row 2 has 2 cells but the first row has 11 columns: check for a missing or extra comma, or a quote "
            "that is not closed",
        ),
        (
            ",".join(imports.COLUMNS).encode() + b"\nCACD3479KXY\x00,start_confirmed,2026-11-02,,,,,,,,\n",
            "File: The file must not contain NUL characters (line 2): save it again as CSV (UTF-8)",
        ),
    ],
)
def test_a_facts_file_that_cannot_be_read_is_one_clear_problem(sponsor, level_1, content, message):
    with pytest.raises(ImportRefused) as refused:
        imports.facts_import_csv(sponsor=sponsor, actor=level_1, upload=SimpleUploadedFile("f.csv", content))
    assert str(refused.value.errors[0]) == message
    assert not Fact.objects.exists()
