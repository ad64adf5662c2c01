"""Licence numbers: SPN, seven random characters and a check character; a repeated draw is drawn again."""

import itertools

import pytest
from django.db import IntegrityError

from sms.accounts.models import Sponsor
from sms.core.identifiers import UNAMBIGUOUS_ALPHABET, check_character
from sms.licensing.models import LICENCE_NUMBER_LENGTH, Licence, Route, licence_number
from sms.licensing.services import licence as services
from tests.factories import SponsorFactory


def _valid(number: str) -> bool:
    body, check = number[3:-1], number[-1]
    return number.startswith("SPN") and check_character(body) == check


def test_a_number_is_spn_seven_characters_and_their_check_character():
    numbers = {licence_number() for _ in range(200)}
    assert len(numbers) == 200
    for number in numbers:
        assert len(number) == LICENCE_NUMBER_LENGTH == 11
        assert set(number[3:]) <= set(UNAMBIGUOUS_ALPHABET)
        assert _valid(number)


def test_the_check_character_catches_a_mistyped_character_or_two_swapped_neighbours():
    number = licence_number()
    body = number[3:-1]
    for position, replacement in itertools.product(range(len(body)), UNAMBIGUOUS_ALPHABET):
        if replacement != body[position]:
            typo = "SPN" + body[:position] + replacement + body[position + 1 :] + number[-1]
            assert not _valid(typo)
    for position in range(len(body) - 1):
        if body[position] != body[position + 1]:
            swapped = body[:position] + body[position + 1] + body[position] + body[position + 2 :]
            assert not _valid("SPN" + swapped + number[-1])


def test_a_number_already_held_is_drawn_again(db, monkeypatch):
    held = SponsorFactory().licence.number
    fresh = licence_number()
    draws = iter([held, fresh])
    monkeypatch.setattr(services, "licence_number", lambda: next(draws))

    sponsor = SponsorFactory(licence=[Route.SKILLED_WORKER])

    assert sponsor.licence.number == fresh
    assert Licence.objects.filter(number=held).count() == 1
    assert sponsor.licence.status == Licence.Status.ACTIVE


def test_a_number_that_keeps_repeating_fails_after_the_attempts_without_a_licence(db, monkeypatch):
    held = SponsorFactory().licence.number
    calls = []
    monkeypatch.setattr(services, "licence_number", lambda: calls.append(1) or held)

    with pytest.raises(IntegrityError):
        SponsorFactory()

    assert len(calls) == services.LICENCE_NUMBER_ATTEMPTS
    assert Licence.objects.count() == 1


def test_a_second_licence_for_a_sponsor_is_not_retried(db, monkeypatch):
    sponsor = SponsorFactory()
    calls = []
    monkeypatch.setattr(services, "licence_number", lambda: calls.append(1) or licence_number())

    with pytest.raises(IntegrityError):
        services.licence_issue(sponsor=Sponsor.objects.get(pk=sponsor.pk), routes=[Route.SKILLED_WORKER], actor=None)

    assert len(calls) == 1
