"""Keyset ("seek") pagination over a time-ordered list, newest first: fast at any depth.

A page is found from the (time, id) of the row next to it, never by counting rows (COUNT(*)) or
skipping them (OFFSET): an index on the filter's columns followed by (time DESC, id DESC) answers
page 1 and page 10,000 with the same few index entries. The links say "Newer" and "Older"; the
position in the query string is the edge row's time in microseconds and its id ("1767225600000000-42").
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Q, QuerySet

PARAMETERS = ("older", "newer")
_CURSOR = re.compile(r"^(\d{1,18})-(\d{1,18})$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class KeysetPage:
    """One page of rows, and where the pages next to it start (None when there are none)."""

    object_list: list
    newer: str | None
    older: str | None

    @property
    def has_other_pages(self) -> bool:
        return bool(self.newer or self.older)


def cursor_of(moment: datetime, row_id: int) -> str:
    return f"{(moment - _EPOCH) // timedelta(microseconds=1)}-{row_id}"


def parse_cursor(value: str | None) -> tuple[datetime, int] | None:
    """A cursor from the query string, or None if it is missing or not one of ours (page 1 then)."""
    match = _CURSOR.match(value or "")
    if not match:
        return None
    try:
        moment = _EPOCH + timedelta(microseconds=int(match[1]))
    except OverflowError:
        return None
    return moment, int(match[2])


def keyset_page(queryset: QuerySet, params, *, size: int, time_field: str = "occurred_at") -> KeysetPage:
    """The page of `queryset` (any order it had is replaced) that `params` (the query string) points to.

    ``older=<cursor>``: the `size` rows just before that row; ``newer=<cursor>``: the `size` rows
    just after it, still shown newest first; neither: the newest rows. One query, whatever the depth.
    """
    newest_first = (f"-{time_field}", "-id")
    older, newer = parse_cursor(params.get("older")), parse_cursor(params.get("newer"))
    if newer is not None:
        moment, row_id = newer
        # "time >= t" is the range an index can seek to; the OR then settles ties on the time.
        after = Q(**{f"{time_field}__gt": moment}) | Q(**{time_field: moment, "id__gt": row_id})
        rows = list(
            queryset.filter(Q(**{f"{time_field}__gte": moment}) & after).order_by(time_field, "id")[: size + 1]
        )
        has_newer = len(rows) > size
        rows = rows[:size][::-1]
        has_older = bool(rows)
    else:
        if older is not None:
            moment, row_id = older
            before = Q(**{f"{time_field}__lt": moment}) | Q(**{time_field: moment, "id__lt": row_id})
            queryset_page = queryset.filter(Q(**{f"{time_field}__lte": moment}) & before)
        else:
            queryset_page = queryset
        rows = list(queryset_page.order_by(*newest_first)[: size + 1])
        has_older = len(rows) > size
        rows = rows[:size]
        # An "older" page was reached from a newer row: there is always something to go back to.
        has_newer = older is not None
    if not rows:
        # Past the end (a stale or hand-made link): "Newer" starts from the row asked for, inclusive.
        return KeysetPage(object_list=[], newer=_including(older) if has_newer else None, older=None)
    first, last = rows[0], rows[-1]
    return KeysetPage(
        object_list=rows,
        newer=cursor_of(getattr(first, time_field), first.pk) if has_newer else None,
        older=cursor_of(getattr(last, time_field), last.pk) if has_older else None,
    )


def _including(position: tuple[datetime, int] | None) -> str | None:
    """A cursor whose "newer" page starts with the row at `position` itself."""
    return cursor_of(position[0], position[1] - 1) if position is not None else None


_ROW_ID = re.compile(r"^\d{1,18}$")


def ordered_page(queryset: QuerySet, params, *, size: int, field: str) -> KeysetPage:
    """Keyset pages over a list in ascending (`field`, id) order, such as sponsors by name: the same
    few index entries for the first page and the last, never COUNT(*) or OFFSET.

    The position is a row's id: ``older=<id>`` is the page after that row and ``newer=<id>`` the page
    before it (the names the pagination include shares with the time-ordered lists). A position that
    is not a row (a stale or hand-made link) shows the first page.
    """
    forward, backward = (params.get(name, "") for name in ("older", "newer"))
    cursor = forward or backward
    anchor = None
    if _ROW_ID.match(cursor):
        anchor = queryset.model._default_manager.filter(pk=int(cursor)).values_list(field, flat=True).first()
    if anchor is None:
        rows = list(queryset.order_by(field, "id")[: size + 1])
        has_before, has_after = False, len(rows) > size
        rows = rows[:size]
    elif forward:
        # "field >= anchor" is the range an index can seek to; the OR then settles ties on the id.
        after = Q(**{f"{field}__gt": anchor}) | Q(**{field: anchor, "id__gt": int(cursor)})
        rows = list(queryset.filter(Q(**{f"{field}__gte": anchor}) & after).order_by(field, "id")[: size + 1])
        has_before, has_after = True, len(rows) > size
        rows = rows[:size]
    else:
        before = Q(**{f"{field}__lt": anchor}) | Q(**{field: anchor, "id__lt": int(cursor)})
        rows = list(
            queryset.filter(Q(**{f"{field}__lte": anchor}) & before).order_by(f"-{field}", "-id")[: size + 1]
        )
        has_before, has_after = len(rows) > size, True
        rows = rows[:size][::-1]
    if not rows:
        return KeysetPage(object_list=[], newer=None, older=None)
    return KeysetPage(
        object_list=rows,
        newer=str(rows[0].pk) if has_before else None,
        older=str(rows[-1].pk) if has_after else None,
    )
