"""The one door: recommend(answers, catalog) -> Recommendation. Pure and deterministic."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

import numpy as np

from advisor import rank as ranking
from advisor import robustness
from advisor.answers import Answers
from advisor.catalog import Catalog, Subject
from advisor.pairing import Route, pair_score, routes
from advisor.questions import QuestionSet
from advisor.steps import bridge_steps
from advisor.weights import Needs, Profile, derive

NEED_CAPABILITY = {"target": "targets", "os": "os", "language": "languages", "hardware": "hardware"}
TOP_WARN = 3  # a dead project that would have ranked this high is shown with a warning
MIN_KNOWN = 0.5  # a framework is ranked only when at least half its criteria are known facts
STALE_YEARS = 2  # a fact this much older than the as-of date may no longer hold
LEADERS = 3  # the candidates per side whose facts decide the pick


def _known_share(feats: dict) -> float:
    scored = [f for c, f in feats.items() if c != "lifecycle"]
    return sum(f.known for f in scored) / len(scored) if scored else 0.0


@dataclass
class Recommendation:
    as_of: str
    knowledge_date: str
    answers: dict
    given: list
    weights: dict
    needs: dict
    prototype: dict | None
    deployment: dict | None
    bridge: dict | None
    pair_score: float | None
    alternatives: list
    prototype_ranking: list
    deployment_ranking: list
    showdown_route: dict
    warnings: list
    robustness: dict | None
    unmet: dict | None
    sources: list
    verification: dict | None = field(default=None)

    def to_json(self) -> dict:
        return asdict(self)


# ---------------------------------------------------------------- hard needs


def meets(s: Subject, needs: Needs) -> list[str]:
    """The hard needs `s` fails (empty when it meets them all). Unknown capability fails."""
    failed = []
    caps = s.capabilities
    for key, value in needs.items():
        have = set(caps.get(NEED_CAPABILITY[key], ()))
        if key == "language":  # one binding suffices: the language's own or one it calls natively
            if not have & {value, *needs.language_via}:
                failed.append(key)
            continue
        wanted = set(value) if isinstance(value, tuple) else {value}
        if not wanted <= have:
            failed.append(key)
    return failed


def _need_text(key: str, value) -> str:
    return f"{key}={'+'.join(value) if isinstance(value, tuple) else value}"


# ---------------------------------------------------------------- explanation


DEPLOY_LABELS = {
    "target_fit": "Fit for the target", "language_breadth": "Language bindings",
    "hardware_breadth": "Hardware coverage", "onnx_import": "ONNX import", "lifecycle": "Lifecycle (active project)",
}


def criterion_label(cat: Catalog | None, crit: str) -> str:
    """A criterion's name for people (the knowledge's label, or the deployment feature's)."""
    if crit in DEPLOY_LABELS:
        return DEPLOY_LABELS[crit]
    if cat is not None and crit in cat.criteria:
        return cat.criteria[crit].label
    return crit.replace("_", " ").capitalize()


def _reasons(cat: Catalog, r: ranking.Ranked, n: int = 3) -> list[str]:
    strong = sorted(r.contributions.items(), key=lambda kv: (-kv[1]["weight"] * kv[1]["value"], kv[0]))
    out = []
    for crit, c in strong[:n]:
        if c["weight"] <= 0:
            continue
        note = "" if c["known"] else " (estimated: no fact recorded)"
        out.append(f"{criterion_label(cat, crit)}: {round(100 * c['value'])}/100 at weight {c['weight']:g}{note}")
    return out


def _why_not(cat: Catalog, r: ranking.Ranked, best: ranking.Ranked, n: int = 2) -> list[str]:
    gaps = []
    for crit, c in r.contributions.items():
        b = best.contributions[crit]
        loss = c["gap"] - b["gap"]
        if loss > 1e-9:
            gaps.append((-loss, crit, c, b))
    gaps.sort()
    return [
        f"{criterion_label(cat, crit)}: {round(100 * c['value'])}/100 vs {round(100 * b['value'])}/100 for {best.name}"
        for _, crit, c, b in gaps[:n]
    ]


def _ranking_json(cat: Catalog, ranked: list[ranking.Ranked], subjects: dict[str, Subject],
                  pick: str | None = None, above=None) -> list[dict]:
    """Each candidate with its reasons and why-not: the gaps against the pick on this side (against the
    first when there is no pick); `above(r)` explains one that ranks higher on its own but lost the pair."""
    best = next((r for r in ranked if r.id == pick), None) if pick else (ranked[0] if ranked else None)

    def why_not(r: ranking.Ranked) -> list[str]:
        if best is None or r is best:
            return []
        if above is not None and r.rank < best.rank:
            return above(r)
        return _why_not(cat, r, best)

    return [
        {
            "id": r.id, "name": r.name, "rank": r.rank, "score": r.score,
            "status": subjects[r.id].status, "kind": subjects[r.id].kind,
            "reasons": _reasons(cat, r), "why_not": why_not(r),
            "contributions": r.contributions,
        }
        for r in ranked
    ]


def _thin_facts(cat: Catalog, leaders: list[ranking.Ranked]) -> str | None:
    """One warning naming the leading candidates whose weighted facts were mostly last checked (their
    newest source) STALE_YEARS or more before the as-of date, or are estimated (none recorded by then):
    the ranking may not show the state at that date."""
    as_of = cat.as_of
    limit = dt.date(as_of.year - STALE_YEARS, as_of.month, min(as_of.day, 28)).isoformat()
    old: dict[str, list[str]] = {}  # the year of the newest source -> names
    estimated: list[str] = []
    seen: set[str] = set()
    for r in leaders:
        if r.id in seen:
            continue
        seen.add(r.id)
        weighted = [v for v in r.contributions.values() if v["weight"] > 0]
        checked = sorted(v["checked"] for v in weighted if v["checked"])
        median = checked[len(checked) // 2] if checked else None
        if median and median < limit:  # most of its facts are old
            old.setdefault(median[:4], []).append(r.name)
        missing = [c for c, v in r.contributions.items() if v["weight"] > 0 and not v["known"]]
        if missing:
            estimated.append(f"{r.name} ({_listing([_lower(criterion_label(cat, c)) for c in missing])})")
    notes = [f"{_listing(names)} {'lean' if len(names) > 1 else 'leans'} on facts mostly last checked in {year}"
             for year, names in sorted(old.items())]
    if estimated:
        notes.append("no facts yet, so estimated at mid-scale, for " + "; ".join(estimated))
    if not notes:
        return None
    return (f"Facts are thin at {as_of.isoformat()}: " + "; ".join(notes)
            + ". The ranking may not show the state at that date: read it with care.")


def _lower(label: str) -> str:
    return label if label[:2].isupper() else label[0].lower() + label[1:]  # keep "ONNX import"


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _lost_the_pair(cat: Catalog, pairs, side: str, pick_name: str, pick_score: float):
    """Why a candidate that outranks the pick on its own side is not in the recommended pair."""
    index = 1 if side == "prototype" else 2

    def explain(r: ranking.Ranked) -> list[str]:
        best = next((t for t in pairs if t[index] == r.id), None)
        if best is None:
            other = "runtime that meets your needs" if side == "prototype" else "live framework"
            return [f"it ranks above {pick_name} on its own, but no bridge joins it to a {other}"]
        sc, p, d, _ = best
        pair = (f"{cat.subjects[p].name} deploying itself" if p == d
                else f"{cat.subjects[p].name} -> {cat.subjects[d].name}")
        return [f"it ranks above {pick_name} on its own, but its best pair ({pair}) scores {sc:.1f} "
                f"against {pick_score:.1f} for the pick"]

    return explain


# ---------------------------------------------------------------- the engine


def recommend(answers: Answers, questions: QuestionSet, cat: Catalog) -> Recommendation:
    with ranking.single_thread():
        return _recommend(answers, questions, cat)


def _recommend(answers: Answers, questions: QuestionSet, cat: Catalog) -> Recommendation:
    profile = derive(answers, questions)
    needs = profile.needs
    pw, dw = profile.prototype, profile.deployment
    pcrits, dcrits = list(pw), list(dw)
    warnings: list[str] = []
    for qid in answers.ignored:
        q = questions.get(qid)
        cond = ", ".join(f"{k} is {'/'.join(v)}" for k, v in q.ask_if.items())
        warnings.append(f"The answer to '{qid}' was ignored: it is asked only when {cond}.")

    frameworks = sorted(cat.kind("framework"), key=lambda s: s.id)
    proto_feats = {s.id: ranking.prototype_features(s, cat, pcrits) for s in frameworks}
    frameworks = [s for s in frameworks if _known_share(proto_feats[s.id]) >= MIN_KNOWN]
    proto_ok = [s for s in frameworks if s.status != "discontinued"]
    proto_all = ranking.rank(frameworks, proto_feats, pw)
    proto_ranked = ranking.rank(proto_ok, proto_feats, pw)
    for r in proto_all[:TOP_WARN]:
        s = cat.subjects[r.id]
        if s.status == "discontinued":
            warnings.append(f"{s.name} would rank #{r.rank} as a prototyping framework but is discontinued "
                            f"since {s.status_since} ({s.status_note}); it is not recommended.")

    candidates = sorted((s for s in cat.subjects.values() if s.deployable), key=lambda s: s.id)
    deploy_feats = {s.id: ranking.deployment_features(s, cat, needs, dcrits) for s in candidates}
    fitting = [s for s in candidates if not meets(s, needs)]
    alive = [s for s in fitting if s.status != "discontinued"]
    for r in ranking.rank(fitting, deploy_feats, dw)[:TOP_WARN]:
        s = cat.subjects[r.id]
        if s.status == "discontinued":
            warnings.append(f"{s.name} would rank #{r.rank} for deployment but is discontinued since "
                            f"{s.status_since} ({s.status_note}); it is not recommended.")
    deploy_ranked = ranking.rank(alive, deploy_feats, dw)

    all_routes = routes(cat)
    live_protos = {s.id for s in proto_ok}
    reachable = {d for (p, d) in all_routes if p in live_protos}
    workable = [s for s in candidates if s.status != "discontinued" and s.id in reachable]
    if profile.conflicts:  # answers that cannot work together: no runtime can meet them
        return Recommendation(
            **_base(cat, answers, profile, proto_ranked, []), prototype=None, deployment=None, bridge=None,
            pair_score=None, alternatives=[],
            showdown_route={"applies": False, "explanation": "No workable pair, so no route to explain."},
            warnings=warnings, robustness=None, unmet=_conflict(cat, questions, workable, needs, dw, profile.conflicts[0]),
            sources=[],
        )

    proto_score = {r.id: r.score for r in proto_ranked}
    deploy_score = {r.id: r.score for r in deploy_ranked}
    pairs = sorted(
        (
            (round(pair_score(profile.pair, proto_score[p], deploy_score[d], route.quality), 6), p, d, route)
            for (p, d), route in all_routes.items()
            if p in proto_score and d in deploy_score
        ),
        key=lambda t: (-t[0], t[1], t[2]),
    )

    base = _base(cat, answers, profile, proto_ranked, deploy_ranked, pairs)
    if not pairs:
        return Recommendation(
            **base, prototype=None, deployment=None, bridge=None, pair_score=None, alternatives=[],
            showdown_route={"applies": False, "explanation": "No workable pair, so no route to explain."},
            warnings=warnings, robustness=None, unmet=_unmet(cat, workable, needs, dw, deploy_ranked),
            sources=[],
        )

    score, p, d, route = pairs[0]
    proto_r = next(r for r in proto_ranked if r.id == p)
    deploy_r = next(r for r in deploy_ranked if r.id == d)
    ps, ds = cat.subjects[p], cat.subjects[d]
    for s, role in ((ps, "prototyping framework"), (ds, "deployment runtime")):
        if s.status == "maintenance":
            warnings.append(f"{s.name}, the {role}, is in maintenance since {s.status_since} ({s.status_note}): "
                            "it works but gets few new features; plan a migration path.")
    thin = _thin_facts(cat, [proto_r, deploy_r, *proto_ranked[:LEADERS], *deploy_ranked[:LEADERS]])
    if thin:
        warnings.append(thin)
    if route.maturity in ("experimental", "deprecated"):
        warnings.append(f"The bridge {route.exporter} -> {route.importer} is {route.maturity}.")

    language = needs.language or "python"
    bridge = {
        "format": route.format,
        "kind": route.kind,
        "exporter": route.exporter,
        "importer": route.importer,
        "maturity": route.maturity,
        "steps": bridge_steps(route, ps, ds, language),
        "alternative": None if route.alternative is None else {
            "format": route.alternative.format, "exporter": route.alternative.exporter,
            "importer": route.alternative.importer, "maturity": route.alternative.maturity,
        },
        "why": _bridge_why(route, ps, ds),
        "sources": list(route.sources),
    }
    alternatives = [
        {"prototype": pp, "deployment": dd, "bridge": rr.format, "exporter": rr.exporter, "score": round(sc, 2)}
        for sc, pp, dd, rr in pairs[1:6]
    ]
    robust = _robustness(cat, pairs, proto_ok, alive, proto_feats, deploy_feats, pw, dw, profile.pair)
    used = set(ps.sources) | set(ds.sources) | set(route.sources)
    for r in (proto_ranked[1:3] + deploy_ranked[1:3]):
        used |= cat.subjects[r.id].sources
    return Recommendation(
        **base,
        prototype={"id": p, "name": ps.name, "score": proto_r.score, "status": ps.status,
                   "reasons": _reasons(cat, proto_r)},
        deployment={"id": d, "name": ds.name, "score": deploy_r.score, "status": ds.status,
                    "kind": ds.kind, "reasons": _reasons(cat, deploy_r)},
        bridge=bridge,
        pair_score=round(score, 2),
        alternatives=alternatives,
        showdown_route=_showdown_route(cat, pairs, route, ps, ds),
        warnings=warnings,
        robustness=robust,
        unmet=None,
        sources=[{"id": s, **{k: str(v) for k, v in cat.source(s).items() if k != "id"}} for s in sorted(used)],
    )


def _base(cat: Catalog, answers: Answers, profile: Profile, proto_ranked, deploy_ranked, pairs=()) -> dict:
    """The fields every Recommendation has; with `pairs` (best first), rankings explained against the pick."""
    if pairs:
        score, p, d, _ = pairs[0]
        proto_json = _ranking_json(cat, proto_ranked, cat.subjects, p,
                                   _lost_the_pair(cat, pairs, "prototype", cat.subjects[p].name, score))
        deploy_json = _ranking_json(cat, deploy_ranked, cat.subjects, d,
                                    _lost_the_pair(cat, pairs, "deployment", cat.subjects[d].name, score))
    else:
        proto_json = _ranking_json(cat, proto_ranked, cat.subjects)
        deploy_json = _ranking_json(cat, deploy_ranked, cat.subjects)
    return dict(
        as_of=cat.as_of.isoformat(), knowledge_date=cat.knowledge.latest.isoformat(),
        answers=answers.to_json(), given=sorted(answers.given),
        weights={"prototype": profile.prototype, "deployment": profile.deployment, "pair": profile.pair},
        needs={k: (list(v) if isinstance(v, tuple) else v) for k, v in profile.needs.to_json().items()},
        prototype_ranking=proto_json, deployment_ranking=deploy_json,
    )


def _conflict(cat: Catalog, questions: QuestionSet, workable: list[Subject], needs: Needs, dw, c) -> dict:
    """Two answers that cannot work together: which other answer would, and its nearest runtime."""
    relax = []
    fields = needs.to_json()
    for alt in c.allowed:
        if c.question not in fields:
            break
        looser = Needs(**{**fields, c.question: alt})
        if c.question == "language":  # the alternative's own interop (Swift -> Objective-C)
            via = questions.get("language").option(alt).needs.get("language_via") or ()
            looser = Needs(**{**looser.to_json(), "language_via": tuple(via)})
        ok = [s for s in workable if not meets(s, looser)]
        if ok:
            feats = {s.id: ranking.deployment_features(s, cat, looser, list(dw)) for s in ok}
            best = ranking.rank(ok, feats, dw)[0]
            relax.append({"need": c.question, "value": c.answer, "instead": alt,
                          "nearest": best.id, "nearest_name": best.name, "score": best.score})
    relax.sort(key=lambda r: c.allowed.index(r["instead"]))  # the order the data lists: most usual first
    seen: set[str] = set()
    relax = [r for r in relax if not (r["nearest"] in seen or seen.add(r["nearest"]))]  # one row per runtime
    text = f"{c.question}={c.answer} cannot work with {c.by} (with it, {c.question} is one of: {', '.join(c.allowed)})."
    if relax:
        r = relax[0]
        text += (f" Change {c.question} (e.g. {c.question}={r['instead']}: then {r['nearest_name']} is the "
                 f"nearest workable option) or change {c.by.split('=')[0]}.")
    return {"message": text, "relax": relax, "conflict": {"question": c.question, "answer": c.answer, "with": c.by,
                                                          "allowed": list(c.allowed)}}


def _robustness(cat, pairs, protos, deploys, proto_feats, deploy_feats, pw, dw, shares) -> dict:
    pcrits, dcrits = list(pw), list(dw)
    pindex = {s.id: i for i, s in enumerate(protos)}
    dindex = {s.id: i for i, s in enumerate(deploys)}
    PX = np.array([[proto_feats[s.id][c].value for c in pcrits] for s in protos])
    DX = np.array([[deploy_feats[s.id][c].value for c in dcrits] for s in deploys])
    rows = [(pindex[p], dindex[d], route.quality, f"{p} + {d}") for _, p, d, route in pairs]
    result = robustness.analyse(
        rows, PX, np.array([pw[c] for c in pcrits]), DX, np.array([dw[c] for c in dcrits]), pcrits, dcrits,
        lambda P, D, q: pair_score(shares, P, D, q),
    )
    flip = result["smallest_flip"]
    if flip:  # the same, for people
        flip["label"] = criterion_label(cat, flip["criterion"])
        flip["new_pick_name"] = " + ".join(cat.subjects[x].name for x in flip["new_pick"].split(" + "))
    return result


def _bridge_why(route: Route, ps: Subject, ds: Subject) -> str:
    """Why this bridge: ONNX by default (the Showdown's route), native only when clearly better."""
    alt = route.alternative
    if route.kind == "same":
        return f"{ds.name} runs models of its own framework, so nothing needs converting."
    if route.kind == "onnx":
        if alt:
            return (f"ONNX ({route.exporter}, {route.maturity}) is about as sound as the native {alt.exporter} "
                    f"({alt.maturity}) and keeps the prototype free to change, so ONNX it is.")
        return f"{ps.name} exports ONNX with {route.exporter} and {ds.name} imports it."
    if not ds.imports_onnx:
        return f"{ds.name} does not import ONNX, so the route is native: {route.exporter} ({route.maturity})."
    if alt:
        return (f"The native {route.exporter} ({route.maturity}) is clearly sounder than the ONNX route "
                f"({alt.exporter}, {alt.maturity}).")
    return f"{ps.name} has no ONNX exporter here, so the route is native: {route.exporter} ({route.maturity})."


def _showdown_route(cat: Catalog, pairs, route: Route, ps: Subject, ds: Subject) -> dict:
    """The Showdown's advice: prototype in a framework you enjoy that exports to ONNX, deploy
    with whatever runtime fits your target and imports ONNX. Does it apply here?"""
    export = ps.onnx.get("export", {})
    best_onnx = next(((sc, p, d) for sc, p, d, r in pairs if r.kind == "onnx"), None)
    if route.kind == "onnx":
        text = (f"It applies: prototype in {ps.name}, export with {route.exporter}, and deploy the ONNX file "
                f"with {ds.name}. The prototype stays free to change; the runtime is chosen for the target.")
        return {"applies": True, "explanation": text}
    if route.kind == "same":
        head = f"{ps.name} deploys its own models here, so no export is needed."
    elif not ds.imports_onnx:
        head = f"{ds.name} does not import ONNX, so the pick goes native ({route.exporter})."
    else:
        head = f"A native route ({route.exporter}) fits {ds.name} better than ONNX does."
    if best_onnx:
        sc, p, d = best_onnx
        tail = (f" The best ONNX route would be {cat.subjects[p].name} -> {cat.subjects[d].name} "
                f"(score {sc:.1f} against {pairs[0][0]:.1f}), a sound fallback if you need to switch runtimes later.")
    else:
        tail = " No runtime that meets your needs imports ONNX from a live framework, so the ONNX route does not apply."
    if export.get("support") in ("builtin", "community"):
        tail += f" {ps.name} can still export ONNX ({export['tool']}), which keeps that door open."
    return {"applies": False, "explanation": head + tail}


def _unmet(cat: Catalog, workable: list[Subject], needs: Needs, dw, unreachable) -> dict:
    """Nothing meets every need: which single need to relax, and the nearest workable option
    (a live runtime that some live prototyping framework can reach)."""
    wanted = ", ".join(_need_text(k, v) for k, v in needs.items())
    relax = []
    for key, value in needs.items():
        looser = needs.without(key)
        ok = [s for s in workable if not meets(s, looser)]
        if not ok:
            continue
        refeats = {s.id: ranking.deployment_features(s, cat, looser, list(dw)) for s in ok}
        best = ranking.rank(ok, refeats, dw)[0]
        relax.append({"need": key, "value": list(value) if isinstance(value, tuple) else value,
                      "nearest": best.id, "nearest_name": best.name, "score": best.score})
    relax.sort(key=lambda r: (-r["score"], r["need"]))
    if unreachable:  # runtimes fit, but no live framework has a bridge to any of them
        names = ", ".join(r.name for r in unreachable[:3])
        text = (f"{names} meet{'s' if len(unreachable) == 1 else ''} all of: {wanted}, but no live prototyping "
                "framework has a bridge to it at this date.")
    else:
        text = f"No live deployment runtime meets all of: {wanted}."
    if relax:
        r = relax[0]
        text += f" Relax {_need_text(r['need'], r['value'])}: then {r['nearest_name']} is the nearest workable option."
    else:
        text += " Relaxing any single need does not help."
    return {"message": text, "relax": relax}
