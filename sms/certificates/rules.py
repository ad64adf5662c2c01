"""Pure rules for allocations and certificates: no database, tested on their own (domain.md 3 and 4)."""

from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta

from sms.core.fees import format_pounds

ALLOCATION_YEAR_START = (4, 6)  # 6 April
COS_VALIDITY_MONTHS = 3
CAS_VALIDITY_MONTHS = 6
MAX_MONTHS_BEFORE_START = 3
DEFINED_COS_ASSIGN_WITHIN_MONTHS = 3
# The Immigration Skills Charge applies to these routes (not Temporary Workers, students or the
# other Global Business Mobility routes).
SKILLS_CHARGE_ROUTES = frozenset({"skilled_worker", "gbm_senior_specialist"})


def allocation_year_start(day: date) -> date:
    """The 6 April that starts the allocation year containing ``day`` (years run 6 April to 5 April)."""
    month, start_day = ALLOCATION_YEAR_START
    this_year = date(day.year, month, start_day)
    return this_year if day >= this_year else date(day.year - 1, month, start_day)


def allocation_year_label(year_start: date) -> str:
    return f"6 April {year_start.year} to 5 April {year_start.year + 1}"


def certificate_expiry(*, is_cas: bool, assigned_on: date) -> date:
    """A CoS must be used within 3 months of assignment, a CAS within 6, or it expires."""
    return assigned_on + relativedelta(months=CAS_VALIDITY_MONTHS if is_cas else COS_VALIDITY_MONTHS)


def sponsorship_periods(start: date, end: date) -> tuple[int, int]:
    """(first years, further half years) the Immigration Skills Charge is due for.

    The first 12 months are charged at the full rate (a period of 6 months or less counts as one
    half year); each further started 6 months is charged at the half rate.
    """
    if end < start:
        raise ValueError("end before start")
    months = (end.year - start.year) * 12 + (end.month - start.month) + (1 if end.day >= start.day else 0)
    months = max(months, 1)
    if months <= 6:
        return 0, 1
    full_years, rest = divmod(months, 12)
    half_years = -(-rest // 6)  # started 6-month blocks after the whole years
    return full_years, half_years


def skills_charge(*, start: date, end: date, first_year_pence: int, half_year_pence: int) -> int:
    """The Immigration Skills Charge for sponsorship from ``start`` to ``end``."""
    years, halves = sponsorship_periods(start, end)
    if years == 0:
        return halves * half_year_pence
    return first_year_pence + (years - 1) * 2 * half_year_pence + halves * half_year_pence


@dataclass(frozen=True)
class AssignmentContext:
    """What the assignment rules need to know, read from the database by the service."""

    today: date
    licence_status: str
    route_rating: str | None  # None when the licence does not hold the route
    occupation: object | None  # has rqf_level, going_rate_pence, national_pay_scale, eligible_routes, title
    general_threshold_pence: int | None
    minimum_rqf_level: int | None


@dataclass
class Problem:
    field: str
    message: str


@dataclass
class AssignmentCheck:
    problems: list[Problem] = field(default_factory=list)

    def add(self, field_name: str, message: str) -> None:
        self.problems.append(Problem(field_name, message))

    @property
    def ok(self) -> bool:
        return not self.problems


REQUIRED_COS_FIELDS = {
    "family_name": "Enter the worker's family name",
    "given_names": "Enter the worker's given names",
    "nationality": "Enter the worker's nationality",
    "date_of_birth": "Enter the worker's date of birth",
    "passport_number": "Enter the worker's passport number",
    "route": "Select the route",
    "job_title": "Enter the job title",
    "soc_code": "Enter the SOC 2020 occupation code",
    "job_summary": "Enter a summary of the job",
    "salary_pence": "Enter the gross annual salary",
    "weekly_hours": "Enter the weekly working hours",
    "start_date": "Enter the start date",
    "end_date": "Enter the end date",
    "work_address": "Enter the main work address",
}
REQUIRED_CAS_FIELDS = {
    key: message.replace("worker", "student").replace("job title", "course title")
    for key, message in REQUIRED_COS_FIELDS.items()
    if key not in {"soc_code", "job_summary", "salary_pence", "weekly_hours"}
}


def check_assignment(certificate, context: AssignmentContext) -> AssignmentCheck:
    """Every rule a certificate must pass before it is assigned; each failure names its rule and figure."""
    check = AssignmentCheck()
    is_cas = certificate.kind == "cas"
    required = REQUIRED_CAS_FIELDS if is_cas else REQUIRED_COS_FIELDS
    for name, message in required.items():
        if getattr(certificate, name) in (None, ""):
            check.add(name, message)

    if context.licence_status == "suspended":
        check.add("route", "The licence is suspended: no certificates can be assigned until it is reinstated")
    elif context.licence_status != "active":
        check.add("route", "The licence is not active: certificates cannot be assigned")
    if certificate.route:
        if context.route_rating is None:
            check.add("route", "The licence does not hold this route")
        elif context.route_rating == "b" and not certificate.is_extension:
            check.add("route", "The route is B-rated: certificates can only be assigned to extend existing workers")

    if certificate.start_date and certificate.end_date and certificate.end_date < certificate.start_date:
        check.add("end_date", "The end date must be after the start date")
    if certificate.start_date:
        latest = context.today + relativedelta(months=MAX_MONTHS_BEFORE_START)
        if certificate.start_date > latest:
            check.add(
                "start_date",
                f"A certificate can be assigned at most 3 months before the start date ({latest:%-d %B %Y})",
            )

    if not is_cas and certificate.soc_code and certificate.route:
        _check_occupation_and_salary(certificate, context, check)
    return check


def _check_occupation_and_salary(certificate, context: AssignmentContext, check: AssignmentCheck) -> None:
    occupation = context.occupation
    if occupation is None:
        check.add("soc_code", f"{certificate.soc_code} is not a SOC 2020 occupation code we know")
        return
    if certificate.route not in occupation.eligible_routes:
        check.add("soc_code", f"{occupation.code} {occupation.title} cannot be sponsored on this route")
        return
    new_sponsorship = not certificate.is_extension
    if new_sponsorship and context.minimum_rqf_level and occupation.rqf_level < context.minimum_rqf_level:
        check.add(
            "soc_code",
            f"New sponsorships need an occupation at RQF level {context.minimum_rqf_level} or above: "
            f"{occupation.code} {occupation.title} is RQF level {occupation.rqf_level}",
        )
    if certificate.salary_pence is None:
        return
    required, reason = required_salary(occupation, context.general_threshold_pence)
    if certificate.salary_pence < required:
        check.add("salary_pence", f"Salary must be at least {format_pounds(required)} for this occupation ({reason})")


def required_salary(occupation, general_threshold_pence: int | None) -> tuple[int, str]:
    """The minimum salary: the higher of the general threshold and the going rate (domain.md section 3).

    Occupations on national pay scales are held to the scale's figure, not the general threshold.
    """
    going_rate = occupation.going_rate_pence
    if occupation.national_pay_scale or not general_threshold_pence:
        return going_rate, "the national pay scale rate" if occupation.national_pay_scale else "the going rate"
    if general_threshold_pence >= going_rate:
        return general_threshold_pence, "the general salary threshold"
    return going_rate, "the going rate for the occupation"
