from django.apps import AppConfig


class RightToWorkConfig(AppConfig):
    """Right-to-work checks with their follow-up dates, workers' compliance files, and training records."""

    name = "sms.righttowork"
    label = "righttowork"
    verbose_name = "Right to work and training"

    def ready(self):
        from sms.reporting.signals import permission_dates_changed
        from sms.righttowork.services import follow_ups_recompute

        # Reporting changes a worker's permission dates; the follow-up date of their current check
        # moves with them, in the same transaction.
        permission_dates_changed.connect(
            lambda sender, person, actor=None, **kwargs: follow_ups_recompute(person=person, actor=actor),
            weak=False,
            dispatch_uid="righttowork.follow_ups_recompute",
        )
