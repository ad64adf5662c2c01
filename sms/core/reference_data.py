"""Reference data every installation starts with, loaded after every migrate and every flush (a
post_migrate receiver, so a test that empties the database gets it back).

Sponsor licence application and renewal fees (Home Office fees regulations): small or charitable
sponsors GBP 536 and others GBP 1,476 until 8 April 2025; from 9 April 2025 GBP 574 and GBP 1,579.
Administrators add later figures as FeeRate rows.
"""

from datetime import date

from sms.core.models import FeeRate

LICENCE_FEES = [
    ("small", 53600, date(2017, 4, 6)),
    ("large", 147600, date(2017, 4, 6)),
    ("small", 57400, date(2025, 4, 9)),
    ("large", 157900, date(2025, 4, 9)),
]
LICENCE_FEES_SOURCE = "Immigration and nationality fees: sponsor licence fees"


def load_licence_fees(fee_rate_model) -> None:
    """Create or correct the licence fee rows (idempotent). Takes the model so migrations can pass
    their historical version."""
    for kind in ("licence_application", "licence_renewal"):
        for size, pence, start in LICENCE_FEES:
            fee_rate_model.objects.update_or_create(
                kind=kind,
                sponsor_size=size,
                effective_from=start,
                defaults={"amount_pence": pence, "source": LICENCE_FEES_SOURCE},
            )


def reference_data_load(**kwargs) -> None:
    """post_migrate receiver (connected in CoreConfig.ready)."""
    load_licence_fees(FeeRate)
