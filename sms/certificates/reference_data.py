"""Reference data for certificates, loaded after every migrate and flush.

- The Skilled Worker occupation tables (``data/appendix-skilled-occupations.json``): every SOC 2020
  code with its skill level, going rates, new entrant and PhD rates, and its Temporary Shortage List
  and Immigration Salary List entries, as published by GOV.UK, with the publication's effective date
  and general thresholds. The next publication is loaded without a release:
  ``python manage.py occupations_load FILE.json``; the rules use the publication in force on the day.
- Salary thresholds per route (domain.md section 3): Skilled Worker GBP 38,700 and RQF 3 from
  4 April 2024; GBP 41,700, RQF 6, floors GBP 33,400 (discounted options) and GBP 37,500 (PhD not in a
  STEM subject), GBP 25,000 for national pay scale occupations and GBP 17.13 an hour from 22 July 2025.
  Global Business Mobility: Senior or Specialist Worker GBP 48,500 from 4 April 2024 and GBP 52,500
  from 22 July 2025. A publication's own general thresholds become the Skilled Worker row from its
  effective date.
- Fees: CoS GBP 525 (Worker routes) and GBP 55 (Temporary Worker routes) from 9 April 2025;
  Immigration Skills Charge large GBP 1,000 / 500, small or charitable GBP 364 / 182 (first 12 months /
  each further 6 months) from 6 April 2017, and GBP 1,320 / 660 and GBP 480 / 240 from 16 December 2025;
  allocation priority service GBP 350 from 11 November 2025.
"""

import hashlib
import json
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from sms.certificates.models import Occupation, OccupationTable, SalaryThreshold, SkillLevel
from sms.core.models import FeeRate

PUBLICATION_FILE = Path(__file__).resolve().parent / "data" / "appendix-skilled-occupations.json"
SKILLED_WORKER = "skilled_worker"

# (route, general threshold, minimum RQF level for new sponsorships, discounted floor, PhD non-STEM
# floor, national pay scale floor, hourly floor; pence) from a date.
THRESHOLDS = [
    (SKILLED_WORKER, 3870000, 3, 3096000, 3483000, 2320000, 1588, date(2024, 4, 4)),
    (SKILLED_WORKER, 4170000, 6, 3340000, 3750000, 2500000, 1713, date(2025, 7, 22)),
    ("gbm_senior_specialist", 4850000, 6, None, None, None, None, date(2024, 4, 4)),
    ("gbm_senior_specialist", 5250000, 6, None, None, None, None, date(2025, 7, 22)),
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

# Published field -> Occupation field (whole pounds -> pence).
RATE_FIELDS = {
    "going_rate": "going_rate_pence",
    "lower_going_rate": "lower_going_rate_pence",
    "new_entrant_rate": "new_entrant_rate_pence",
    "new_entrant_lower_rate": "new_entrant_lower_rate_pence",
    "phd_stem_rate": "phd_stem_rate_pence",
    "phd_stem_lower_rate": "phd_stem_lower_rate_pence",
    "phd_non_stem_rate": "phd_non_stem_rate_pence",
    "phd_non_stem_lower_rate": "phd_non_stem_lower_rate_pence",
}
THRESHOLD_FIELDS = {
    "standard": "general_threshold_pence",
    "discounted_floor": "discounted_floor_pence",
    "non_stem_phd_floor": "phd_non_stem_floor_pence",
}


class Publication:
    """A checked publication file: its header and one Occupation (unsaved) per code."""

    def __init__(self, *, effective_from, source_url, hours_basis, thresholds, occupations, sha256):
        self.effective_from = effective_from
        self.source_url = source_url
        self.hours_basis = hours_basis
        self.thresholds = thresholds
        self.occupations = occupations
        self.sha256 = sha256


def _pence(value, where: str, errors: list[str]) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        errors.append(f"{where}: must be a whole number of pounds")
        return None
    return value * 100


def _skill_level(text: str) -> str | None:
    for prefix, level in (("Higher Skilled", SkillLevel.HIGHER), ("Medium Skilled", SkillLevel.MEDIUM)):
        if text.startswith(prefix):
            return level
    return SkillLevel.INELIGIBLE if text.startswith("Ineligible") else None


def _occupation(code: str, entry, errors: list[str]) -> Occupation | None:
    where = f"Occupation {code}"
    if not (isinstance(code, str) and len(code) == 4 and code.isdigit()):
        errors.append(f"{where}: the code must be 4 digits")
        return None
    if not isinstance(entry, dict):
        errors.append(f"{where}: must be an object")
        return None
    title = entry.get("job_type")
    text = entry.get("skill_level")
    if not (isinstance(title, str) and title.strip()):
        errors.append(f"{where}, job_type: must not be empty")
    level = _skill_level(text) if isinstance(text, str) else None
    if level is None:
        errors.append(f"{where}, skill_level: must start Higher Skilled, Medium Skilled or Ineligible")
    rates = {field: _pence(entry.get(key), f"{where}, {key}", errors) for key, field in RATE_FIELDS.items()}
    lists = {}
    for key in ("temporary_shortage_list", "immigration_salary_list"):
        value = entry.get(key)
        if value is not None and not isinstance(value, dict):
            errors.append(f"{where}, {key}: must be an object")
            value = None
        lists[key] = value
    isl_rate = _pence((lists["immigration_salary_list"] or {}).get("rate"), f"{where}, immigration_salary_list", errors)
    note = entry.get("going_rate_note") or ""
    if level is None or not isinstance(title, str):
        return None
    return Occupation(
        code=code,
        title=title.strip().rstrip("."),
        skill_level=level,
        skill_level_text=text,
        extension_only="extending in same occupation only" in text,
        # Healthcare and education occupations have no going rate of their own: it is the national pay scale.
        national_pay_scale=level != SkillLevel.INELIGIBLE and "going_rate" not in entry and not note,
        going_rate_note=note,
        immigration_salary_list_rate_pence=isl_rate,
        **rates,
        **lists,
    )


def publication_parse(raw: bytes) -> Publication:
    """Check a whole publication file; raises ValidationError naming every problem, by code and field."""
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValidationError(f"The file is not JSON: {error}") from None
    if not isinstance(data, dict):
        raise ValidationError("The file must hold one JSON object")
    errors: list[str] = []
    try:
        effective_from = date.fromisoformat(str(data.get("effective_date")))
    except ValueError:
        errors.append("effective_date: must be a date like 2025-11-11")
        effective_from = None
    try:
        hours_basis = Decimal(str(data.get("hours_per_week_basis")))
        if hours_basis <= 0:
            raise InvalidOperation
    except InvalidOperation:
        errors.append("hours_per_week_basis: must be a number of hours, like 37.5")
        hours_basis = None
    general = data.get("general_thresholds")
    thresholds = {}
    if not isinstance(general, dict):
        errors.append("general_thresholds: must be an object")
    else:
        for key, field in THRESHOLD_FIELDS.items():
            if general.get(key) is None:
                errors.append(f"general_thresholds, {key}: must be given")
            thresholds[field] = _pence(general.get(key), f"general_thresholds, {key}", errors)
    entries = data.get("occupations")
    occupations = []
    if not isinstance(entries, dict) or not entries:
        errors.append("occupations: must list the occupations by code")
    else:
        for code, entry in entries.items():
            occupation = _occupation(code, entry, errors)
            if occupation is not None:
                occupations.append(occupation)
    if errors:
        raise ValidationError(errors)
    return Publication(
        effective_from=effective_from,
        source_url=str(data.get("source_url") or "")[:500],
        hours_basis=hours_basis,
        thresholds=thresholds,
        occupations=occupations,
        sha256=hashlib.sha256(raw).hexdigest(),
    )


@transaction.atomic
def publication_load(publication: Publication) -> tuple[OccupationTable, bool]:
    """Store a publication (replacing one with the same effective date) with bulk writes, and make its
    general thresholds the Skilled Worker threshold row from that date. Returns (table, changed)."""
    table = OccupationTable.objects.filter(effective_from=publication.effective_from).first()
    if table and table.sha256 == publication.sha256:
        return table, False
    if table is None:
        table = OccupationTable(effective_from=publication.effective_from)
    table.source_url = publication.source_url
    table.hours_per_week_basis = publication.hours_basis
    table.sha256 = publication.sha256
    table.save()
    table.occupations.all().delete()
    for occupation in publication.occupations:
        occupation.table = table
    Occupation.objects.bulk_create(publication.occupations)
    # Figures the file does not carry (minimum skill level, hourly and national pay scale floors) stay as
    # they were on the day before.
    before = (
        SalaryThreshold.objects.filter(route=SKILLED_WORKER, effective_from__lt=publication.effective_from)
        .order_by("-effective_from")
        .first()
    )
    carried = {
        name: getattr(before, name) if before else None
        for name in ("minimum_rqf_level", "national_pay_scale_floor_pence", "hourly_floor_pence")
    }
    carried["minimum_rqf_level"] = carried["minimum_rqf_level"] or 6
    SalaryThreshold.objects.update_or_create(
        route=SKILLED_WORKER,
        effective_from=publication.effective_from,
        defaults={**publication.thresholds, **carried},
    )
    return table, True


def load_certificate_reference_data() -> None:
    """Everything certificates need, idempotent (thresholds first: a publication carries them on)."""
    for route, general, rqf, floor, phd_floor, pay_scale_floor, hourly, start in THRESHOLDS:
        SalaryThreshold.objects.update_or_create(
            route=route,
            effective_from=start,
            defaults={
                "general_threshold_pence": general,
                "minimum_rqf_level": rqf,
                "discounted_floor_pence": floor,
                "phd_non_stem_floor_pence": phd_floor,
                "national_pay_scale_floor_pence": pay_scale_floor,
                "hourly_floor_pence": hourly,
            },
        )
    publication_load(publication_parse(PUBLICATION_FILE.read_bytes()))
    for kind, size, pence, start in FEES:
        FeeRate.objects.update_or_create(
            kind=kind, sponsor_size=size, effective_from=start, defaults={"amount_pence": pence, "source": FEES_SOURCE}
        )


def reference_data_load(**kwargs) -> None:
    """post_migrate receiver (connected in CertificatesConfig.ready)."""
    load_certificate_reference_data()
