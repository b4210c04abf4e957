"""The chat's state: answers given, what is missing or assumed, undo, and the recommendation once ready."""

from __future__ import annotations

import pytest

from advisor.context import Context
from advisor.conversation import Conversation


@pytest.fixture
def talk():
    return Conversation(Context(), ("sector", "target", "mobile_os", "language"))


def test_missing_follows_what_applies(talk):
    assert talk.missing() == ["sector", "target", "language"]  # mobile_os applies only to phones
    talk.change({"target": "mobile"})
    assert talk.missing() == ["sector", "mobile_os", "language"]
    assert talk.recommendation() is None and talk.state()["ready"] is False


def test_answers_to_questions_that_do_not_apply_are_kept_but_not_applied(talk):
    talk.change({"mobile_os": "ios", "target": "server"})
    assert "mobile_os" not in talk.applicable()
    talk.change({"target": "mobile"})
    assert talk.applicable()["mobile_os"] == "ios"


def test_ready_assumed_undo_and_reset(talk):
    talk.change({"sector": "industry", "target": "server", "language": "python"})
    rec = talk.recommendation()
    assert rec is not None and rec is talk.recommendation()  # cached for the same answers
    assert talk.assumed()["cloud"] == "none" and "sector" not in talk.assumed()
    state = talk.state()
    assert state["ready"] and state["deployment"]["id"] == rec.deployment.id
    talk.change({"language": "java"})
    assert talk.recommendation() is not rec
    assert talk.undo() and talk.applicable()["language"] == "python"
    talk.reset()
    assert talk.given == {} and not talk.undo()
