"""Human-facing identifiers: short, unguessable, from an alphabet with no look-alike characters."""

import secrets

# 23 characters (a prime): no 0/O/Q, 1/I/L, 5/S, 2/Z, 8/B, U/V. Identifiers are read aloud and
# typed from paper. A prime size lets a weighted-sum check character catch every single-character
# error and every swap of two neighbouring characters.
UNAMBIGUOUS_ALPHABET = "ACDEFGHJKMNPRTUWXY34679"
MAX_BODY_LENGTH = len(UNAMBIGUOUS_ALPHABET) - 1  # weights must stay non-zero modulo the size


def random_code(length: int) -> str:
    """Return `length` characters drawn with a CSPRNG from the unambiguous alphabet."""
    return "".join(secrets.choice(UNAMBIGUOUS_ALPHABET) for _ in range(length))


def check_character(body: str) -> str:
    """Return the check character over `body`: sum of (position x value) modulo the alphabet size."""
    if len(body) > MAX_BODY_LENGTH:
        raise ValueError(f"Identifiers are at most {MAX_BODY_LENGTH} characters before the check")
    size = len(UNAMBIGUOUS_ALPHABET)
    total = sum((index + 1) * UNAMBIGUOUS_ALPHABET.index(char) for index, char in enumerate(body))
    return UNAMBIGUOUS_ALPHABET[total % size]


def code_with_check(prefix: str, length: int) -> str:
    """Return prefix + random body + check character, `length` characters in all."""
    body = prefix + random_code(length - len(prefix) - 1)
    return body + check_character(body)
