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
