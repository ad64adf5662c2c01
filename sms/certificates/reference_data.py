"""Reference data for certificates, loaded after every migrate and flush, and reloadable from CSV.

- SOC 2020 occupations (``data/soc2020.csv``): skill level, going rate, national pay scale, the
  routes each may be sponsored on, effective from 22 July 2025. The shipped rows cover occupations
  common among sponsored workers; load the full published table with
  ``python manage.py load_soc_codes FILE.csv`` (same columns). Check figures against the published
  Appendix Skilled Occupations before relying on them.
- Skilled Worker general salary threshold and minimum skill level for new sponsorships:
  GBP 38,700 and RQF 3 from 4 April 2024; GBP 41,700 and RQF 6 from 22 July 2025 (domain.md section 3).
- Fees: CoS GBP 525 (Worker routes) and GBP 55 (Temporary Worker routes) from 9 April 2025;
  Immigration Skills Charge large GBP 1,000 / 500, small or charitable GBP 364 / 182 (first 12 months /
  each further 6 months) from 6 April 2017, and GBP 1,320 / 660 and GBP 480 / 240 from 16 December 2025;
  allocation priority service GBP 350 from 11 November 2025.
"""

import csv
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError

from sms.certificates.models import Occupation, SalaryThreshold
from sms.core.models import FeeRate
from sms.licensing.models import Route

SOC_CSV = Path(__file__).resolve().parent / "data" / "soc2020.csv"
SOC_COLUMNS = [
    "code",
    "title",
    "rqf_level",
    "going_rate_gbp",
    "national_pay_scale",
    "eligible_routes",
    "effective_from",
]

THRESHOLDS = [
    ("skilled_worker", 3870000, 3, date(2024, 4, 4)),
    ("skilled_worker", 4170000, 6, date(2025, 7, 22)),
]

FEES_SOURCE = "Immigration and nationality fees: sponsorship"
FEES = [
    ("cos_worker", "", 52500, date(2025, 4, 9)),
    ("cos_temporary_worker", "", 5500, date(2025, 4, 9)),
    ("skills_charge_first_year", "large", 100000, date(2017, 4, 6)),
    ("skills_charge_half_year", "large", 50000, date(2017, 4, 6)),
    ("skills_charge_first_year", "small", 36400, date(2017, 4, 6)),
    ("skills_charge_half_year", "small", 18200, date(2017, 4, 6)),
    ("skills_charge_first_year", "large", 132000, date(2025, 12, 16)),
    ("skills_charge_half_year", "large", 66000, date(2025, 12, 16)),
    ("skills_charge_first_year", "small", 48000, date(2025, 12, 16)),
    ("skills_charge_half_year", "small", 24000, date(2025, 12, 16)),
    ("allocation_priority", "", 35000, date(2025, 11, 11)),
]


def parse_soc_rows(lines, *, valid_routes: set[str]) -> list[dict]:
    """Read occupation rows from CSV lines, checking every row; raises ValidationError listing each
    problem by row and column. Nothing is returned unless the whole file is valid."""
    reader = csv.DictReader(lines)
    if reader.fieldnames != SOC_COLUMNS:
        raise ValidationError(f"The file's columns must be exactly: {', '.join(SOC_COLUMNS)}")
    rows, errors = [], []
    for number, raw in enumerate(reader, start=2):
        try:
            routes = [route for route in (raw["eligible_routes"] or "").split(";") if route]
            unknown = [route for route in routes if route not in valid_routes]
            if unknown:
                raise ValueError(f"eligible_routes: unknown route {unknown[0]}")
            code = (raw["code"] or "").strip()
            if not (len(code) == 4 and code.isdigit()):
                raise ValueError("code: must be 4 digits")
            if not (raw["title"] or "").strip():
                raise ValueError("title: must not be empty")
            if raw["national_pay_scale"] not in ("yes", "no"):
                raise ValueError("national_pay_scale: must be yes or no")
            rows.append(
                {
                    "code": code,
                    "title": raw["title"].strip(),
                    "rqf_level": _whole_number(raw["rqf_level"], "rqf_level"),
                    "going_rate_pence": _whole_number(raw["going_rate_gbp"], "going_rate_gbp") * 100,
                    "national_pay_scale": raw["national_pay_scale"] == "yes",
                    "eligible_routes": routes,
                    "effective_from": _iso_date(raw["effective_from"]),
                }
            )
        except ValueError as error:
            errors.append(f"Row {number}, {error}")
    if errors:
        raise ValidationError(errors)
    return rows


def _whole_number(value: str, column: str) -> int:
    if not (value or "").strip().isdigit():
        raise ValueError(f"{column}: must be a whole number")
    return int(value)


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        raise ValueError("effective_from: must be a date like 2025-07-22") from None


def load_occupations(occupation_model, rows: list[dict]) -> int:
    """Create or update occupation rows (keyed by code and effective date); returns how many."""
    for row in rows:
        occupation_model.objects.update_or_create(
            code=row["code"],
            effective_from=row["effective_from"],
            defaults={k: v for k, v in row.items() if k not in ("code", "effective_from")},
        )
    return len(rows)


def load_certificate_reference_data(occupation_model, threshold_model, fee_rate_model, valid_routes: set[str]) -> None:
    """Everything certificates need, idempotent; takes models so migrations can pass historical ones."""
    with SOC_CSV.open(newline="") as handle:
        load_occupations(occupation_model, parse_soc_rows(handle, valid_routes=valid_routes))
    for route, threshold, rqf, start in THRESHOLDS:
        threshold_model.objects.update_or_create(
            route=route, effective_from=start, defaults={"general_threshold_pence": threshold, "minimum_rqf_level": rqf}
        )
    for kind, size, pence, start in FEES:
        fee_rate_model.objects.update_or_create(
            kind=kind, sponsor_size=size, effective_from=start, defaults={"amount_pence": pence, "source": FEES_SOURCE}
        )


def reference_data_load(**kwargs) -> None:
    """post_migrate receiver (connected in CertificatesConfig.ready)."""
    load_certificate_reference_data(Occupation, SalaryThreshold, FeeRate, set(Route.values))
