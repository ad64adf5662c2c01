"""Human-facing identifiers: short, unguessable, from an alphabet with no look-alike characters."""

import secrets

# No 0/O, 1/I/L, 5/S, 2/Z, 8/B: identifiers are read aloud and typed from paper.
UNAMBIGUOUS_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"


def random_code(length: int) -> str:
    """Return `length` characters drawn with a CSPRNG from the unambiguous alphabet."""
    return "".join(secrets.choice(UNAMBIGUOUS_ALPHABET) for _ in range(length))


def check_character(body: str) -> str:
    """Return a check character over `body` (weighted sum mod the alphabet size).

    Position weights catch single-character typos and most adjacent transpositions.
    """
    size = len(UNAMBIGUOUS_ALPHABET)
    total = sum((index + 1) * UNAMBIGUOUS_ALPHABET.index(char) for index, char in enumerate(body))
    return UNAMBIGUOUS_ALPHABET[total % size]


def code_with_check(prefix: str, length: int) -> str:
    """Return prefix + random body + check character, `length` characters in all."""
    body = prefix + random_code(length - len(prefix) - 1)
    return body + check_character(body)


def is_valid_code(code: str) -> bool:
    """True when the code's last character is the check character of the rest."""
    if len(code) < 2 or any(char not in UNAMBIGUOUS_ALPHABET for char in code):
        return False
    return check_character(code[:-1]) == code[-1]
