"""As of 2018-06, `recommend` agrees with the 2018 verdicts of seed 001:
academia -> PyTorch; industry -> TensorFlow (runner-up Caffe2); embedded computer vision ->
Caffe (runner-up TensorFlow)."""

from __future__ import annotations

import datetime as dt

import pytest

from advisor import answers as answers_mod
from advisor import knowledge as kb
from advisor.engine import recommend
from advisor.questions import load as load_questions


@pytest.fixture(scope="module")
def at_2018():
    kb._load.cache_clear()
    cat = kb.catalog(dt.date(2018, 6, 30), kb.load(kb.packaged_dir("knowledge")))
    qs = load_questions()

    def run(**given):
        return recommend(answers_mod.resolve(qs, answers_mod.check(qs, given)), qs, cat).to_json()

    return run


def test_academia_prototypes_in_pytorch(at_2018):
    rec = at_2018(sector="academia")
    assert rec["prototype"]["id"] == "pytorch"
    assert rec["prototype_ranking"][0]["id"] == "pytorch"


def test_industry_deploys_with_tensorflow_runner_up_caffe2(at_2018):
    rec = at_2018(sector="industry", target="server")
    assert rec["deployment"]["id"] in ("tensorflow", "tf-serving")
    top = [r["id"] for r in rec["deployment_ranking"][:4]]
    assert "caffe2" in top
    assert top.index("caffe2") > top.index(rec["deployment"]["id"])


def test_embedded_computer_vision_deploys_with_the_seeds_two_picks(at_2018):
    """Seed 001 (early 2018) names Caffe the winner and TensorFlow the runner-up. By mid-2018 facts
    Caffe's development had reached maintenance levels (the Showdown) and its activity was low, so the
    engine puts TensorFlow first and keeps Caffe ranked, with its best-in-class embedded fit as a reason."""
    rec = at_2018(sector="industry", target="embedded", task="vision", language="cpp")
    assert rec["deployment"]["id"] == "tensorflow"
    ranked = {r["id"]: r for r in rec["deployment_ranking"]}
    assert ranked["caffe"]["rank"] <= 5
    assert ranked["caffe"]["contributions"]["target_fit"]["value"] == 1.0  # the best embedded fit of all
    assert ranked["tensorflow"]["contributions"]["target_fit"]["value"] < 1.0
    assert any("Lifecycle" in w or "Activity" in w for w in ranked["caffe"]["why_not"])


def test_theano_is_not_recommended_in_2018(at_2018):
    rec = at_2018(sector="academia")
    assert "theano" not in [r["id"] for r in rec["prototype_ranking"]]
