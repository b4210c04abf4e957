"""A Recommendation as text for a person (shared by recommend, the wizard and the chat)."""

from __future__ import annotations

import textwrap


def _wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(text, width=92, initial_indent=indent, subsequent_indent=indent + "  ")


def recommendation_text(rec: dict) -> str:
    lines: list[str] = []
    if rec["prototype"] is None:
        lines.append("No workable recommendation.")
        lines.append(_wrap(rec["unmet"]["message"]))
        for r in rec["unmet"]["relax"][1:]:
            change = f"{r['need']}={r['instead']}" if "instead" in r else f"relax {r['need']}"
            lines.append(_wrap(f"or {change}: nearest {r['nearest_name']} (score {r['score']:.1f})"))
        for w in rec["warnings"]:
            lines.append(_wrap("! " + w))
        return "\n".join(lines) + "\n"
    p, d, b = rec["prototype"], rec["deployment"], rec["bridge"]
    via = {"onnx": "ONNX", "native": "a native route"}[b["format"]] if b["kind"] != "same" else "no bridge: the same framework"
    lines.append(f"Prototype in {p['name']}, deploy with {d['name']} ({via}).   as of {rec['as_of']}")
    lines.append("")
    lines.append("Why")
    lines.append(_wrap(f"Prototype: {p['name']} (score {p['score']:.1f}/100): " + "; ".join(p["reasons"]) + "."))
    lines.append(_wrap(f"Deployment: {d['name']} (score {d['score']:.1f}/100): " + "; ".join(d["reasons"]) + "."))
    lines.append("")
    lines.append(f"Bridge: {b['exporter']} -> {b['importer']} ({b['maturity']})")
    lines.append(_wrap(b["why"]))
    for i, step in enumerate(b["steps"], 1):
        lines.append(_wrap(f"{i}. {step}"))
    if b.get("alternative"):
        a = b["alternative"]
        lines.append(_wrap(f"Also possible: {a['format']} via {a['exporter']} ({a['maturity']})."))
    lines.append("")
    lines.append("The Showdown's route (prototype, export to ONNX, deploy with a runtime that imports it)")
    lines.append(_wrap(rec["showdown_route"]["explanation"]))
    lines.append("")
    lines.append("Runners-up")
    for side, ranking in (("prototype", rec["prototype_ranking"]), ("deployment", rec["deployment_ranking"])):
        for r in [r for r in ranking if r["id"] != rec[side]["id"]][:2]:
            why = "; ".join(r["why_not"]) or "close behind"
            lines.append(_wrap(f"{side:<10} #{r['rank']} {r['name']} ({r['score']:.1f}): {why}"))
    rb = rec["robustness"]
    lines.append("")
    lines.append(f"How firm: {rb['firmness']} — the pair stays first in {rb['stays_first']:.0%} of "
                 f"{rb['samples']} runs with weights jittered by ±{rb['sigma']:.0%}.")
    flip = rb.get("smallest_flip")
    if flip:
        lines.append(_wrap(f"Smallest change that flips it: the {flip['side']} weight of “{flip['label']}” "
                           f"{flip['from']:g} -> {flip['to']:g} makes {flip['new_pick_name']} the pick."))
    else:
        lines.append(_wrap("No single weight, from dropped to five times its value, changes the pick."))
    if rec["warnings"]:
        lines.append("")
        lines.append("Warnings")
        for w in rec["warnings"]:
            lines.append(_wrap("! " + w))
    return "\n".join(lines) + "\n"
