"""Prototype x deployment pairs over a bridge: ONNX (export, then import) or native.

The native bridges are facts in the catalog; the ONNX ones are derived here (each exporting framework x
each subject that imports ONNX).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from advisor.catalog import Catalog

# How much a bridge can be trusted, 0..1.
NATIVE_QUALITY = {"stable": 1.0, "beta": 0.85, "experimental": 0.7, "deprecated": 0.4}
ONNX_QUALITY = {"stable": 0.9, "beta": 0.75}  # built-in exporter / community converter
CLEARLY_BETTER = 0.15  # a native route must beat ONNX by this much to be preferred


@dataclass(frozen=True)
class Bridge:
    source: str
    target: str
    kind: str  # onnx | native
    exporter: str
    importer: str
    maturity: str
    sources: tuple[str, ...]


def bridges(cat: Catalog) -> list[Bridge]:
    """The catalog's native bridges, then an ONNX bridge from every framework that exports ONNX to every
    other subject that imports it."""
    out = [Bridge(row["from"], row["to"], "native", row["exporter"], row["importer"], row["maturity"],
                  tuple(row["source"].split())) for row in cat.native_bridges]
    subjects = cat.subjects
    for fid in sorted(subjects):
        fw = subjects[fid]
        export = fw.onnx.get("export")
        if fw.kind != "framework" or not export or export["support"] == "none":
            continue
        for rid in sorted(subjects):
            rt = subjects[rid]
            if rid == fid or not rt.imports_onnx:
                continue
            maturity = "stable" if export["support"] == "builtin" else "beta"
            out.append(Bridge(fid, rid, "onnx", export["tool"], f"{rt.name} ONNX import", maturity, export["sources"]))
    return out


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


def best_routes(candidates: list[Bridge]) -> dict[tuple[str, str], Route]:
    """Per (source, target), the best bridge as a Route: ONNX unless native is clearly better."""
    best: dict[tuple[str, str], dict[str, Route]] = {}
    for b in candidates:
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
    return out


def routes(cat: Catalog) -> dict[tuple[str, str], Route]:
    """The best route for every (framework, deployment candidate) that can be joined."""
    out = best_routes(bridges(cat))
    for s in cat.subjects.values():  # a framework that deploys its own models
        if s.kind == "framework" and s.deployable:
            out[(s.id, s.id)] = Route("same", "(none: the same framework)", s.name, "stable", 1.0,
                                      s.capability_sources.get("targets", ()))  # the facts that it serves there
    return out


def pair_score(shares: dict[str, float], prototype_score, deployment_score, quality):
    """Works on numbers and on numpy arrays alike (the robustness analysis scores many at once)."""
    return shares["prototype"] * prototype_score + shares["deployment"] * deployment_score + shares["bridge"] * quality
