"""Prototype x deployment pairs over a bridge: ONNX (export, then import) or native."""

from __future__ import annotations

from dataclasses import dataclass, replace

from advisor.catalog import Bridge, Catalog

# How much a bridge can be trusted, 0..1.
NATIVE_QUALITY = {"stable": 1.0, "beta": 0.85, "experimental": 0.7, "deprecated": 0.4}
ONNX_QUALITY = {"stable": 0.9, "beta": 0.75}  # built-in exporter / community converter
CLEARLY_BETTER = 0.15  # a native route must beat ONNX by this much to be preferred


@dataclass(frozen=True)
class Route:
    """How a model gets from the prototyping framework to the deployment candidate."""

    kind: str  # onnx | native | same
    exporter: str
    importer: str
    maturity: str
    quality: float
    sources: tuple[str, ...]
    alternative: "Route | None" = None  # the other kind, when both exist

    @property
    def format(self) -> str:
        return "onnx" if self.kind == "onnx" else "native"


def quality(b: Bridge) -> float:
    return (ONNX_QUALITY if b.kind == "onnx" else NATIVE_QUALITY).get(b.maturity, 0.5)


def routes(cat: Catalog) -> dict[tuple[str, str], Route]:
    """The best route for every (framework, deployment candidate) that can be joined."""
    best: dict[tuple[str, str], dict[str, Route]] = {}
    for b in cat.bridges:
        r = Route(b.kind, b.exporter, b.importer, b.maturity, quality(b), b.sources)
        slot = best.setdefault((b.source, b.target), {})
        if b.kind not in slot or (r.quality, r.exporter) > (slot[b.kind].quality, slot[b.kind].exporter):
            slot[b.kind] = r
    out: dict[tuple[str, str], Route] = {}
    for key, kinds in best.items():
        onnx, native = kinds.get("onnx"), kinds.get("native")
        if onnx and native:
            if native.quality - onnx.quality >= CLEARLY_BETTER:
                out[key] = replace(native, alternative=onnx)
            else:
                out[key] = replace(onnx, alternative=native)
        else:
            out[key] = onnx or native
    for s in cat.subjects.values():  # a framework that deploys its own models
        if s.kind == "framework" and s.deployable:
            out[(s.id, s.id)] = Route("same", "(none: the same framework)", s.name, "stable", 1.0,
                                      s.capability_sources.get("targets", ()))  # the facts that it serves there
    return out


def pair_score(shares: dict[str, float], prototype_score, deployment_score, quality):
    """Works on numbers and on numpy arrays alike (the robustness analysis scores many at once)."""
    return shares["prototype"] * prototype_score + shares["deployment"] * deployment_score + shares["bridge"] * quality
