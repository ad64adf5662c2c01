from hypothesis import given
from hypothesis import strategies as st

from sms.core.identifiers import MAX_BODY_LENGTH, UNAMBIGUOUS_ALPHABET, check_character, code_with_check


def is_valid_code(code: str) -> bool:
    """True when the code's last character is the check character of the rest."""
    if not 2 <= len(code) <= MAX_BODY_LENGTH + 1 or any(c not in UNAMBIGUOUS_ALPHABET for c in code):
        return False
    return check_character(code[:-1]) == code[-1]


def test_code_has_requested_length_prefix_and_valid_check_character():
    code = code_with_check("U", 9)
    assert len(code) == 9
    assert code.startswith("U")
    assert is_valid_code(code)


def test_alphabet_has_no_look_alike_characters():
    assert not set("0OQ1IL5S2Z8BV") & set(UNAMBIGUOUS_ALPHABET)
    assert len(UNAMBIGUOUS_ALPHABET) == 23


@given(st.text(alphabet=UNAMBIGUOUS_ALPHABET, min_size=4, max_size=12), st.data())
def test_any_single_character_typo_is_detected(body, data):
    code = body + check_character(body)
    position = data.draw(st.integers(min_value=0, max_value=len(code) - 1))
    replacement = data.draw(st.sampled_from([c for c in UNAMBIGUOUS_ALPHABET if c != code[position]]))
    typo = code[:position] + replacement + code[position + 1 :]
    assert not is_valid_code(typo)


def test_code_with_characters_outside_the_alphabet_is_invalid():
    assert not is_valid_code("U0000000O")


@given(st.text(alphabet=UNAMBIGUOUS_ALPHABET, min_size=4, max_size=12), st.data())
def test_any_swap_of_neighbouring_characters_is_detected(body, data):
    code = body + check_character(body)
    position = data.draw(st.integers(min_value=0, max_value=len(code) - 2))
    if code[position] == code[position + 1]:
        return
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    assert not is_valid_code(swapped)


def test_every_reference_prefix_in_use_is_in_the_alphabet():
    from sms.certificates.models import allocation_request_reference, certificate_reference, defined_request_reference
    from sms.licensing.models import application_reference, licence_number, request_reference

    for make in (
        certificate_reference,
        allocation_request_reference,
        defined_request_reference,
        application_reference,
        request_reference,
    ):
        assert is_valid_code(make())
    assert is_valid_code(licence_number()[3:])
