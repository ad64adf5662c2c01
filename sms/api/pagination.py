"""Cursor pagination: stable under inserts, and as fast on the last page of a large register as on the first."""

from rest_framework.exceptions import NotFound, ParseError
from rest_framework.pagination import CursorPagination


class ApiCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-id",)

    def decode_cursor(self, request):
        """A cursor the API did not give out is a bad request (400), not a missing page."""
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ParseError("The cursor is not valid: follow a page's next or previous link") from None
