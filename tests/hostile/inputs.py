"""A corpus of hostile input: what people paste, what browsers send and what attackers try.

Each list is a representative subset for one kind of field; ``ALL`` is every value. The route-wide
test (``test_hostile_pages``) posts each into every field of every form and into every query
parameter of every list page; none may cause a server error.
"""

NUL = "\x00"
LONG_TEXT = "Lorem ipsum " * 834  # 10,008 characters

NUMBERS = [
    "NaN",
    "Infinity",
    "-Infinity",
    "1e30",
    "-5",
    "9" * 30,
    "0x10",
    "1_000",
    "٣٧",  # Arabic-Indic digits
    "41,700.505",
]

DATES = [
    "31/12/9999",
    "1/1/1",
    "00/00/0000",
    "2026-02-30",
    "30/2/2026",
    "9999-12-31",
    "99999999/1/1",
]

TEXT = [
    NUL,
    "<script>alert(1)</script>",
    "' OR '1'='1",
    "=HYPERLINK(\"http://example.com\")",
    LONG_TEXT,
    "\u202egnp.exe",  # right-to-left override
    "Ꭺdmin ΑΡΡLΕ",  # confusables: Cherokee A, Greek capitals
    "e\u0301\u0301\u0301",  # stacked combining marks
    "\U0001f600" * 50,  # astral characters
    "   ",
]

EMAILS = [
    "a" * 300 + "@example.com",
    "name@" + "b" * 250 + ".example",
    "name@example.com\r\nBcc: x@example.com",
]

CHOICES = ["<script>", "9" * 30, "__all__"]

ALL = [*NUMBERS, *DATES, *TEXT, *EMAILS, *CHOICES]

# What each kind of form field is sent (a representative subset, to keep the route-wide test quick).
BY_KIND = {
    "number": ["NaN", "Infinity", "1e30", "-5", "9" * 30],
    "date": ["31/12/9999", "00/00/0000", "2026-02-30", "9" * 30],
    "email": [EMAILS[0], NUL],
    "text": [NUL, "<script>alert(1)</script>", LONG_TEXT, "\u202egnp.exe"],
    "choice": ["<script>", "9" * 30],
}
# What each query parameter of a list page is sent.
QUERY_VALUES = ["NaN", "-5", "9" * 30, "31/12/9999", "2026-02-30", NUL, LONG_TEXT]
