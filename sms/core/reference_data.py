"""Reference data every installation starts with, loaded after every migrate and every flush (a
post_migrate receiver, so a test that empties the database gets it back).

Sponsor licence application fees (Home Office fees regulations, "UK visa sponsorship for employers:
fees"), by type of licence:

- Worker licence, with or without Temporary Worker routes: small or charitable sponsors GBP 536 and
  medium or large GBP 1,476 until 8 April 2025; from 9 April 2025 GBP 574 and GBP 1,579.
- Temporary Worker licence only: GBP 536, then GBP 574 from 9 April 2025, whatever the size.
- Student licence only (Student, Child Student): GBP 536, then GBP 574 from 9 April 2025, whatever
  the size.

Licence renewal: GBP 536 / GBP 1,476, then GBP 574 / GBP 1,579 from 9 April 2025, by size.
Action plan fee (after a downgrade to B): GBP 1,476, then GBP 1,579 from 9 April 2025, any size.
Administrators add later figures as FeeRate rows.

Policy periods: the cooling-off period before an organisation whose licence was revoked may apply
again (12 months), and an action plan's duration (3 months). Later figures are PolicyPeriod rows.
"""

from datetime import date

from sms.core.models import FeeRate, PolicyPeriod

BEFORE_2025, FROM_9_APRIL_2025 = date(2017, 4, 6), date(2025, 4, 9)
LICENCE_FEES = [
    # (kind, sponsor size or "" for any size, pence, effective from)
    ("licence_application", "small", 53600, BEFORE_2025),
    ("licence_application", "large", 147600, BEFORE_2025),
    ("licence_application", "small", 57400, FROM_9_APRIL_2025),
    ("licence_application", "large", 157900, FROM_9_APRIL_2025),
    ("licence_application_temporary_worker", "", 53600, BEFORE_2025),
    ("licence_application_temporary_worker", "", 57400, FROM_9_APRIL_2025),
    ("licence_application_student", "", 53600, BEFORE_2025),
    ("licence_application_student", "", 57400, FROM_9_APRIL_2025),
    ("licence_renewal", "small", 53600, BEFORE_2025),
    ("licence_renewal", "large", 147600, BEFORE_2025),
    ("licence_renewal", "small", 57400, FROM_9_APRIL_2025),
    ("licence_renewal", "large", 157900, FROM_9_APRIL_2025),
    ("action_plan", "", 147600, BEFORE_2025),
    ("action_plan", "", 157900, FROM_9_APRIL_2025),
]
LICENCE_FEES_SOURCE = "Immigration and nationality fees: sponsor licence fees"


def load_licence_fees(fee_rate_model) -> None:
    """Create or correct the licence fee rows (idempotent). Takes the model so migrations can pass
    their historical version."""
    for kind, size, pence, start in LICENCE_FEES:
        fee_rate_model.objects.update_or_create(
            kind=kind,
            sponsor_size=size,
            effective_from=start,
            defaults={"amount_pence": pence, "source": LICENCE_FEES_SOURCE},
        )


POLICY_PERIODS = [
    # (kind, months, effective from)
    ("revocation_cooling_off", 12, BEFORE_2025),
    ("action_plan_duration", 3, BEFORE_2025),
]
POLICY_PERIODS_SOURCE = "Workers and Temporary Workers: guidance for sponsors, Part 3 (compliance)"


def load_policy_periods(policy_period_model) -> None:
    """Create or correct the policy period rows (idempotent)."""
    for kind, months, start in POLICY_PERIODS:
        policy_period_model.objects.update_or_create(
            kind=kind, effective_from=start, defaults={"months": months, "source": POLICY_PERIODS_SOURCE}
        )


def reference_data_load(**kwargs) -> None:
    """post_migrate receiver (connected in CoreConfig.ready)."""
    load_licence_fees(FeeRate)
    load_policy_periods(PolicyPeriod)
