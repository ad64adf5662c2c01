"""Parsers that refuse what the database cannot store: a NUL character anywhere in a JSON body
(PostgreSQL refuses it in text), as the pages' middleware refuses it in forms."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if _holds_nul(data):
            raise ParseError("The request contains a NUL character")
        return data
