"""Pure rules for allocations and certificates: no database, tested on their own (domain.md 3 and 4)."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

from sms.core.fees import format_pounds
from sms.core.limits import DATE_RANGE, MAX_WEEKLY_HOURS, date_in_range

ALLOCATION_YEAR_START = (4, 6)  # 6 April
COS_VALIDITY_MONTHS = 3
CAS_VALIDITY_MONTHS = 6
# How long before the start date a certificate may be assigned: a CoS 3 months, a CAS 6 months before
# the course starts (domain.md section 3).
COS_ASSIGN_MONTHS_BEFORE_START = 3
CAS_ASSIGN_MONTHS_BEFORE_START = 6
DEFINED_COS_ASSIGN_WITHIN_MONTHS = 3
# The Immigration Skills Charge applies to these routes (not Temporary Workers, students or the
# other Global Business Mobility routes).
SKILLS_CHARGE_ROUTES = frozenset({"skilled_worker", "gbm_senior_specialist"})
# Occupations exempt from the Immigration Skills Charge (PhD-level occupations, domain.md section 3).
SKILLS_CHARGE_EXEMPT_CODES = frozenset({"2111", "2112", "2113", "2114", "2115", "2119", "2161", "2162", "2311"})
SKILLS_CHARGE_MINIMUM_MONTHS = 6
# An International Sportsperson CoS for this many months or less costs the Temporary Worker CoS fee.
SPORTSPERSON_SHORT_MONTHS = 12
SKILLED_WORKER = "skilled_worker"
WEEKS_PER_YEAR = 52
# Weekly working hours are more than 0 and at most the 168 hours of a week (the 48-hour cap on counted
# hours is not modelled). The form, these rules, the model's validators and a check constraint agree.
WEEKLY_HOURS_MESSAGE = f"Weekly working hours must be more than 0 and no more than {MAX_WEEKLY_HOURS}"


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


def skills_charge_exemption(*, soc_code: str, switching_from_student: bool, start: date, end: date) -> str:
    """Why no Immigration Skills Charge is due, or "" when it is (domain.md section 3): the exempt
    occupation codes, a switch from the Student route, and stays under 6 months."""
    if soc_code in SKILLS_CHARGE_EXEMPT_CODES:
        return f"Occupation {soc_code} is exempt from the Immigration Skills Charge"
    if switching_from_student:
        return "Applicants switching from the Student route are exempt from the Immigration Skills Charge"
    if end < start + relativedelta(months=SKILLS_CHARGE_MINIMUM_MONTHS) - timedelta(days=1):
        return "Stays under 6 months are exempt from the Immigration Skills Charge"
    return ""


def sportsperson_short_stay(*, start: date | None, end: date | None) -> bool:
    """An International Sportsperson certificate of 12 months or less (start and end dates inclusive)."""
    if not (start and end):
        return False
    return end <= start + relativedelta(months=SPORTSPERSON_SHORT_MONTHS) - timedelta(days=1)


def assign_months_before_start(*, is_cas: bool) -> int:
    """A CoS may be assigned up to 3 months before the start date, a CAS up to 6 months before the course."""
    return CAS_ASSIGN_MONTHS_BEFORE_START if is_cas else COS_ASSIGN_MONTHS_BEFORE_START


@dataclass(frozen=True)
class AssignmentContext:
    """What the assignment rules need to know, read from the database by the service."""

    today: date
    licence_status: str
    route_rating: str | None  # None when the licence does not hold the route
    occupation: object | None  # an Occupation of the publication in force
    threshold: object | None  # the route's SalaryThreshold in force (None: the route has no salary rule)
    hours_basis: Decimal = Decimal("37.5")  # the publication's weekly hours for its annual rates


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

    hours_possible = weekly_hours_possible(certificate.weekly_hours)
    if not hours_possible:
        check.add("weekly_hours", WEEKLY_HOURS_MESSAGE)

    if context.licence_status == "suspended":
        check.add("route", "The licence is suspended: no certificates can be assigned until it is reinstated")
    elif context.licence_status != "active":
        check.add("route", "The licence is not active: certificates cannot be assigned")
    if certificate.route:
        if context.route_rating is None:
            check.add("route", "The licence does not hold this route")
        elif context.route_rating == "b" and not certificate.is_extension:
            check.add("route", "The route is B-rated: certificates can only be assigned to extend existing workers")

    far = [name for name in ("start_date", "end_date") if not date_in_range(getattr(certificate, name))]
    for name in far:
        check.add(name, f"The {name.replace('_', ' ')} must be between {DATE_RANGE}")
    if far:
        return check  # the rules below count months from these dates
    if certificate.start_date and certificate.end_date and certificate.end_date < certificate.start_date:
        check.add("end_date", "The end date must be after the start date")
    if certificate.start_date:
        months = assign_months_before_start(is_cas=is_cas)
        latest = context.today + relativedelta(months=months)
        if certificate.start_date > latest:
            what = (
                "A CAS can be assigned at most 6 months before the course starts"
                if is_cas
                else (f"A certificate can be assigned at most {months} months before the start date")
            )
            check.add("start_date", f"{what} ({latest:%-d %B %Y})")

    if not is_cas and certificate.soc_code and certificate.route and hours_possible:
        _check_occupation_and_salary(certificate, context, check)
    return check


def weekly_hours_possible(hours) -> bool:
    """Empty, or more than 0 and no more than a week's hours (a finite number)."""
    if hours is None:
        return True
    hours = Decimal(str(hours))
    return hours.is_finite() and 0 < hours <= MAX_WEEKLY_HOURS


def _check_occupation_and_salary(certificate, context: AssignmentContext, check: AssignmentCheck) -> None:
    occupation, threshold = context.occupation, context.threshold
    option = getattr(certificate, "salary_option", "") or STANDARD
    if occupation is None:
        check.add("soc_code", f"{certificate.soc_code} is not a SOC 2020 occupation code we know")
        return
    if threshold is None:
        # Routes without a salary rule take any SOC 2020 occupation, and have no salary options.
        if option != STANDARD:
            check.add("salary_option", "The discounted salary options are for the Skilled Worker route only")
        return
    if occupation.skill_level == "ineligible":
        check.add("soc_code", f"{occupation.code} {occupation.title} cannot be sponsored on this route")
        return
    new_sponsorship = not certificate.is_extension
    if new_sponsorship and occupation.extension_only:
        check.add(
            "soc_code",
            f"{occupation.code} {occupation.title} is open only to workers extending their stay in the same occupation",
        )
        return
    shortage_exception = certificate.route == SKILLED_WORKER and occupation.on_shortage_list
    if new_sponsorship and occupation.rqf_level < threshold.minimum_rqf_level and not shortage_exception:
        check.add(
            "soc_code",
            f"New sponsorships need an occupation at RQF level {threshold.minimum_rqf_level} or above"
            + (
                ", or one on the Temporary Shortage List or the Immigration Salary List"
                if (certificate.route == SKILLED_WORKER)
                else ""
            )
            + f": {occupation.code} {occupation.title} is {occupation.get_skill_level_display()}",
        )
    if certificate.salary_pence is None or not certificate.weekly_hours:
        return
    hours = Decimal(str(certificate.weekly_hours))
    required, problem = required_salary(
        occupation=occupation,
        threshold=threshold,
        option=option,
        weekly_hours=hours,
        hours_basis=context.hours_basis,
        extension=certificate.is_extension,
    )
    if problem:
        check.add("salary_option", problem)
    elif required and certificate.salary_pence < required.pence:
        check.add(
            "salary_pence",
            f"Salary must be at least {format_pounds(required.pence)} for this occupation ({required.rule})",
        )
    elif threshold.hourly_floor_pence and not occupation.national_pay_scale:
        hourly = hourly_rate_pence(certificate.salary_pence, hours)
        if hourly < threshold.hourly_floor_pence:
            check.add(
                "salary_pence",
                f"Salary must be at least {format_pounds(threshold.hourly_floor_pence)} an hour (the hourly "
                f"minimum): {format_pounds(certificate.salary_pence)} a year for {_hours(hours)} hours a week is "
                f"{format_pounds(hourly)} an hour",
            )


STANDARD = "standard"
NEW_ENTRANT_SHARE = Decimal("0.7")  # of the going rate, when a publication gives no new entrant rate


@dataclass(frozen=True)
class SalaryFigure:
    """A minimum salary in pence and the rule it comes from, as the failure message names it."""

    pence: int
    rule: str


def pro_rata(annual_pence: int, weekly_hours: Decimal, hours_basis: Decimal) -> int:
    """A published annual rate (for ``hours_basis`` hours a week) for the actual weekly hours, rounded up."""
    return int((Decimal(annual_pence) * weekly_hours / hours_basis).to_integral_value(rounding=ROUND_CEILING))


def hourly_rate_pence(salary_pence: int, weekly_hours: Decimal) -> int:
    """The hourly rate of an annual salary for the actual weekly hours, to the nearest penny."""
    return int((Decimal(salary_pence) / (weekly_hours * WEEKS_PER_YEAR)).to_integral_value(rounding=ROUND_HALF_UP))


def _hours(hours: Decimal) -> str:
    return f"{hours.normalize():f}"


def _rate(code: str, name: str, annual: int, hours: Decimal, basis: Decimal) -> SalaryFigure:
    rule = f"the {name} for {code}"
    if hours != basis:
        rule += f", pro rata to {_hours(hours)} hours a week ({format_pounds(annual)} for {_hours(basis)} hours)"
    return SalaryFigure(pro_rata(annual, hours, basis), rule)


def required_salary(
    *, occupation, threshold, option: str, weekly_hours: Decimal, hours_basis: Decimal, extension: bool = False
) -> tuple[SalaryFigure | None, str]:
    """The minimum annual salary for the occupation, route threshold and salary option, or why the option
    cannot be used (domain.md section 3).

    The higher of the option's threshold (annual, never pro-rated) and the occupation's rate for the
    option pro rata to the weekly hours: standard, the general threshold and the going rate; new entrant,
    the discounted floor and the new entrant rate (70% of the going rate); PhD in a STEM subject, the
    discounted floor and the PhD STEM rate (80%); other relevant PhD, the PhD floor and the PhD rate (90%);
    Immigration Salary List, the discounted floor and the list's rate. National pay scale occupations
    (healthcare and education) are held to the national pay scale floor whatever the option.
    """
    code = occupation.code
    if occupation.national_pay_scale and threshold.national_pay_scale_floor_pence:
        return SalaryFigure(
            threshold.national_pay_scale_floor_pence,
            f"the national pay scale floor: {code} is paid on national pay scales, and the scale's rate for the "
            "job also applies",
        ), ""
    going = occupation.going_rate_pence
    going_name = "going rate"
    if going is None and extension and occupation.lower_going_rate_pence:
        going, going_name = occupation.lower_going_rate_pence, "lower going rate"
    if option != STANDARD and threshold.discounted_floor_pence is None:
        return None, "The discounted salary options are for the Skilled Worker route only"
    if option == STANDARD:
        figures = [SalaryFigure(threshold.general_threshold_pence, "the general salary threshold")]
        if going is not None:
            figures.append(_rate(code, going_name, going, weekly_hours, hours_basis))
        return max(figures, key=lambda figure: figure.pence), ""
    floor = SalaryFigure(threshold.discounted_floor_pence, "the salary floor for the discounted options")
    if option == "new_entrant":
        rate = occupation.new_entrant_rate_pence or (going and int(going * NEW_ENTRANT_SHARE))
        name = "new entrant rate"
    elif option == "phd_stem":
        rate, name = occupation.phd_stem_rate_pence, "PhD (STEM) rate"
        if rate is None:
            return None, f"{code} {occupation.title} does not qualify for the PhD salary discount"
    elif option == "phd_non_stem":
        rate, name = occupation.phd_non_stem_rate_pence, "PhD rate"
        floor = SalaryFigure(threshold.phd_non_stem_floor_pence, "the salary floor for a PhD not in a STEM subject")
        if rate is None:
            return None, f"{code} {occupation.title} does not qualify for the PhD salary discount"
    elif option == "immigration_salary_list":
        rate, name = occupation.immigration_salary_list_rate_pence, "Immigration Salary List rate"
        if not occupation.immigration_salary_list or rate is None:
            return None, f"{code} {occupation.title} is not on the Immigration Salary List"
    else:
        return None, "Select a salary option from the list"
    figures = [floor]
    if rate:
        figures.append(_rate(code, name, rate, weekly_hours, hours_basis))
    return max(figures, key=lambda figure: figure.pence), ""
