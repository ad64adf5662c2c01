import pytest

from sms.core.csv_export import csv_rows, neutralise


@pytest.mark.parametrize("value", ["=1+1", "+44 20", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_cells_a_spreadsheet_would_run_get_a_leading_quote(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize(("value", "expected"), [("Acme", "Acme"), (None, ""), (42, "42"), ("a=b", "a=b")])
def test_other_cells_are_unchanged(value, expected):
    assert neutralise(value) == expected


def test_csv_rows_yield_a_header_then_neutralised_rows():
    assert list(csv_rows(["A", "B"], [["=x", "y"]])) == ["A,B\r\n", "'=x,y\r\n"]
