"""Nearest-profile ranking: weighted distance to the ideal profile, found with scikit-learn.

Every criterion is normalised by its own defined scale (never by the candidates' spread), so
a candidate's score depends on its own facts alone: adding or removing one cannot reorder
the others.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from advisor.catalog import Catalog, Subject
from advisor.weights import Needs

LIFECYCLE = {"active": 1.0, "maintenance": 0.5, "discontinued": 0.0}
# How well a runtime serves the language named: its own official binding, one the language calls natively
# (Kotlin -> Java), a widely used community binding, or a model server's HTTP/gRPC API (any language).
LANGUAGE_FIT = {"own": 1.0, "interop": 0.85, "community": 0.6, "http": 0.6}
TASK_CRITERIA = ("llm", "vision", "generative")  # tasks with a task_* fit criterion
GENERAL = 1 / 3  # a runtime with no task focus runs any model graph: 1 of 3 on the task_* scales
MAIN_HARDWARE = ("nvidia_gpu", "amd_gpu", "intel_cpu", "intel_gpu", "arm", "apple_silicon")
CLOUD = ("aws", "gcp", "azure")
SUPPORT = ("sponsor", "activity", "ecosystem", "documentation")


@dataclass(frozen=True)
class Feature:
    value: float  # 0..1, 1 is ideal
    known: bool  # False when imputed
    checked: dt.date | None = None  # the newest source behind the fact, when one observation gives it


@dataclass(frozen=True)
class Ranked:
    id: str
    name: str
    rank: int
    score: float  # 0..100, 100 = the ideal profile
    contributions: dict[str, dict]


def prototype_features(s: Subject, cat: Catalog, criteria: list[str]) -> dict[str, Feature]:
    out: dict[str, Feature] = {}
    for c in criteria:
        if c == "lifecycle":
            out[c] = Feature(LIFECYCLE[s.status], True)
        elif c in s.values:
            out[c] = Feature(cat.criteria[c].normalise(s.values[c]), True, s.value_checked[c])
    for c in criteria:
        if c in out:
            continue
        if c in CLOUD:  # the seed's cloud scale: 0 means no information
            out[c] = Feature(0.0, False)
            continue
        category = cat.criteria[c].category
        peers = [out[o].value for o in out if o in cat.criteria and cat.criteria[o].category == category and out[o].known]
        out[c] = Feature(sum(peers) / len(peers) if peers else 0.5, False)
    return out


def deployment_features(s: Subject, cat: Catalog, needs: Needs, criteria: list[str]) -> dict[str, Feature]:
    caps = s.capabilities
    out: dict[str, Feature] = {}
    for c in criteria:
        if c in SUPPORT:
            out[c] = (Feature(cat.criteria[c].normalise(s.values[c]), True, s.value_checked[c]) if c in s.values
                      else Feature(0.5, False))
        elif c == "target_fit":
            key = f"target_{needs.target}"
            if key in s.values:
                out[c] = Feature(cat.criteria[key].normalise(s.values[key]), True, s.value_checked[key])
            else:
                out[c] = Feature(2 / 3 if needs.target in caps.get("targets", ()) else 0.0, False)
        elif c == "language_fit":
            how = language_route(s, needs)
            out[c] = Feature(LANGUAGE_FIT.get(how, 0.0), "languages" in caps)
        elif c == "hardware_use":
            out[c] = _hardware_use(s, cat, needs.hardware)
        elif c == "task_fit":
            out[c] = _task_fit(s, cat, needs.task)
        elif c == "hardware_breadth":
            out[c] = Feature(len(set(caps.get("hardware", ())) & set(MAIN_HARDWARE)) / len(MAIN_HARDWARE), "hardware" in caps)
        elif c == "onnx_import":
            out[c] = Feature(1.0 if s.imports_onnx else 0.0, "formats" in caps)
        elif c == "lifecycle":
            out[c] = Feature(LIFECYCLE[s.status], True)
        else:
            raise KeyError(f"no deployment feature '{c}'")
    return out


def language_route(s: Subject, needs: Needs) -> str | None:
    """How `s` is called from the language named: own, interop, community, http, or None."""
    caps = s.capabilities
    own = set(caps.get("languages", ()))
    if needs.language is None or needs.language in own:
        return "own"
    if own & set(needs.language_via):
        return "interop"
    if needs.language in caps.get("community", ()):
        return "community"
    if "http" in own:
        return "http"
    return None


def _hardware_use(s: Subject, cat: Catalog, hardware: str | None) -> Feature:
    """hw_<hardware> on its scale; with no hardware named, the best use of any it runs on."""
    if hardware is None:
        known = [cat.criteria[c].normalise(v) for c, v in s.values.items() if c.startswith("hw_")]
        return Feature(max(known), True) if known else Feature(0.5, False)
    key = f"hw_{hardware}"
    if key in s.values:
        return Feature(cat.criteria[key].normalise(s.values[key]), True, s.value_checked[key])
    return Feature(GENERAL if hardware in s.capabilities.get("hardware", ()) else 0.0, False)


def _task_fit(s: Subject, cat: Catalog, task: str | None) -> Feature:
    """task_<task> on its scale; a runtime with no task focus (no `tasks` capability) runs any graph."""
    if task not in TASK_CRITERIA:
        return Feature(GENERAL, True)
    key = f"task_{task}"
    if key in s.values:
        return Feature(cat.criteria[key].normalise(s.values[key]), True, s.value_checked[key])
    if "tasks" not in s.capabilities:
        return Feature(GENERAL, True)
    return Feature(1.0 if task in s.capabilities["tasks"] else 0.0, False)


def scores(matrix: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Closed form of the ranking score, for many weight vectors at once (rows of `weights`)."""
    w = np.atleast_2d(weights)
    gaps = (1.0 - matrix) ** 2  # candidates x criteria
    dist = np.sqrt(gaps @ w.T)  # candidates x samples
    dmax = np.sqrt(w.sum(axis=1))
    return 100.0 * (1.0 - dist / np.where(dmax > 0, dmax, 1.0))


@lru_cache(maxsize=1)
def _controller():
    import sklearn.neighbors  # noqa: F401  (load its OpenMP runtime first: only loaded libraries are limited)
    from threadpoolctl import ThreadpoolController  # ships with scikit-learn

    return ThreadpoolController()


def single_thread():
    """One thread for the native libraries: for a handful of candidates a thread pool costs far
    more than the arithmetic (50-300 ms per recommendation on 2 busy cores, 12-60 ms without)."""
    return _controller().limit(limits=1)


def rank(candidates: list[Subject], features: dict[str, dict[str, Feature]], weights: dict[str, float]) -> list[Ranked]:
    """Rank by weighted Euclidean distance to the ideal (1 on every criterion), nearest first."""
    if not candidates:
        return []
    from sklearn.neighbors import NearestNeighbors

    crits = list(weights)
    w = np.array([weights[c] for c in crits], dtype=float)
    root = np.sqrt(w)
    X = np.array([[features[s.id][c].value for c in crits] for s in candidates], dtype=float)
    with single_thread():
        nn = NearestNeighbors(n_neighbors=len(candidates), algorithm="brute").fit(X * root)
        dist, idx = nn.kneighbors(root.reshape(1, -1))
    dmax = float(np.sqrt(w.sum())) or 1.0
    scored = []
    for d, i in zip(dist[0], idx[0]):
        s = candidates[i]
        score = round(100.0 * (1.0 - float(d) / dmax), 6)
        feats = features[s.id]
        contrib = {
            c: {
                "value": round(feats[c].value, 4),
                "weight": round(weights[c], 4),
                "gap": round(weights[c] * (1.0 - feats[c].value) ** 2 / dmax**2 * 100, 4),
                "known": feats[c].known,
                "checked": None if feats[c].checked is None else feats[c].checked.isoformat(),
            }
            for c in crits
        }
        scored.append((s, score, contrib))
    scored.sort(key=lambda t: (-t[1], t[0].id))  # stable tie-break by id
    return [Ranked(s.id, s.name, i + 1, round(score, 2), contrib) for i, (s, score, contrib) in enumerate(scored)]
