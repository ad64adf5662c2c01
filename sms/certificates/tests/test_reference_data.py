"""The Skilled Worker occupation tables: the shipped publication, and loading the next one (all or nothing)."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sms.certificates.models import Occupation, OccupationTable, SalaryThreshold, SkillLevel
from sms.certificates.reference_data import PUBLICATION_FILE, load_certificate_reference_data
from sms.certificates.services.certificates import occupation_in_force, threshold_in_force


def test_the_published_tables_ship_with_the_system(db):
    table = OccupationTable.objects.get()
    assert (table.effective_from, table.hours_per_week_basis) == (date(2025, 11, 11), 37.5)
    assert table.occupations.count() == 412
    developer = table.occupations.get(code="2134")
    assert (developer.going_rate_pence, developer.new_entrant_rate_pence) == (5470000, 3830000)
    assert (developer.phd_stem_rate_pence, developer.phd_non_stem_rate_pence) == (4370000, 4920000)
    assert developer.skill_level == SkillLevel.HIGHER


@pytest.mark.parametrize(
    ("code", "title"),
    [
        ("2231", "Midwifery nurses"),
        ("2232", "Registered community nurses"),
        ("2313", "Secondary education teaching professionals"),
        ("2314", "Primary education teaching professionals"),
        ("2461", "Social workers"),
    ],
)
def test_codes_are_soc_2020_not_soc_2010(db, code, title):
    occupation = Occupation.objects.get(code=code)
    assert occupation.title == title
    assert occupation.national_pay_scale
    assert occupation.going_rate_pence is None


def test_shortage_lists_and_extension_only_occupations_are_read(db):
    care = Occupation.objects.get(code="6135")
    assert (care.skill_level, care.immigration_salary_list_rate_pence) == (SkillLevel.MEDIUM, 3340000)
    logistics = Occupation.objects.get(code="1243")
    assert logistics.temporary_shortage_list
    assert not logistics.immigration_salary_list
    warehouse = Occupation.objects.get(code="9252")
    assert warehouse.extension_only
    assert warehouse.going_rate_note == "Not eligible for standard rate applications"
    assert Occupation.objects.get(code="9111").skill_level == SkillLevel.INELIGIBLE


def test_the_publication_sets_the_skilled_worker_thresholds_from_its_date(db):
    row = threshold_in_force("skilled_worker", date(2026, 1, 1))
    assert row.effective_from == date(2025, 11, 11)
    assert (row.general_threshold_pence, row.discounted_floor_pence, row.phd_non_stem_floor_pence) == (
        4170000,
        3340000,
        3750000,
    )
    # Carried on from 22 July 2025: RQF 6, GBP 17.13 an hour, GBP 25,000 for national pay scale jobs.
    assert (row.minimum_rqf_level, row.hourly_floor_pence, row.national_pay_scale_floor_pence) == (6, 1713, 2500000)
    assert threshold_in_force("gbm_senior_specialist", date(2026, 1, 1)).general_threshold_pence == 5250000
    assert threshold_in_force("skilled_worker", date(2025, 1, 1)).general_threshold_pence == 3870000


def next_publication(tmp_path, **changes):
    data = json.loads(PUBLICATION_FILE.read_text())
    data["effective_date"] = "2026-04-06"
    data["general_thresholds"]["standard"] = 43000
    data["occupations"]["2134"]["going_rate"] = 56000
    for code, entry in changes.items():
        data["occupations"][code] = entry
    path = tmp_path / "next.json"
    path.write_text(json.dumps(data))
    return path


def test_the_next_publication_loads_without_a_release_and_applies_from_its_date(
    db, tmp_path, django_assert_max_num_queries
):
    out = StringIO()
    with django_assert_max_num_queries(25):  # the inserts are batched (SQLite allows few parameters)
        call_command("occupations_load", str(next_publication(tmp_path)), stdout=out)
    assert "Loaded 412 occupations in force from 6 April 2026" in out.getvalue()
    assert occupation_in_force("2134", date(2026, 4, 5)).going_rate_pence == 5470000
    assert occupation_in_force("2134", date(2026, 4, 6)).going_rate_pence == 5600000
    assert threshold_in_force("skilled_worker", date(2026, 4, 6)).general_threshold_pence == 4300000
    # Loading the same file again changes nothing.
    call_command("occupations_load", str(next_publication(tmp_path)), stdout=out)
    assert "Already loaded: 412 occupations" in out.getvalue()
    assert OccupationTable.objects.count() == 2


def test_a_publication_with_errors_loads_nothing(db, tmp_path):
    path = next_publication(
        tmp_path, **{"2134": {"job_type": "", "skill_level": "Higher Skilled", "going_rate": "lots"}}
    )
    with pytest.raises(CommandError) as error:
        call_command("occupations_load", str(path))
    message = str(error.value)
    assert "Occupation 2134, job_type: must not be empty" in message
    assert "Occupation 2134, going_rate: must be a whole number of pounds" in message
    assert OccupationTable.objects.count() == 1
    assert not SalaryThreshold.objects.filter(effective_from=date(2026, 4, 6)).exists()


def test_a_missing_file_is_a_clear_error(db):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("occupations_load", "/no/such.json")


def test_reloading_the_shipped_publication_is_idempotent(db):
    before = list(Occupation.objects.values_list("pk", flat=True))
    load_certificate_reference_data()
    assert list(Occupation.objects.values_list("pk", flat=True)) == before
