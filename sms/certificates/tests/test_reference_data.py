"""The SOC 2020 table: shipped rows, and loading a fuller table from CSV (all or nothing)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sms.certificates.models import Occupation, SalaryThreshold
from sms.certificates.reference_data import SOC_COLUMNS

HEADER = ",".join(SOC_COLUMNS)


def test_common_occupations_ship_with_the_system(db):
    codes = set(Occupation.objects.values_list("code", flat=True))
    assert {"2134", "2231", "2211", "2314", "5434", "6135", "2122"} <= codes
    threshold = SalaryThreshold.objects.filter(route="skilled_worker").order_by("-effective_from").first()
    assert (threshold.general_threshold_pence, threshold.minimum_rqf_level) == (4170000, 6)


def test_load_soc_codes_adds_and_updates_rows(db, tmp_path):
    path = tmp_path / "soc.csv"
    path.write_text(
        f"{HEADER}\n2134,Programmers and software development professionals,6,51000,no,skilled_worker,2026-04-06\n"
        "9999,Test occupation,6,40000,no,skilled_worker;scale_up,2026-04-06\n"
    )
    out = StringIO()
    call_command("load_soc_codes", str(path), stdout=out)
    assert out.getvalue().strip() == "Loaded 2 occupation rows"
    latest = Occupation.objects.filter(code="2134").order_by("-effective_from").first()
    assert latest.going_rate_pence == 5100000
    assert Occupation.objects.get(code="9999").eligible_routes == ["skilled_worker", "scale_up"]


def test_a_bad_file_loads_nothing_and_names_each_row(db, tmp_path):
    path = tmp_path / "soc.csv"
    path.write_text(f"{HEADER}\n12,Bad,6,1,no,skilled_worker,2026-04-06\n9998,Ok,x,1,maybe,rocket,someday\n")
    before = Occupation.objects.count()
    with pytest.raises(CommandError) as raised:
        call_command("load_soc_codes", str(path))
    message = str(raised.value)
    assert "Row 2, code: must be 4 digits" in message
    assert "Row 3, eligible_routes: unknown route rocket" in message
    assert Occupation.objects.count() == before


def test_a_missing_file_is_a_clear_error(db):
    with pytest.raises(CommandError, match="Cannot read /no/such.csv"):
        call_command("load_soc_codes", "/no/such.csv")
