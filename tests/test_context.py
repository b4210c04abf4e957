"""The context: built once, the one way a face reaches the questions, the catalog and the engine."""

from __future__ import annotations

import argparse

import pytest

from advisor.context import Context
from advisor.errors import BadInput


def test_the_catalog_is_built_once_at_the_as_of_date():
    ctx = Context("2018-06")
    assert ctx.catalog is ctx.catalog
    assert ctx.catalog.as_of.isoformat() == "2018-06-30"
    assert Context().catalog.as_of == ctx.knowledge.latest


def test_prefetch_loads_in_the_background_and_check_reraises_its_failure():
    ctx = Context("1990-01")
    ctx.prefetch()
    ctx._thread.join()
    with pytest.raises(BadInput, match="before any knowledge"):
        ctx.check()
    with pytest.raises(BadInput):
        ctx.catalog


def test_answers_from_files_and_sets_and_the_recommendation(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("target: mobile\nmobile_os: ios\n")
    ctx = Context()
    given = ctx.given_from(str(f), ["language=swift"])
    assert given == {"target": "mobile", "mobile_os": "ios", "language": "swift"}
    answers = ctx.answers_from(str(f), ["language=swift"])
    assert answers.values["target"] == "mobile" and "sector" in answers.values  # defaults filled in
    rec = ctx.recommend_args(argparse.Namespace(answers=str(f), sets=["language=swift"]))
    assert rec.ok and rec.answers == answers.values
    assert ctx.recommend(given).deployment.id == rec.deployment.id  # a plain mapping resolves the same way


def test_prebuilt_wraps_a_catalog_without_loading_another():
    built = Context("2022-06").catalog
    ctx = Context.prebuilt(built)
    assert ctx.catalog is built and ctx.as_of_text == "2022-06-30"
