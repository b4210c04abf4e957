"""Seeded perturbation: how often the pick stays first, and the smallest flip, by hand-made cases."""

from __future__ import annotations

import numpy as np

from advisor.pairing import pair_score
from advisor.robustness import analyse, firmness

SHARES = {"prototype": 0.5, "deployment": 0.5, "bridge": 0.0}


def run(proto_X, proto_w, deploy_X=None, deploy_w=None):
    deploy_X = np.array([[1.0]]) if deploy_X is None else deploy_X
    deploy_w = np.array([1.0]) if deploy_w is None else deploy_w
    from advisor.rank import scores

    P = scores(proto_X, proto_w)[:, 0]
    order = sorted(range(len(proto_X)), key=lambda i: (-P[i], i))
    pairs = [(i, 0, 1.0, f"p{i} + d0") for i in order]
    return analyse(pairs, proto_X, proto_w, deploy_X, deploy_w, ["a", "b"], ["x"],
                   lambda P, D, q: pair_score(SHARES, P, D, q))


def test_a_dominant_pick_is_firm_and_no_single_weight_flips_it():
    out = run(np.array([[1.0, 1.0], [0.2, 0.3]]), np.array([1.0, 1.0]))
    assert out["stays_first"] == 1.0 and out["firmness"] == "firm" and out["smallest_flip"] is None


def test_a_close_call_and_its_smallest_flip():
    # p0 is strong on a, p1 on b; with a weighted 1.1 vs 1.0 p0 leads narrowly
    out = run(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([1.1, 1.0]))
    assert 0.3 < out["stays_first"] < 0.7
    flip = out["smallest_flip"]
    assert flip["new_pick"] == "p1 + d0" and flip["side"] == "prototype"
    # raising b past a (or lowering a below b) flips it: a 10% change is the smallest step that does
    assert flip["change"] == 0.1 and flip["criterion"] in ("a", "b")


def test_same_inputs_same_numbers():
    X, w = np.array([[0.9, 0.4], [0.5, 0.8], [0.7, 0.6]]), np.array([1.3, 0.9])
    assert run(X, w) == run(X, w)


def test_firmness_words():
    assert [firmness(s) for s in (1.0, 0.9, 0.75, 0.5, 0.2)] == ["firm", "firm", "fairly firm", "leaning", "a close call"]
