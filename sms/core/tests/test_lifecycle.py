"""Views and templates ask the transition table, through ``allowed``, before offering an action."""

from types import SimpleNamespace

import pytest
from django.template import Context, Template

from sms.core import lifecycle
from sms.core.exceptions import IllegalTransition

TABLE = {"submitted": {"granted", "withdrawn"}, "granted": {"lapsed"}, "withdrawn": set()}


class Request(SimpleNamespace):
    TRANSITIONS = TABLE


def test_allowed_reads_the_table():
    submitted = Request(status="submitted")
    assert lifecycle.allowed(submitted, "withdrawn")
    assert not lifecycle.allowed(submitted, "lapsed")
    assert not lifecycle.allowed(Request(status="withdrawn"), "granted")
    assert not lifecycle.allowed(submitted, "granted", only_from={"draft"})


@pytest.mark.parametrize(("status", "shown"), [("submitted", "Withdraw"), ("granted", ""), ("withdrawn", "")])
def test_templates_ask_through_the_allowed_filter(status, shown):
    template = Template('{% load lifecycle %}{% if request|allowed:"withdrawn" %}Withdraw{% endif %}')
    assert template.render(Context({"request": Request(status=status)})) == shown


def test_the_filter_treats_nothing_as_not_allowed():
    assert Template('{% load lifecycle %}{{ missing|allowed:"granted" }}').render(Context({})) == "False"


def test_check_transition_still_refuses_what_allowed_refuses():
    class Model(Request):
        Status = SimpleNamespace(choices=[("submitted", "Submitted"), ("lapsed", "Lapsed")])
        _meta = SimpleNamespace(verbose_name="request")

    with pytest.raises(IllegalTransition, match="submitted cannot become lapsed"):
        lifecycle.check_transition(Model(status="submitted"), "lapsed")
