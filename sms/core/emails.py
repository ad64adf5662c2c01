"""One canonical form of an email address: what accounts are stored, looked up and locked by."""

import unicodedata

from django import forms

# Python's case-insensitive [A-Z], which Django's email validator uses, accepts the dotless i and
# the dotted capital I, and PostgreSQL's UPPER() folds them onto I: they are read as the letter i.
_DOTLESS_AND_DOTTED_I = str.maketrans({"\u0131": "i", "\u0130": "i"})


def canonical_email(value: str) -> str:
    """The address as the service stores and compares it (docs/decisions.md, "Accounts and sign-in").

    Unicode compatibility forms are folded (NFKC: the long s is an s, fullwidth letters are
    letters), surrounding spaces dropped, the dotless and dotted capital I read as i, and the whole
    address lower-cased. Applying it twice changes nothing, so an exact match on the stored form is
    the only comparison needed, and the lockout counts failures under the same key.
    """
    folded = unicodedata.normalize("NFKC", str(value or "")).strip().translate(_DOTLESS_AND_DOTTED_I)
    return unicodedata.normalize("NFKC", folded.lower())


class CanonicalEmailField(forms.EmailField):
    """An email address field whose value is the canonical form, folded before it is validated."""

    def to_python(self, value):
        value = super().to_python(value)
        return canonical_email(value) if value else value
