"""Nearest-profile ranking: hand-computed scores, stable ties, no rank reversal."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.rank import Feature, rank, scores

import numpy as np


class S:  # the ranking needs only id and name
    def __init__(self, id):
        self.id, self.name = id, id.upper()


def feats(values: dict[str, list[float]]) -> dict[str, dict[str, Feature]]:
    return {k: {f"c{i}": Feature(v, True) for i, v in enumerate(vs)} for k, vs in values.items()}


def test_scores_are_weighted_distance_to_the_ideal_by_hand():
    f = feats({"a": [1.0, 0.0], "b": [0.5, 0.5]})
    w = {"c0": 3.0, "c1": 1.0}
    ranked = rank([S("a"), S("b")], f, w)
    # a: d = sqrt(3*0 + 1*1) = 1; b: d = sqrt(3*.25 + 1*.25) = 1; dmax = 2 -> both 50: tie broken by id
    assert [(r.id, r.score) for r in ranked] == [("a", 50.0), ("b", 50.0)]
    w = {"c0": 1.0, "c1": 3.0}
    ranked = rank([S("a"), S("b")], f, w)
    # a: d = sqrt(3) -> 100*(1 - sqrt(3)/2) = 13.4; b: d = 1 -> 50
    assert [(r.id, r.score) for r in ranked] == [("b", 50.0), ("a", round(100 * (1 - math.sqrt(3) / 2), 2))]
    assert ranked[1].contributions["c1"]["gap"] == 75.0  # 3*(1-0)^2 / 4 * 100


def test_closed_form_matches_the_nearest_neighbour_ranking():
    rng = np.random.default_rng(1)
    X = rng.random((7, 5))
    w = rng.random(5) * 3
    f = {f"s{i}": {f"c{j}": Feature(X[i, j], True) for j in range(5)} for i in range(7)}
    ranked = rank([S(f"s{i}") for i in range(7)], f, {f"c{j}": w[j] for j in range(5)})
    closed = scores(X, w)[:, 0]
    for r in ranked:
        assert abs(r.score - closed[int(r.id[1:])]) < 0.01


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.floats(0, 1), min_size=4, max_size=4), min_size=2, max_size=9),
    st.lists(st.floats(0, 5), min_size=4, max_size=4),
    st.data(),
)
def test_adding_or_removing_a_candidate_never_reorders_the_others(rows, weights, data):
    if sum(weights) == 0:
        weights[0] = 1.0
    w = {f"c{j}": weights[j] for j in range(4)}
    f = {f"s{i}": {f"c{j}": Feature(v, True) for j, v in enumerate(row)} for i, row in enumerate(rows)}
    subjects = [S(k) for k in f]
    full = [r.id for r in rank(subjects, f, w)]
    drop = data.draw(st.sampled_from(list(f)))
    fewer = [r.id for r in rank([s for s in subjects if s.id != drop], f, w)]
    assert fewer == [i for i in full if i != drop]
