"""The sponsor (the tenant). Licences, routes and ratings arrive with the licensing capability."""

from django.db import models

from sms.core.models import TimeStampedModel


class Sponsor(TimeStampedModel):
    """An organisation that holds (or applies for) a sponsor licence: the tenant of the system.

    Everything a sponsor owns carries a foreign key to it, and no sponsor user may see another
    sponsor's data (domain.md section 1).
    """

    name = models.CharField(max_length=255)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
