"""URL converters for identifiers (registered by ``CoreConfig``): an address holding anything else
(a NUL, a quote, a space) matches no route and answers 404 before a view or the database sees it."""


class ReferenceConverter:
    """A reference, licence number or user ID: upper-case letters and digits (``sms.core.identifiers``),
    at most 20 of them."""

    regex = "[A-Z0-9]{1,20}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
