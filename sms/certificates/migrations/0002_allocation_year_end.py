from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.db import migrations, models


def fill_year_end(apps, schema_editor):
    """Rows made before allocation years had an end ran 12 months from their start."""
    Allocation = apps.get_model("certificates", "Allocation")
    for allocation in Allocation.objects.filter(year_end__isnull=True):
        allocation.year_end = allocation.year_start + relativedelta(years=1) - timedelta(days=1)
        allocation.save(update_fields=["year_end"])


class Migration(migrations.Migration):
    dependencies = [("certificates", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="allocation",
            name="year_start",
            field=models.DateField(help_text="First day of the allocation year"),
        ),
        migrations.AddField(model_name="allocation", name="year_end", field=models.DateField(null=True)),
        migrations.RunPython(fill_year_end, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="allocation",
            name="year_end",
            field=models.DateField(help_text="Last day of the allocation year: unused certificates lapse after it"),
        ),
    ]
