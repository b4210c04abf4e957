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
MAIN_LANGUAGES = ("python", "cpp", "c", "java", "javascript", "csharp")
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
        elif c == "language_breadth":
            out[c] = Feature(len(set(caps.get("languages", ())) & set(MAIN_LANGUAGES)) / len(MAIN_LANGUAGES), "languages" in caps)
        elif c == "hardware_breadth":
            out[c] = Feature(len(set(caps.get("hardware", ())) & set(MAIN_HARDWARE)) / len(MAIN_HARDWARE), "hardware" in caps)
        elif c == "onnx_import":
            out[c] = Feature(1.0 if s.imports_onnx else 0.0, "formats" in caps)
        elif c == "lifecycle":
            out[c] = Feature(LIFECYCLE[s.status], True)
        else:
            raise KeyError(f"no deployment feature '{c}'")
    return out


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
