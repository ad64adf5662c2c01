"""The service levels every installation starts with (loaded after every migrate and flush).

Working days the Home Office aims to take, as published in the sponsor guidance and GOV.UK service
standards: a licence application or renewal usually within 8 weeks (40 working days); a change of
circumstances (a variation, an additional Level 1 user, an allocation request without the priority
service) within 18 weeks (90 working days); a priority allocation request within 5 working days;
a defined CoS request normally within 1 working day. Reports received have no published standard:
the Home Office reviews them within 20 working days (docs/decisions.md, Casework).
"""

from datetime import date

from sms.casework.models import ServiceLevel

SINCE = date(2017, 4, 6)
SOURCE = "UK visa sponsorship for employers: service standards"
SERVICE_LEVELS = [
    (ServiceLevel.Kind.APPLICATION, 40),
    (ServiceLevel.Kind.RENEWAL, 40),
    (ServiceLevel.Kind.VARIATION, 90),
    (ServiceLevel.Kind.ADDITIONAL_LEVEL_1, 90),
    (ServiceLevel.Kind.ALLOCATION, 90),
    (ServiceLevel.Kind.ALLOCATION_PRIORITY, 5),
    (ServiceLevel.Kind.DEFINED_COS, 1),
    (ServiceLevel.Kind.REPORT, 20),
    # The sponsor has 20 working days to make representations; the decision follows within as many.
    (ServiceLevel.Kind.REPRESENTATION, 20),
]


def reference_data_load(**kwargs) -> None:
    """post_migrate receiver: create the first service levels where missing (idempotent; an
    administrator's later rows are left alone)."""
    for kind, days in SERVICE_LEVELS:
        ServiceLevel.objects.get_or_create(
            kind=kind, effective_from=SINCE, defaults={"working_days": days, "source": SOURCE}
        )
