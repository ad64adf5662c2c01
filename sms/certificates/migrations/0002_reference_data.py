"""SOC 2020 occupations, Skilled Worker thresholds and sponsorship fees (see reference_data)."""

from django.db import migrations

from sms.certificates.reference_data import FEES_SOURCE, load_certificate_reference_data

ROUTES = {
    "skilled_worker", "gbm_senior_specialist", "gbm_graduate_trainee", "gbm_secondment", "gbm_service_supplier",
    "gbm_uk_expansion", "scale_up", "minister_of_religion", "international_sportsperson", "charity_worker",
    "creative_worker", "government_authorised_exchange", "international_agreement", "religious_worker",
    "seasonal_worker", "student", "child_student",
}


def load(apps, schema_editor):
    load_certificate_reference_data(
        apps.get_model("certificates", "Occupation"),
        apps.get_model("certificates", "SalaryThreshold"),
        apps.get_model("core", "FeeRate"),
        ROUTES,
    )


def unload(apps, schema_editor):
    apps.get_model("certificates", "Occupation").objects.all().delete()
    apps.get_model("certificates", "SalaryThreshold").objects.all().delete()
    apps.get_model("core", "FeeRate").objects.filter(source=FEES_SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("certificates", "0001_initial"), ("core", "0003_alter_feerate_kind")]
    operations = [migrations.RunPython(load, unload)]
