"""The presenter: a Recommendation in words. Every sentence a person reads about a recommendation
(text, chat, report, batch notes, the JSON's explanations) is written here, once.

Pure: it takes the engine's typed Recommendation and returns strings and plain data.
"""

from __future__ import annotations

import textwrap
from functools import lru_cache

from advisor import recommendation as R

FIRMNESS_WORDS = {
    "firm": "Small changes in how much each criterion matters would not change this pick.",
    "fairly firm": "The pick holds under most small changes in the weights; a few would change it.",
    "leaning": "The pick is ahead, but modest changes in the weights often change it: weigh the runner-up too.",
    "a close call": "The pick is barely ahead: treat the top candidates as equals and decide on what the "
    "numbers cannot see (your team's experience, existing code).",
}
SHOWDOWN_ARGUMENT = (
    "The Deep Learning Showdown (2018) ends with this advice: prototype in a framework you enjoy "
    "that exports to ONNX, then deploy with whatever runtime fits your target and imports ONNX. "
    "The framework can then change without touching production, and the runtime is chosen for "
    "the target rather than for the research code."
)
NO_ROUTE = "No workable pair, so no route to explain."


# ---------------------------------------------------------------- small words


def listing(items) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _lower(label: str) -> str:
    return label if label[:2].isupper() else label[0].lower() + label[1:]  # keep "ONNX import"


def need_text(key: str, value) -> str:
    return f"{key}={'+'.join(value) if isinstance(value, (tuple, list)) else value}"


def label(rec: R.Recommendation, crit: str) -> str:
    return rec.labels.get(crit) or crit.replace("_", " ").capitalize()


def headline(rec: R.Recommendation) -> str:
    """"Prototype in X, deploy with Y" (or that nothing works)."""
    if not rec.ok:
        return "No workable recommendation"
    return f"Prototype in {rec.prototype.name}, deploy with {rec.deployment.name}"


def bridge_phrase(b: R.Bridge | None, style: str = "short") -> str:
    """The bridge in a few words: `short` for the text headline, `chat`, or `report` (with maturity)."""
    if b is None:
        return "(no bridge)" if style == "chat" else ""
    via = "ONNX" if b.format == "onnx" else "a native route"
    if style == "short":
        return via if b.kind != "same" else "no bridge: the same framework"
    if style == "chat":
        return "(no bridge: the same framework)" if b.kind == "same" else f"via {via} ({b.exporter} -> {b.importer})"
    if b.kind == "same":
        return "no bridge: the same framework deploys its own models"
    return f"{via} ({b.exporter} → {b.importer}, {b.maturity})"


def pair_name(prototype: str, deployment: str, same: bool) -> str:
    return f"{prototype} deploying itself" if same else f"{prototype} -> {deployment}"


# ---------------------------------------------------------------- reasons and why-not


def reasons(rec: R.Recommendation, c: R.Candidate, n: int = 3) -> list[str]:
    """The candidate's strongest criteria (weight x value)."""
    strong = sorted(c.contributions, key=lambda x: (-x.weight * x.value, x.criterion))
    out = []
    for x in strong[:n]:
        if x.weight <= 0:
            continue
        note = "" if x.known else " (estimated: no fact recorded)"
        out.append(f"{label(rec, x.criterion)}: {round(100 * x.value)}/100 at weight {x.weight:g}{note}")
    return out


def gaps(rec: R.Recommendation, c: R.Candidate, best: R.Candidate, n: int = 2) -> list[str]:
    """Where `c` loses most against `best` (its largest extra distance to the ideal)."""
    found = []
    for x in c.contributions:
        b = best.contribution(x.criterion)
        loss = x.gap - b.gap
        if loss > 1e-9:
            found.append((-loss, x.criterion, x, b))
    found.sort(key=lambda t: (t[0], t[1]))
    return [f"{label(rec, crit)}: {round(100 * x.value)}/100 vs {round(100 * b.value)}/100 for {best.name}"
            for _, crit, x, b in found[:n]]


def _ranking(rec: R.Recommendation, side: str) -> tuple[R.Candidate, ...]:
    return rec.prototype_ranking if side == "prototype" else rec.deployment_ranking


def _best(rec: R.Recommendation, side: str) -> R.Candidate | None:
    """What the side's candidates are explained against: the pick, else the first."""
    ranking = _ranking(rec, side)
    if rec.ok:
        pick = rec.prototype if side == "prototype" else rec.deployment
        return next((c for c in ranking if c.id == pick.id), None)
    return ranking[0] if ranking else None


def why_not(rec: R.Recommendation, side: str, c: R.Candidate) -> list[str]:
    """Why `c` is not the pick on its side: its gaps against the pick, or, when it ranks above the pick
    on its own, which pair it would have made and by how much that pair lost."""
    best = _best(rec, side)
    if best is None or c.id == best.id:
        return []
    if rec.ok and c.rank < best.rank:
        if c.best_pair is None:
            other = "runtime that meets your needs" if side == "prototype" else "live framework"
            return [f"it ranks above {best.name} on its own, but no bridge joins it to a {other}"]
        bp = c.best_pair
        pair = pair_name(bp.prototype_name, bp.deployment_name, bp.prototype == bp.deployment)
        return [f"it ranks above {best.name} on its own, but its best pair ({pair}) scores {bp.score:.1f} "
                f"against {rec.pair_score:.1f} for the pick"]
    return gaps(rec, c, best)


# ---------------------------------------------------------------- the bridge


def bridge_why(rec: R.Recommendation) -> str:
    """Why this bridge: ONNX by default (the Showdown's route), native only when clearly better."""
    b, ps, ds = rec.bridge, rec.prototype, rec.deployment
    alt = b.alternative
    if b.kind == "same":
        return f"{ds.name} runs models of its own framework, so nothing needs converting."
    if b.kind == "onnx":
        if alt:
            return (f"ONNX ({b.exporter}, {b.maturity}) is about as sound as the native {alt.exporter} "
                    f"({alt.maturity}) and keeps the prototype free to change, so ONNX it is.")
        return f"{ps.name} exports ONNX with {b.exporter} and {ds.name} imports it."
    if not ds.imports_onnx:
        return f"{ds.name} does not import ONNX, so the route is native: {b.exporter} ({b.maturity})."
    if alt:
        return (f"The native {b.exporter} ({b.maturity}) is clearly sounder than the ONNX route "
                f"({alt.exporter}, {alt.maturity}).")
    return f"{ps.name} has no ONNX exporter here, so the route is native: {b.exporter} ({b.maturity})."


@lru_cache(maxsize=1)
def _steps_data() -> dict:
    from advisor.files import load_yaml
    from advisor.paths import packaged_dir

    return load_yaml((packaged_dir("prompts") / "steps.yaml").read_text(encoding="utf-8"))


def export_entry(exporter: str) -> dict:
    """The steps.yaml entry for an ONNX exporter (its step text and the opset the steps use)."""
    return next(e for e in _steps_data()["export"] if e["match"] in exporter)


def bridge_steps(rec: R.Recommendation) -> list[str]:
    """Concrete steps from prompts/steps.yaml: export, check, verify when it can, load and run."""
    return route_steps(rec.bridge, rec.prototype, rec.deployment)


OPENVINO_DEVICES = {"intel_cpu": "CPU", "arm": "CPU", "intel_gpu": "GPU", "npu": "NPU"}
ANDROID_LANGUAGES = ("kotlin", "java")
IOS_LANGUAGES = ("swift", "objc")


def route_steps(b: R.Bridge, ps, ds) -> list[str]:
    """The steps for bridge `b` from prototype `ps` to runtime `ds` (anything with .id and .name): export or
    convert, check, verify when it can, load and run in the language named, reach the hardware named, and on
    Android + iOS the other platform's half in its own language."""
    data = _steps_data()
    fields = {
        "prototype": ps.name, "runtime": ds.name, "exporter": b.exporter, "importer": b.importer,
        "language": b.language, "prototype_id": ps.id, "runtime_id": ds.id,
        "device": OPENVINO_DEVICES.get(b.hardware or "", "AUTO"),
    }
    if b.kind == "same":
        steps = [data["native"]["same"].format(**fields)]
    elif b.kind == "native":
        exporter = b.exporter.lower()
        convert = next((e["step"] for e in data["native_export"] if e["match"] in exporter), None)
        load = _load_step(data, "native_load", ds.id, b.language, data["native"]["load"])
        steps = ([data["native"]["any"]] if convert is None else [convert, load])
    else:
        entry = export_entry(b.exporter)
        fields["opset"] = entry["opset"]
        steps = [entry["step"], data["check"]]
        can = data["verifiable"]
        if ps.id in can["prototypes"] and ds.id in can["runtimes"]:
            steps.append(data["verify"])
        steps.append(_load_step(data, "load", ds.id, b.language, data["load"][""]["any"]))
    accelerate = data.get("accelerate", {}).get(ds.id, {}).get(b.hardware or "", {})
    faster = accelerate.get(b.language) or accelerate.get("any")
    if faster:
        steps.append(faster)
    steps = [s.format(**fields) for s in steps]
    half = _other_half(data, b, ds, fields)
    return steps + ([half] if half else [])


def _load_step(data: dict, section: str, runtime_id: str, language: str, fallback: str) -> str:
    loaders = data[section].get(runtime_id) or data["load"][""]
    return loaders.get(language) or loaders.get("any") or fallback


def _other_half(data: dict, b: R.Bridge, ds, fields: dict) -> str | None:
    """On Android + iOS with a language of one platform, how the other platform's app runs the model."""
    if set(b.os) != {"android", "ios"} or b.kind == "same":
        return None
    if b.language in ANDROID_LANGUAGES:
        other, language = "ios", "swift"
    elif b.language in IOS_LANGUAGES:
        other, language = "android", "kotlin"
    else:
        return None  # one codebase (C++, C#, JavaScript, Rust) serves both
    section = "native_load" if b.kind == "native" else "load"
    step = _load_step(data, section, ds.id, language, data["native"]["load"])
    step = step.format(**{**fields, "language": language})
    return data["other_half"][other].format(runtime=ds.name, step=step[0].lower() + step[1:])


def showdown_route(rec: R.Recommendation) -> str:
    """Does the Showdown's advice (prototype, export to ONNX, deploy with a runtime that imports it) apply?"""
    if not rec.ok:
        return NO_ROUTE
    b, ps, ds = rec.bridge, rec.prototype, rec.deployment
    if b.kind == "onnx":
        return (f"It applies: prototype in {ps.name}, export with {b.exporter}, and deploy the ONNX file "
                f"with {ds.name}. The prototype stays free to change; the runtime is chosen for the target.")
    if b.kind == "same":
        head = f"{ps.name} deploys its own models here, so no export is needed."
    elif not ds.imports_onnx:
        head = f"{ds.name} does not import ONNX, so the pick goes native ({b.exporter})."
    else:
        head = f"A native route ({b.exporter}) fits {ds.name} better than ONNX does."
    best = rec.showdown_route.best_onnx
    if best:
        tail = (f" The best ONNX route would be {best.prototype_name} -> {best.deployment_name} "
                f"(score {best.score:.1f} against {rec.pair_score:.1f}), a sound fallback if you need to switch "
                "runtimes later.")
    else:
        tail = " No runtime that meets your needs imports ONNX from a live framework, so the ONNX route does not apply."
    if ps.onnx_export:
        tail += f" {ps.name} can still export ONNX ({ps.onnx_export[1]}), which keeps that door open."
    return head + tail


# ---------------------------------------------------------------- warnings, unmet needs, firmness


def notice(rec: R.Recommendation, n) -> str:
    if isinstance(n, R.IgnoredAnswer):
        cond = ", ".join(f"{k} is {'/'.join(v)}" for k, v in n.conditions)
        return f"The answer to '{n.question}' was ignored: it is asked only when {cond}."
    if isinstance(n, R.DeadWouldRank):
        role = "as a prototyping framework" if n.side == "prototype" else "for deployment"
        return (f"{n.name} would rank #{n.rank} {role} but is discontinued since {n.since} ({n.note}); "
                "it is not recommended.")
    if isinstance(n, R.InMaintenance):
        return (f"{n.name}, the {n.role}, is in maintenance since {n.since} ({n.note}): "
                "it works but gets few new features; plan a migration path.")
    if isinstance(n, R.ThinFacts):
        notes = [f"{listing(names)} {'lean' if len(names) > 1 else 'leans'} on facts mostly last checked in {year}"
                 for year, names in n.old]
        if n.estimated:
            notes.append("no facts yet, so estimated at mid-scale, for " + "; ".join(
                f"{name} ({listing([_lower(label(rec, c)) for c in crits])})" for name, crits in n.estimated))
        return (f"Facts are thin at {n.as_of}: " + "; ".join(notes)
                + ". The ranking may not show the state at that date: read it with care.")
    if isinstance(n, R.ShakyBridge):
        return f"The bridge {n.exporter} -> {n.importer} is {n.maturity}."
    raise TypeError(f"no words for {n!r}")


def facts_end(rec: R.Recommendation) -> str | None:
    """An as-of date after the knowledge date: the facts stop at the knowledge date."""
    import datetime as dt

    from advisor.dates import past_knowledge

    if past_knowledge(dt.date.fromisoformat(rec.as_of), dt.date.fromisoformat(rec.knowledge_date)):
        return (f"The facts end on {rec.knowledge_date} (the knowledge date): this is what was known then, "
                f"not what holds on {rec.as_of}.")
    return None


def warnings(rec: R.Recommendation) -> list[str]:
    end = facts_end(rec)
    return ([end] if end else []) + [notice(rec, n) for n in rec.notices]


def unmet_message(rec: R.Recommendation) -> str | None:
    u = rec.unmet
    if u is None:
        return None
    if u.conflict is not None:
        c = u.conflict
        text = (f"{c.question}={c.answer} cannot work with {c.by} (with it, {c.question} is one of: "
                f"{', '.join(c.allowed)}).")
        if u.relax:
            r = u.relax[0]
            text += (f" Change {c.question} (e.g. {c.question}={r.instead}: then {r.nearest_name} is the "
                     f"nearest workable option) or change {c.by.split('=')[0]}.")
        return text
    wanted = ", ".join(need_text(k, v) for k, v in u.needs)
    if u.unreachable:
        names = ", ".join(u.unreachable[:3])
        text = (f"{names} meet{'s' if len(u.unreachable) == 1 else ''} all of: {wanted}, but no live prototyping "
                "framework has a bridge to it at this date.")
    else:
        text = f"No live deployment runtime meets all of: {wanted}."
    if u.relax:
        r = u.relax[0]
        text += f" Relax {need_text(r.need, r.value)}: then {r.nearest_name} is the nearest workable option."
    else:
        text += " Relaxing any single need does not help."
    return text


def flip_sentence(rec: R.Recommendation, style: str = "text") -> str:
    """The smallest single weight change that flips the pick, in words."""
    f = rec.firmness.flip if rec.firmness else None
    if f is None:
        if style == "report":
            return "No single weight, scaled anywhere from zero to five times its value, changes the pick on its own."
        return "No single weight, from dropped to five times its value, changes the pick."
    pick = " + ".join(f.new_pick_names)
    if style == "report":
        direction = "rises" if f.after > f.before else "falls"
        return (f"The smallest single change that flips it: if the {f.side} weight of “{label(rec, f.criterion)}” "
                f"{direction} from {num(f.before, 2)} to {num(f.after, 2)}, {pick} becomes the pick.")
    return (f"Smallest change that flips it: the {f.side} weight of “{label(rec, f.criterion)}” "
            f"{f.before:g} -> {f.after:g} makes {pick} the pick.")


def answer_flip_sentence(rec: R.Recommendation) -> str | None:
    """The smallest change of answer that flips the pick, when one exists."""
    f = rec.firmness.answer_flip if rec.firmness else None
    if f is None:
        return None
    return (f"Had you answered “{f.instead_label}” instead of “{f.answer_label}” ({f.question}), "
            f"{' + '.join(f.new_pick_names)} would be the pick.")


def firmness_line(rec: R.Recommendation, style: str = "text") -> str:
    """How often the pick stays first when the weights are jittered."""
    rb = rec.firmness
    if style == "report":
        return (f"The pair stays first in {pct(rb.stays_first)} of {rb.samples} runs with every weight jittered by "
                f"about ±{pct(rb.sigma)} (the prototyping framework in {pct(rb.prototype_stays_first)}, the "
                f"deployment runtime in {pct(rb.deployment_stays_first)}).")
    return (f"How firm: {rb.word} — the pair stays first in {rb.stays_first:.0%} of "
            f"{rb.samples} runs with weights jittered by ±{rb.sigma:.0%}.")


def also_possible(rec: R.Recommendation, style: str = "text") -> str | None:
    """The other kind of bridge, when both exist."""
    a = rec.bridge.alternative if rec.bridge else None
    if a is None:
        return None
    if style == "report":
        return f"Also possible: {a.format} via {a.exporter} → {a.importer} ({a.maturity})."
    return f"Also possible: {a.format} via {a.exporter} ({a.maturity})."


def num(x, digits: int = 1) -> str:
    """Fixed formatting: trailing zeros dropped (2.0 -> 2, 2.50 -> 2.5), never exponent notation."""
    if x is None:
        return "-"
    text = f"{float(x):.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def pct(x) -> str:
    return f"{round(100 * float(x))}%"


# ---------------------------------------------------------------- JSON (for machines, with the words)


def _candidate_json(rec: R.Recommendation, side: str, c: R.Candidate) -> dict:
    return {
        "id": c.id, "name": c.name, "rank": c.rank, "score": c.score, "status": c.status, "kind": c.kind,
        "reasons": reasons(rec, c), "why_not": why_not(rec, side, c),
        "contributions": {x.criterion: {"value": x.value, "weight": x.weight, "gap": x.gap, "known": x.known,
                                        "checked": x.checked} for x in c.contributions},
    }


def _relax_json(r: R.Relax) -> dict:
    value = list(r.value) if isinstance(r.value, tuple) else r.value
    if r.instead is not None:
        return {"need": r.need, "value": value, "instead": r.instead, "nearest": r.nearest,
                "nearest_name": r.nearest_name, "score": r.score}
    return {"need": r.need, "value": value, "nearest": r.nearest, "nearest_name": r.nearest_name, "score": r.score}


def recommendation_json(rec: R.Recommendation) -> dict:
    """The Recommendation for machines: every fact, and the explanations in words."""
    ok = rec.ok
    p, d, b = rec.prototype, rec.deployment, rec.bridge
    pick_p = _best(rec, "prototype") if ok else None
    pick_d = _best(rec, "deployment") if ok else None
    out = {
        "as_of": rec.as_of, "knowledge_date": rec.knowledge_date, "answers": dict(rec.answers),
        "given": list(rec.given),
        "weights": {"prototype": dict(rec.weights.prototype), "deployment": dict(rec.weights.deployment),
                    "pair": dict(rec.weights.pair)},
        "needs": {k: (list(v) if isinstance(v, (list, tuple)) else v) for k, v in rec.needs.items()},
        "prototype": None if not ok else {"id": p.id, "name": p.name, "score": p.score, "status": p.status,
                                          "reasons": reasons(rec, pick_p)},
        "deployment": None if not ok else {"id": d.id, "name": d.name, "score": d.score, "status": d.status,
                                           "kind": d.kind, "reasons": reasons(rec, pick_d)},
        "bridge": None if b is None else {
            "format": b.format, "kind": b.kind, "exporter": b.exporter, "importer": b.importer,
            "maturity": b.maturity, "steps": bridge_steps(rec),
            "alternative": None if b.alternative is None else {
                "format": b.alternative.format, "exporter": b.alternative.exporter,
                "importer": b.alternative.importer, "maturity": b.alternative.maturity},
            "why": bridge_why(rec), "sources": list(b.sources),
        },
        "pair_score": None if rec.pair_score is None else round(rec.pair_score, 2),
        "alternatives": [{"prototype": a.prototype, "deployment": a.deployment, "bridge": a.format,
                          "exporter": a.exporter, "score": a.score} for a in rec.alternatives],
        "prototype_ranking": [_candidate_json(rec, "prototype", c) for c in rec.prototype_ranking],
        "deployment_ranking": [_candidate_json(rec, "deployment", c) for c in rec.deployment_ranking],
        "showdown_route": {"applies": rec.showdown_route.applies, "explanation": showdown_route(rec)},
        "warnings": warnings(rec),
        "robustness": None if rec.firmness is None else _firmness_json(rec),
        "unmet": None if rec.unmet is None else _unmet_json(rec),
        "sources": [{"id": s.id, "ref": s.ref, "title": s.title, "date": s.date} for s in rec.sources],
        "verification": None if rec.verification is None else rec.verification.to_json(),
    }
    return out


def _firmness_json(rec: R.Recommendation) -> dict:
    rb = rec.firmness
    f = rb.flip
    return {
        "samples": rb.samples, "seed": rb.seed, "sigma": rb.sigma, "stays_first": rb.stays_first,
        "prototype_stays_first": rb.prototype_stays_first, "deployment_stays_first": rb.deployment_stays_first,
        "firmness": rb.word,
        "smallest_flip": None if f is None else {
            "side": f.side, "criterion": f.criterion, "from": f.before, "to": f.after, "change": f.change,
            "new_pick": " + ".join(f.new_pick), "label": label(rec, f.criterion),
            "new_pick_name": " + ".join(f.new_pick_names)},
        "answer_flip": None if rb.answer_flip is None else {
            "question": rb.answer_flip.question, "answer": rb.answer_flip.answer, "instead": rb.answer_flip.instead,
            "new_pick": " + ".join(rb.answer_flip.new_pick), "text": answer_flip_sentence(rec)},
    }


def _unmet_json(rec: R.Recommendation) -> dict:
    u = rec.unmet
    out = {"message": unmet_message(rec), "relax": [_relax_json(r) for r in u.relax]}
    if u.conflict is not None:
        c = u.conflict
        out["conflict"] = {"question": c.question, "answer": c.answer, "with": c.by, "allowed": list(c.allowed)}
    return out


# ---------------------------------------------------------------- text (recommend, the wizard, chat's details)


def _wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(text, width=92, initial_indent=indent, subsequent_indent=indent + "  ")


def text(rec: R.Recommendation) -> str:
    """The recommendation for a person at a terminal."""
    lines: list[str] = []
    if not rec.ok:
        lines.append("No workable recommendation.")
        lines.append(_wrap(unmet_message(rec)))
        for r in rec.unmet.relax[1:]:
            change = f"{r.need}={r.instead}" if r.instead is not None else f"relax {r.need}"
            lines.append(_wrap(f"or {change}: nearest {r.nearest_name} (score {r.score:.1f})"))
        for w in warnings(rec):
            lines.append(_wrap("! " + w))
        return "\n".join(lines) + "\n"
    p, d, b = rec.prototype, rec.deployment, rec.bridge
    lines.append(f"{headline(rec)} ({bridge_phrase(b)}).   as of {rec.as_of}")
    lines.append("")
    lines.append("Why")
    lines.append(_wrap(f"Prototype: {p.name} (score {p.score:.1f}/100): " + "; ".join(reasons(rec, _best(rec, 'prototype'))) + "."))
    lines.append(_wrap(f"Deployment: {d.name} (score {d.score:.1f}/100): " + "; ".join(reasons(rec, _best(rec, 'deployment'))) + "."))
    lines.append("")
    lines.append(f"Bridge: {b.exporter} -> {b.importer} ({b.maturity})")
    lines.append(_wrap(bridge_why(rec)))
    for i, step in enumerate(bridge_steps(rec), 1):
        lines.append(_wrap(f"{i}. {step}"))
    if b.alternative:
        lines.append(_wrap(also_possible(rec)))
    lines.append("")
    lines.append("The Showdown's route (prototype, export to ONNX, deploy with a runtime that imports it)")
    lines.append(_wrap(showdown_route(rec)))
    lines.append("")
    lines.append("Runners-up")
    for side, pick in (("prototype", p), ("deployment", d)):
        for c in [c for c in _ranking(rec, side) if c.id != pick.id][:2]:
            why = "; ".join(why_not(rec, side, c)) or "close behind"
            lines.append(_wrap(f"{side:<10} #{c.rank} {c.name} ({c.score:.1f}): {why}"))
    lines.append("")
    lines.append(firmness_line(rec))
    lines.append(_wrap(flip_sentence(rec)))
    if answer_flip_sentence(rec):
        lines.append(_wrap(answer_flip_sentence(rec)))
    ws = warnings(rec)
    if ws:
        lines.append("")
        lines.append("Warnings")
        for w in ws:
            lines.append(_wrap("! " + w))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- batch


def batch_note(rec: R.Recommendation) -> str | None:
    """The note column of a batch row: which need to relax when nothing works."""
    return unmet_message(rec)


# ---------------------------------------------------------------- the chat


def chat_headline(rec: R.Recommendation) -> list[str]:
    """The chat's short form: the pair (or why there is none) and how firm it is."""
    if not rec.ok:
        return ["No workable recommendation: " + unmet_message(rec)]
    p, d = rec.prototype, rec.deployment
    lines = [f"Prototype in {p.name} ({p.score:.1f}/100), deploy with {d.name} "
             f"({d.score:.1f}/100) {bridge_phrase(rec.bridge, 'chat')}.   as of {rec.as_of}"]
    rb = rec.firmness
    if rb:
        lines.append(f"How firm: {rb.word} (stays first in {rb.stays_first:.0%} of {rb.samples} "
                     "runs with jittered weights).")
    return lines


def chat_difference(old: R.Recommendation, new: R.Recommendation) -> list[str]:
    """What changed between two recommendations, after a change of answer."""
    lines = []
    changed = [f"{q} {old.answers.get(q, '-')} -> {v}" for q, v in new.answers.items() if old.answers.get(q) != v]
    if changed:
        lines.append("Changed: " + ", ".join(changed) + ".")
    for a, b, role in ((old.prototype, new.prototype, "Prototype"), (old.deployment, new.deployment, "Deployment")):
        if a is None and b is None:
            continue
        name_a, name_b = a.name if a else "none", b.name if b else "none"
        if name_a == name_b and b is not None:
            lines.append(f"{role}: {name_b} (unchanged; score {a.score:.1f} -> {b.score:.1f}).")
        else:
            score = f" ({b.score:.1f}/100)" if b else ""
            lines.append(f"{role}: {name_a} -> {name_b}{score}.")
    if not new.ok:
        lines.append("No workable recommendation: " + unmet_message(new))
    elif old.bridge is None or bridge_phrase(old.bridge, "chat") != bridge_phrase(new.bridge, "chat"):
        lines.append(f"Bridge: {bridge_phrase(new.bridge, 'chat')}.")
    before = warnings(old)
    for w in warnings(new):
        if w not in before:
            lines.append("! " + w)
    return lines


def separating(rec: R.Recommendation, a: R.Candidate, b: R.Candidate, n: int = 3) -> tuple[list[str], list[str]]:
    """The weighted criteria that separate `a` from `b` most: (where a is ahead, where b is ahead),
    each "label: a's value vs b's value, weight w", largest weighted difference first."""
    ahead, behind = [], []
    for x in a.contributions:
        if x.weight <= 0:
            continue
        y = b.contribution(x.criterion)
        d = y.gap - x.gap  # > 0: a is nearer the ideal on this criterion
        if abs(d) <= 1e-9:
            continue
        note = "" if x.known and y.known else " (estimated)"
        line = (f"{label(rec, x.criterion)}: {round(100 * x.value)} vs {round(100 * y.value)}/100, "
                f"weight {x.weight:g}{note}")
        (ahead if d > 0 else behind).append((-abs(d), x.criterion, line))
    return [t[2] for t in sorted(ahead)[:n]], [t[2] for t in sorted(behind)[:1]]


def _runner_up(rec: R.Recommendation, side: str, pick: R.Candidate) -> R.Candidate | None:
    return next((c for c in _ranking(rec, side) if c.id != pick.id), None)


def _why_side(rec: R.Recommendation, side: str, role: str, pick: R.Candidate, other: R.Candidate | None) -> list[str]:
    lines = [f"{pick.name} for {role} (score {pick.score:.1f}/100)"
             + (f", against {other.name} ({other.score:.1f}), the runner-up:" if other else ", the only candidate:")]
    if other is None:
        return lines
    if other.rank < pick.rank:  # the runner-up ranks higher on its own and lost on the pair
        lines += [f"  - {r}" for r in why_not(rec, side, other)]
    ahead, behind = separating(rec, pick, other)
    if ahead:
        lines.append("  ahead on " + "; ".join(ahead))
    if behind:
        lines.append("  behind on " + behind[0])
    if not ahead and not behind:
        lines.append("  no weighted criterion separates them; the bridge and the pair decide")
    return lines


def chat_why(rec: R.Recommendation) -> str:
    """Why this pair: on each side, the weighted criteria that separate the pick from the runner-up
    (values and weights), the hard needs met, the bridge."""
    if not rec.ok:
        return "No workable recommendation: " + unmet_message(rec)
    b = rec.bridge
    lines = []
    for side, role in (("prototype", "prototyping"), ("deployment", "deployment")):
        pick = _best(rec, side)
        if pick is not None:
            lines += _why_side(rec, side, role, pick, _runner_up(rec, side, pick))
    needs = ", ".join(need_text(k, v) for k, v in rec.needs.items() if v)
    if needs:
        lines.append(f"It meets your hard needs: {needs}.")
    lines.append(f"Bridge: {b.exporter} -> {b.importer} ({b.maturity}).")
    lines.append(showdown_route(rec))
    return "\n".join(lines)


def chat_why_vs(rec: R.Recommendation, a, b) -> str:
    """"Why A and not B?": on each side where both are candidates, what separates them (weights
    and values), or the hard need or lifecycle that rules one out."""
    lines = []
    for side, role in (("prototype", "prototyping framework"), ("deployment", "deployment runtime")):
        ranking = {c.id: c for c in _ranking(rec, side)}
        ca, cb = ranking.get(a.id), ranking.get(b.id)
        if ca is None and cb is None:
            continue
        if ca is None or cb is None:
            there, missing = (ca, b) if ca is not None else (cb, a)
            lines.append(f"As a {role}, only {there.name} is a candidate (#{there.rank}, {there.score:.1f}); "
                         f"{missing.name} is not (see \"why not {missing.name}\").")
            continue
        first, second = (ca, cb) if ca.rank <= cb.rank else (cb, ca)
        lines.append(f"As a {role}, {first.name} ranks #{first.rank} ({first.score:.1f}) and "
                     f"{second.name} #{second.rank} ({second.score:.1f}).")
        ahead, behind = separating(rec, first, second)
        if ahead:
            lines.append(f"  {first.name} is ahead on " + "; ".join(ahead))
        if behind:  # values in the same order as above: first's vs second's
            lines.append(f"  {first.name} is behind on " + behind[0])
    if not lines:
        return f"Neither {a.name} nor {b.name} is a candidate for these answers as of {rec.as_of}."
    return "\n".join(lines)


def chat_why_not(rec: R.Recommendation, s) -> str:
    """Why not `s` (a catalog subject): its rank and gaps on each side, or the hard need it fails."""
    lines = []
    for side, role in (("prototype", "prototyping framework"), ("deployment", "deployment runtime")):
        ranking = _ranking(rec, side)
        entry = next((c for c in ranking if c.id == s.id), None)
        pick = rec.prototype if side == "prototype" else rec.deployment
        if entry is None:
            continue
        if pick is not None and pick.id == s.id:
            lines.append(f"{s.name} is the recommended {role} (#{entry.rank} of {len(ranking)}, "
                         f"score {entry.score:.1f}).")
            continue
        lines.append(f"As a {role}, {s.name} ranks #{entry.rank} of {len(ranking)} with {entry.score:.1f}"
                     + (f", against {pick.name} {pick.score:.1f}." if pick else "."))
        reasons_not = why_not(rec, side, entry)
        pick_rank = next((c.rank for c in ranking if pick is not None and c.id == pick.id), None)
        if reasons_not and pick_rank is not None and entry.rank < pick_rank:  # it lost on the pair
            lines.append("  " + reasons_not[0][0].upper() + reasons_not[0][1:] + ".")
        elif reasons_not:
            lines.append("  Where it loses most: " + "; ".join(reasons_not) + ".")
    in_proto = any(c.id == s.id for c in rec.prototype_ranking)
    in_deploy = any(c.id == s.id for c in rec.deployment_ranking)
    if s.status == "discontinued":
        lines.append(f"{s.name} is discontinued since {s.status_since} ({s.status_note}): it is not recommended.")
    elif s.kind == "framework" and not in_proto:
        lines.append(f"{s.name} is not among the live prototyping frameworks as of {rec.as_of}.")
    if s.deployable and not in_deploy and s.status != "discontinued":
        failed = rec.failed_needs.get(s.id, ())
        if failed:
            parts = [f"{need_text(f.need, f.wanted)} (it offers: {' '.join(f.offered) or 'nothing recorded'})"
                     for f in failed]
            lines.append(f"As a deployment runtime, {s.name} fails the hard need(s) " + "; ".join(parts) + ".")
    if s.kind == "framework" and not s.deployable and in_proto:
        lines.append(f"{s.name} does not deploy models itself here; it needs a bridge to a runtime.")
    return "\n".join(lines) or f"{s.name} is not a candidate for these answers as of {rec.as_of}."


def chat_compare(rec: R.Recommendation, a, b) -> str:
    """Two subjects side by side on each side's weighted criteria (values out of 100)."""
    from advisor.output import table

    out = []
    for side in ("prototype", "deployment"):
        ranking = {c.id: c for c in _ranking(rec, side)}
        ra, rb = ranking.get(a.id), ranking.get(b.id)
        if ra is None and rb is None:
            continue

        def head(r, s):
            return f"#{r.rank} {r.score:.1f}" if r else ("discontinued" if s.status == "discontinued" else "not a candidate")

        def cell(r, crit):
            if not r:
                return "-"
            x = r.contribution(crit)
            return f"{round(100 * x.value)}" + ("" if x.known else "?")

        rows = [{"c": "rank, score", "w": "", "a": head(ra, a), "b": head(rb, b)}]
        for x in (ra or rb).contributions:
            if x.weight <= 0:
                continue
            rows.append({"c": label(rec, x.criterion), "w": f"{x.weight:g}", "a": cell(ra, x.criterion),
                         "b": cell(rb, x.criterion)})
        out.append(f"As {side} ({'framework' if side == 'prototype' else 'runtime'}), values out of 100:")
        out.append(table(rows, [("c", "CRITERION"), ("w", "WEIGHT"), ("a", a.name), ("b", b.name)]).rstrip("\n"))
    if not out:
        return f"Neither {a.name} nor {b.name} is a candidate for these answers as of {rec.as_of}."
    return "\n".join(out) + "\n(? = estimated: no fact recorded)"


# ---------------------------------------------------------------- the report's plain words

GLOSSARY = {
    "sponsor": "who funds the project, from one person (0) to a company that puts many people on it",
    "activity": "how busy development is: recent commits and merged pull requests",
    "ecosystem": "how many people use it: projects on GitHub and questions on Stack Overflow",
    "documentation": "how good the official documentation is",
    "graph": "how a model is written: dynamic graphs (define-by-run: ordinary code you can step through in a "
             "debugger) score highest, symbolic graphs (declared first, then run) lower",
    "numerics": "how mature and easy the numeric back end (tensors, GPU maths) is",
    "ootb_ops": "how many common neural-network layers and optimisers come built in",
    "languages": "in how many programming languages its API can be used",
    "scalability": "whether it trains and predicts across several machines",
    "os_support": "how many operating systems it officially supports",
    "aws": "how well Amazon Web Services supports it", "gcp": "how well Google Cloud supports it",
    "azure": "how well Microsoft Azure supports it",
    "onnx": "whether it exports models to ONNX, the open exchange format runtimes import",
    "lifecycle": "whether the project is alive (active), only maintained, or discontinued",
    "target_fit": "how proven it is where your model will run",
    "language_fit": "how well it serves your language: its own binding best, then a language that calls it "
                    "natively, then a community binding or an HTTP/gRPC API",
    "hardware_use": "how well it uses the hardware you named (GPU kernels, accelerators)",
    "hardware_breadth": "on how many kinds of hardware it runs",
    "task_fit": "whether it is made for your kind of model (LLMs, generative media, vision)",
    "onnx_import": "whether it loads ONNX files, so the prototype can change without touching production",
}


def glossary(rec: R.Recommendation, crits) -> list[tuple[str, str]]:
    """(label, plain meaning) for each criterion named, in order, once."""
    out = []
    for c in dict.fromkeys(crits):
        if c in GLOSSARY:
            out.append((label(rec, c), GLOSSARY[c]))
    return out


def needs_text(rec: R.Recommendation) -> list[str]:
    """The hard needs in plain words ("runs on server", "is called from kotlin (or through java, which it
    calls natively)"), not the engine's keys (language_via = java)."""
    out = []
    needs = rec.needs
    via = needs.get("language_via") or []
    for key, value in needs.items():
        if key == "language_via" or value in (None, [], ""):
            continue
        if key == "os":
            text = f"runs on {' and '.join(value) if isinstance(value, list) else value}"
        elif key == "language":
            text = f"can be called from {value}"
            if via:
                text += f" (directly, or through {' or '.join(via)}, which {value} calls natively)"
        elif key == "task":
            text = f"runs {value} models"
        elif key == "hardware":
            text = f"runs on {str(value).replace('_', ' ')}"
        else:
            text = f"runs on {value}" if key == "target" else f"{key}: {value}"
        out.append("it " + text)
    return out


def showdown_order(rec: R.Recommendation) -> str:
    """What the Showdown table ranks by, and, when a framework below the pick scores higher there, why
    the pick still leads: said plainly, right under the table."""
    rows = rec.showdown
    if not rows:
        return ""
    head = ("Ranked as for your answers (#: the prototyping score with your weights); the three categories and "
            "the overall are the Showdown's own, equal-weight scoring, shown for comparison.")
    if not rec.ok:
        return head
    pick = next((r for r in rows if r.id == rec.prototype.id), None)
    if pick is None:
        return head + f" {rec.prototype.name}, the pick, is not among these: it won on the pair with the runtime."
    better = [r for r in rows if r.id != pick.id and r.overall > pick.overall]
    if not better:
        return head + f" {pick.name} leads on the Showdown's overall score too."
    words = []
    for r in better:
        c = rec.candidate("prototype", r.id)
        reasons_ = why_not(rec, "prototype", c) if c is not None else []
        words.append(f"{r.name} scores higher on the Showdown's overall ({num(r.overall)} against {num(pick.overall)})"
                     + (f", but for your answers {'; '.join(reasons_)}" if reasons_ else ""))
    return (head + " The pick is chosen on your weights and on the pair with the runtime, not on the Showdown's "
            "overall: " + "; ".join(words) + ".")
