"""As of 2018-06, `recommend` against the 2018 verdicts of seed 001: academia -> PyTorch and
industry -> TensorFlow (runner-up Caffe2) agree. Embedded computer vision -> Caffe (runner-up
TensorFlow) does not: the engine picks TensorFlow, and the last test shows that no weighting of
the mid-2018 facts would pick Caffe (the verdict contradicts the Showdown's measurements)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from advisor.present import recommendation_json
from advisor import answers as answers_mod
from advisor import knowledge as kb
from advisor import pairing
from advisor import rank as ranking
from advisor.catalog import catalog
from advisor.engine import MIN_KNOWN, _known_share, meets, recommend
from advisor.paths import packaged_dir
from advisor.questions import load as load_questions
from advisor.weights import derive


@pytest.fixture(scope="module")
def at_2018():
    kb._load.cache_clear()
    cat = catalog(dt.date(2018, 6, 30), kb.load(packaged_dir("knowledge")))
    qs = load_questions()

    def run(**given):
        return recommendation_json(recommend(answers_mod.resolve(qs, answers_mod.check(qs, given)), qs, cat))

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


def test_no_weighting_of_mid_2018_facts_puts_caffe_first_for_embedded_vision():
    """The measurement behind the disagreement above. Every criterion weight drawn from 0..3 on both
    sides, the prototype/deployment split from 0.1..0.9 and the bridge weight from 0..20: Caffe never
    makes the winning pair, never tops the prototype ranking and never tops the deployment ranking,
    while the seed's runner-up, TensorFlow, is the most frequent pick."""
    kb._load.cache_clear()
    cat = catalog(dt.date(2018, 6, 30), kb.load(packaged_dir("knowledge")))
    qs = load_questions()
    given = {"sector": "industry", "target": "embedded", "task": "vision", "language": "cpp"}
    profile = derive(answers_mod.resolve(qs, answers_mod.check(qs, given)), qs)
    pc, dc = list(profile.prototype), list(profile.deployment)
    frameworks = sorted(cat.kind("framework"), key=lambda s: s.id)
    pf = {s.id: ranking.prototype_features(s, cat, pc) for s in frameworks}
    protos = [s.id for s in frameworks if _known_share(pf[s.id]) >= MIN_KNOWN and s.status != "discontinued"]
    runtimes = sorted((s for s in cat.subjects.values() if s.deployable), key=lambda s: s.id)
    df = {s.id: ranking.deployment_features(s, cat, profile.needs, dc) for s in runtimes}
    deploys = [s.id for s in runtimes if not meets(s, profile.needs) and s.status != "discontinued"]
    assert "caffe" in protos and "caffe" in deploys  # a live candidate on both sides, as of 2018-06
    PX = np.array([[pf[i][c].value for c in pc] for i in protos])
    DX = np.array([[df[i][c].value for c in dc] for i in deploys])
    pairs = sorted((p, d, r.quality) for (p, d), r in pairing.routes(cat).items() if p in protos and d in deploys)
    pi = np.array([protos.index(p) for p, _, _ in pairs])
    di = np.array([deploys.index(d) for _, d, _ in pairs])
    q = np.array([r for _, _, r in pairs])[:, None]

    rng = np.random.default_rng(20180626)
    n = 50_000
    wp, wd = rng.uniform(0, 3, (n, len(pc))), rng.uniform(0, 3, (n, len(dc)))
    share, bridge = rng.uniform(0.1, 0.9, n), rng.uniform(0, 20, n)
    P, D = ranking.scores(PX, wp), ranking.scores(DX, wd)
    won = np.argmax(share * P[pi] + (1 - share) * D[di] + bridge * q, axis=0)
    winners = [pairs[k][:2] for k in won]
    caffe_pair = sum("caffe" in pair for pair in winners) / n
    caffe_proto = float(np.mean(np.argmax(P, axis=0) == protos.index("caffe")))
    caffe_deploy = float(np.mean(np.argmax(D, axis=0) == deploys.index("caffe")))
    counts = {pair: winners.count(pair) for pair in set(winners)}
    print(f"\ncaffe as of 2018-06, embedded vision, C++ over {n:,} weightings: in the winning pair {caffe_pair:.2%}, "
          f"first prototype {caffe_proto:.2%}, first deployment {caffe_deploy:.2%}; most frequent pair "
          f"{max(counts, key=counts.get)}")
    assert caffe_pair == 0 and caffe_proto == 0
    assert caffe_deploy < 0.05  # the specialists' criteria (hardware use, task fit) give it a rare first place
    assert max(counts, key=counts.get) == ("tensorflow", "tensorflow")
