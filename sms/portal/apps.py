from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The top layer: what spans apps (home pages, navigation, the daily sweep, demo data, decisions
    that touch several apps such as granting a licence application)."""

    name = "sms.portal"
    label = "portal"
