"""Sponsor licence application and renewal fees, effective-dated (see sms.core.reference_data)."""

from django.db import migrations

from sms.core.reference_data import LICENCE_FEES_SOURCE, load_licence_fees


def add_fees(apps, schema_editor):
    load_licence_fees(apps.get_model("core", "FeeRate"))


def remove_fees(apps, schema_editor):
    apps.get_model("core", "FeeRate").objects.filter(source=LICENCE_FEES_SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(add_fees, remove_fees)]
