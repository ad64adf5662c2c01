from django.apps import AppConfig


class ReferenceDataConfig(AppConfig):
    """Reference data administrators maintain without a release: fees, thresholds, occupations, staff."""

    name = "sms.referencedata"
    label = "referencedata"
