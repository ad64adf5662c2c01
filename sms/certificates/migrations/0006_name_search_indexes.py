from django.db import migrations

from sms.core.pg_indexes import create_indexes, upper_prefix

# The certificate search: family or given names starting with the term, any case.
name_search = create_indexes(
    {
        "certificate_sponsor_upper_family": upper_prefix("certificates_certificate", "family_name"),
        "certificate_sponsor_upper_given": upper_prefix("certificates_certificate", "given_names"),
    }
)


class Migration(migrations.Migration):
    dependencies = [("certificates", "0005_allocation_request_priority_payment")]

    operations = [migrations.RunPython(*name_search)]
