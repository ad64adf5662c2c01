"""Status changes checked against a lifecycle's transition table.

Each lifecycle model has ``Status`` (TextChoices) and ``TRANSITIONS`` (status -> allowed next
statuses) side by side; services call ``transition`` on a row they have locked, and nothing else
changes a status.
"""

from django.db import models

from sms.core.exceptions import IllegalTransition
from sms.core.signals import status_changed


def allowed(obj: models.Model, to_status: str, *, only_from: set[str] | None = None) -> bool:
    """Whether the table allows moving ``obj`` from its status to ``to_status``: what views and templates
    ask before offering an action (withdraw, decide, cancel...)."""
    return to_status in obj.TRANSITIONS.get(obj.status, set()) and (only_from is None or obj.status in only_from)


def check_transition(obj: models.Model, to_status: str, *, only_from: set[str] | None = None) -> None:
    """Raise IllegalTransition unless the table allows moving ``obj`` from its status to ``to_status``.

    ``only_from`` narrows the sources for one verb where the table has two verbs reaching the same
    status (submitting a draft and replying to a request both lead to "submitted").
    """
    if not allowed(obj, to_status, only_from=only_from):
        labels = dict(obj.Status.choices)
        noun = obj._meta.verbose_name
        if obj.status == to_status:  # the same button pressed twice
            raise IllegalTransition(f"This {noun} is already {labels[to_status].lower()}")
        raise IllegalTransition(
            f"A {noun} that is {labels[obj.status].lower()} cannot become {labels[to_status].lower()}"
        )


def transition(
    obj: models.Model, to_status: str, *, extra_fields: tuple[str, ...] = (), only_from: set[str] | None = None
) -> str:
    """Check and apply a status change, saving the status (and ``extra_fields``); returns the old status."""
    check_transition(obj, to_status, only_from=only_from)
    previous = obj.status
    obj.status = to_status
    fields = ["status", *extra_fields]
    if hasattr(obj, "updated_at"):
        fields.append("updated_at")
    obj.save(update_fields=fields)
    # In the caller's transaction: what reacts (a webhook event) is written, or rolled back, with it.
    sponsor_id = getattr(obj, "sponsor_id", None)
    status_changed.send(
        sender=type(obj),
        pks=[obj.pk],
        previous=previous,
        status=to_status,
        sponsor_ids={sponsor_id} if sponsor_id is not None else None,
    )
    return previous


def lock(model: type[models.Model], pk) -> models.Model:
    """Fetch a row for update, so two people cannot change its status at once."""
    return model.objects.select_for_update().get(pk=pk)


def sources_of(model: type[models.Model], to_status: str) -> list[str]:
    """Every status the table allows a move to ``to_status`` from: for set-based sweeps, which
    update many rows at once and must still obey the table."""
    return [status for status, targets in model.TRANSITIONS.items() if to_status in targets]
