"""Sponsor licence application and renewal fees, effective-dated (Home Office fees regulations).

Small or charitable sponsors GBP 536 and others GBP 1,476 until 8 April 2025; from 9 April 2025
GBP 574 and GBP 1,579. Administrators add later figures as FeeRate rows.
"""

from datetime import date

from django.db import migrations

FIGURES = [
    ("small", 53600, date(2017, 4, 6)),
    ("large", 147600, date(2017, 4, 6)),
    ("small", 57400, date(2025, 4, 9)),
    ("large", 157900, date(2025, 4, 9)),
]
SOURCE = "Immigration and nationality fees: sponsor licence fees"


def add_fees(apps, schema_editor):
    FeeRate = apps.get_model("core", "FeeRate")
    for kind in ("licence_application", "licence_renewal"):
        for size, pence, start in FIGURES:
            FeeRate.objects.update_or_create(
                kind=kind, sponsor_size=size, effective_from=start, defaults={"amount_pence": pence, "source": SOURCE}
            )


def remove_fees(apps, schema_editor):
    apps.get_model("core", "FeeRate").objects.filter(source=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(add_fees, remove_fees)]
