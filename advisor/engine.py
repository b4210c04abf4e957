"""The one door: recommend(answers, questions, catalog) -> Recommendation. Pure and deterministic.

It decides and records the facts behind the decision; it writes no sentence (advisor.present does).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np

from advisor import rank as ranking
from advisor import robustness
from advisor import recommendation as R
from advisor.answers import Answers
from advisor.catalog import Catalog, Subject
from advisor.pairing import pair_score, routes
from advisor.questions import QuestionSet
from advisor.weights import Needs, derive

NEED_CAPABILITY = {"target": "targets", "os": "os", "language": "languages", "hardware": "hardware", "task": "tasks"}
TOP_WARN = 3  # a dead project that would have ranked this high is shown with a warning
MIN_KNOWN = 0.5  # a framework is ranked only when at least half its criteria are known facts
STALE_YEARS = 2  # a fact this much older than the as-of date may no longer hold
LEADERS = 3  # the candidates per side whose facts decide the pick
DEPLOY_LABELS = {
    "target_fit": "Fit for the target", "language_fit": "Serves your language", "hardware_use": "Use of your hardware",
    "hardware_breadth": "Hardware coverage", "task_fit": "Made for your task", "onnx_import": "ONNX import",
    "lifecycle": "Lifecycle (active project)",
}


def _known_share(feats: dict) -> float:
    scored = [f for c, f in feats.items() if c != "lifecycle"]
    return sum(f.known for f in scored) / len(scored) if scored else 0.0


# ---------------------------------------------------------------- hard needs


def meets(s: Subject, needs: Needs) -> list[str]:
    """The hard needs `s` fails (empty when it meets them all). Unknown capability fails."""
    failed = []
    caps = s.capabilities
    for key, value in needs.items():
        have = set(caps.get(NEED_CAPABILITY[key], ()))
        if key == "language":  # its own binding, one it calls natively, a community one, or a server's HTTP API
            if ranking.language_route(s, needs) is None:
                failed.append(key)
            continue
        if key == "task":  # only a specialist (one that lists its tasks) can fail it
            if "tasks" in caps and value not in have:
                failed.append(key)
            continue
        wanted = set(value) if isinstance(value, tuple) else {value}
        if not wanted <= have:
            failed.append(key)
    return failed


def failed_needs(s: Subject, needs: Needs) -> tuple[R.FailedNeed, ...]:
    """Each hard need `s` fails, with what it offers instead."""
    return tuple(R.FailedNeed(key, dict(needs.items())[key], tuple(s.capabilities.get(NEED_CAPABILITY[key], ())))
                 for key in meets(s, needs))


def criterion_label(cat: Catalog | None, crit: str) -> str:
    """A criterion's name for people (the knowledge's label, or the deployment feature's)."""
    if crit in DEPLOY_LABELS:
        return DEPLOY_LABELS[crit]
    if cat is not None and crit in cat.criteria:
        return cat.criteria[crit].label
    return crit.replace("_", " ").capitalize()


# ---------------------------------------------------------------- typed pieces


def _candidates(ranked: list[ranking.Ranked], subjects: dict[str, Subject], best_pair=None) -> tuple[R.Candidate, ...]:
    return tuple(
        R.Candidate(
            r.id, r.name, r.rank, r.score, subjects[r.id].status, subjects[r.id].kind,
            tuple(R.Contribution(c, v["value"], v["weight"], v["gap"], v["known"], v["checked"])
                  for c, v in r.contributions.items()),
            best_pair(r.id) if best_pair else None,
        )
        for r in ranked
    )


def _pick(s: Subject, score: float) -> R.Pick:
    export = s.onnx.get("export", {})
    return R.Pick(
        s.id, s.name, score, s.status, s.kind, s.status_since.isoformat(), s.status_note, s.sponsor,
        s.first_release.isoformat(),
        tuple(R.StatusChange(h["status"], h["since"], h["note"], h["source"]) for h in s.history),
        s.imports_onnx,
        (export["support"], export["tool"]) if export.get("support") in ("builtin", "community") else None,
    )


def _thin_facts(cat: Catalog, leaders: list[ranking.Ranked]) -> R.ThinFacts | None:
    """The leading candidates whose weighted facts were mostly last checked (their newest source)
    STALE_YEARS or more before the as-of date, or are estimated (none recorded by then)."""
    as_of = cat.as_of
    limit = dt.date(as_of.year - STALE_YEARS, as_of.month, min(as_of.day, 28)).isoformat()
    old: dict[str, list[str]] = {}  # the year of the newest source -> names
    estimated: list[tuple[str, tuple[str, ...]]] = []
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
        missing = tuple(c for c, v in r.contributions.items() if v["weight"] > 0 and not v["known"])
        if missing:
            estimated.append((r.name, missing))
    if not old and not estimated:
        return None
    return R.ThinFacts(as_of.isoformat(), tuple((y, tuple(n)) for y, n in sorted(old.items())), tuple(estimated))


def _sources(cat: Catalog, pick_ids: set[str], other_ids: set[str]) -> tuple[R.Source, ...]:
    def source(sid: str) -> R.Source:
        s = cat.source(sid)
        return R.Source(sid, str(s["ref"]), str(s["title"]), str(s["date"]), sid in pick_ids)

    return tuple(source(s) for s in sorted(pick_ids | other_ids))


# ---------------------------------------------------------------- the engine


def recommend(answers: Answers, questions: QuestionSet, cat: Catalog) -> R.Recommendation:
    with ranking.single_thread():
        return _recommend(answers, questions, cat)


def _recommend(answers: Answers, questions: QuestionSet, cat: Catalog) -> R.Recommendation:
    profile = derive(answers, questions)
    needs = profile.needs
    pw, dw = profile.prototype, profile.deployment
    pcrits, dcrits = list(pw), list(dw)
    notices: list = [R.IgnoredAnswer(qid, tuple((k, tuple(v)) for k, v in questions.get(qid).ask_if.items()))
                     for qid in answers.ignored]

    frameworks = sorted(cat.kind("framework"), key=lambda s: s.id)
    proto_feats = {s.id: ranking.prototype_features(s, cat, pcrits) for s in frameworks}
    frameworks = [s for s in frameworks if _known_share(proto_feats[s.id]) >= MIN_KNOWN]
    proto_ok = [s for s in frameworks if s.status != "discontinued"]
    proto_all = ranking.rank(frameworks, proto_feats, pw)
    proto_ranked = ranking.rank(proto_ok, proto_feats, pw)
    for r in proto_all[:TOP_WARN]:
        s = cat.subjects[r.id]
        if s.status == "discontinued":
            notices.append(R.DeadWouldRank("prototype", s.name, r.rank, s.status_since.isoformat(), s.status_note))

    candidates = sorted((s for s in cat.subjects.values() if s.deployable), key=lambda s: s.id)
    deploy_feats = {s.id: ranking.deployment_features(s, cat, needs, dcrits) for s in candidates}
    fitting = [s for s in candidates if not meets(s, needs)]
    alive = [s for s in fitting if s.status != "discontinued"]
    for r in ranking.rank(fitting, deploy_feats, dw)[:TOP_WARN]:
        s = cat.subjects[r.id]
        if s.status == "discontinued":
            notices.append(R.DeadWouldRank("deployment", s.name, r.rank, s.status_since.isoformat(), s.status_note))
    deploy_ranked = ranking.rank(alive, deploy_feats, dw)

    all_routes = routes(cat)
    live_protos = {s.id for s in proto_ok}
    reachable = {d for (p, d) in all_routes if p in live_protos}
    workable = [s for s in candidates if s.status != "discontinued" and s.id in reachable]
    showdown, showdown_missing = _showdown_rows(cat, proto_ranked)
    common = dict(
        as_of=cat.as_of.isoformat(), knowledge_date=cat.knowledge.latest.isoformat(),
        answers=answers.to_json(), given=tuple(sorted(answers.given)),
        weights=R.Weights(profile.prototype, profile.deployment, profile.pair, profile.moved_by),
        needs={k: (list(v) if isinstance(v, tuple) else v) for k, v in profile.needs.to_json().items()},
        language_via=tuple(needs.language_via),
        labels={c: criterion_label(cat, c) for c in [*pcrits, *dcrits]},
        failed_needs={s.id: failed_needs(s, needs) for s in candidates if meets(s, needs)},
        showdown=showdown, showdown_missing=showdown_missing,
    )
    nothing = dict(prototype=None, deployment=None, bridge=None, pair_score=None, alternatives=(),
                   showdown_route=R.ShowdownRoute(False), firmness=None, sources=())
    if profile.conflicts:  # answers that cannot work together: no runtime can meet them
        return R.Recommendation(
            **common, **nothing, prototype_ranking=_candidates(proto_ranked, cat.subjects), deployment_ranking=(),
            notices=tuple(notices), unmet=_conflict(cat, questions, workable, needs, dw, profile.conflicts[0]),
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
    if not pairs:
        return R.Recommendation(
            **common, **nothing, prototype_ranking=_candidates(proto_ranked, cat.subjects),
            deployment_ranking=_candidates(deploy_ranked, cat.subjects), notices=tuple(notices),
            unmet=_unmet(cat, workable, needs, dw, deploy_ranked),
        )

    def ref(t) -> R.PairRef:
        sc, p, d = t[0], t[1], t[2]
        return R.PairRef(p, d, sc, cat.subjects[p].name, cat.subjects[d].name)

    def best_pair(index: int):
        return lambda sid: next((ref(t) for t in pairs if t[index] == sid), None)

    score, p, d, route = pairs[0]
    proto_r = next(r for r in proto_ranked if r.id == p)
    deploy_r = next(r for r in deploy_ranked if r.id == d)
    ps, ds = cat.subjects[p], cat.subjects[d]
    for s, role in ((ps, "prototyping framework"), (ds, "deployment runtime")):
        if s.status == "maintenance":
            notices.append(R.InMaintenance(s.name, role, s.status_since.isoformat(), s.status_note))
    thin = _thin_facts(cat, [proto_r, deploy_r, *proto_ranked[:LEADERS], *deploy_ranked[:LEADERS]])
    if thin:
        notices.append(thin)
    if route.maturity in ("experimental", "deprecated"):
        notices.append(R.ShakyBridge(route.exporter, route.importer, route.maturity))

    alt = route.alternative
    bridge = R.Bridge(
        route.format, route.kind, route.exporter, route.importer, route.maturity,
        None if alt is None else R.RouteRef(alt.format, alt.exporter, alt.importer, alt.maturity),
        tuple(route.sources), needs.language or "python", needs.hardware, tuple(needs.os),
        ranking.language_route(ds, needs) or "own",
    )
    alternatives = tuple(
        R.Alternative(pp, dd, rr.format, rr.exporter, round(sc, 2), cat.subjects[pp].name, cat.subjects[dd].name)
        for sc, pp, dd, rr in pairs[1:6]
    )
    grid = _Grid.of(pairs, proto_ok, alive, proto_feats, deploy_feats, pcrits, dcrits)
    firmness = replace(_robustness(cat, grid, pw, dw, profile.pair),
                       answer_flip=_answer_flip(cat, questions, answers, profile, grid))
    pick_ids = set(ps.sources) | set(ds.sources) | set(route.sources)
    other_ids: set[str] = set()
    for r in (proto_ranked[1:3] + deploy_ranked[1:3]):
        other_ids |= cat.subjects[r.id].sources
    best_onnx = next((t for t in pairs if t[3].kind == "onnx"), None)
    return R.Recommendation(
        **common,
        prototype=_pick(ps, proto_r.score),
        deployment=_pick(ds, deploy_r.score),
        bridge=bridge,
        pair_score=score,  # unrounded: the presenter rounds (2 places in JSON)
        alternatives=alternatives,
        prototype_ranking=_candidates(proto_ranked, cat.subjects, best_pair(1)),
        deployment_ranking=_candidates(deploy_ranked, cat.subjects, best_pair(2)),
        showdown_route=R.ShowdownRoute(route.kind == "onnx", None if best_onnx is None else ref(best_onnx)),
        notices=tuple(notices),
        firmness=firmness,
        unmet=None,
        sources=_sources(cat, pick_ids, other_ids - pick_ids),
    )


def _showdown_rows(cat: Catalog, proto_ranked: list[ranking.Ranked], top: int = 3):
    """The Showdown's own category scores of the leading prototyping candidates, and the names of
    those passed over on the way because it cannot score them (facts missing)."""
    from advisor.showdown import scores

    table = {r["id"]: r for r in scores(cat)}
    rows, missing = [], []
    for r in proto_ranked:
        if len(rows) >= top:
            break
        s = table.get(r.id)
        if s is None:
            missing.append(r.name)
            continue
        rows.append(R.ShowdownRow(r.id, r.name, r.rank, s["overall"], tuple(s["categories"].items())))
    return tuple(rows), tuple(missing)


def _conflict(cat: Catalog, questions: QuestionSet, workable: list[Subject], needs: Needs, dw, c) -> R.Unmet:
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
            relax.append(R.Relax(c.question, c.answer, best.id, best.name, best.score, alt))
    relax.sort(key=lambda r: c.allowed.index(r.instead))  # the order the data lists: most usual first
    seen: set[str] = set()
    relax = [r for r in relax if not (r.nearest in seen or seen.add(r.nearest))]  # one row per runtime
    return R.Unmet(tuple(needs.items()), tuple(relax),
                   conflict=c)


@dataclass(frozen=True)
class _Grid:
    """The candidates' feature matrices and the pairs as row indices: what the weighings score."""

    rows: list  # (prototype row, deployment row, bridge quality, (prototype id, deployment id)), best first
    PX: np.ndarray
    DX: np.ndarray
    pcrits: list
    dcrits: list

    @classmethod
    def of(cls, pairs, protos, deploys, proto_feats, deploy_feats, pcrits, dcrits) -> "_Grid":
        pindex = {s.id: i for i, s in enumerate(protos)}
        dindex = {s.id: i for i, s in enumerate(deploys)}
        return cls([(pindex[p], dindex[d], route.quality, (p, d)) for _, p, d, route in pairs],
                   np.array([[proto_feats[s.id][c].value for c in pcrits] for s in protos]),
                   np.array([[deploy_feats[s.id][c].value for c in dcrits] for s in deploys]), pcrits, dcrits)

    def vectors(self, pw: dict, dw: dict):
        return np.array([pw[c] for c in self.pcrits]), np.array([dw[c] for c in self.dcrits])


def _robustness(cat, grid: _Grid, pw, dw, shares) -> R.Firmness:
    wp, wd = grid.vectors(pw, dw)
    result = robustness.analyse(grid.rows, grid.PX, wp, grid.DX, wd, grid.pcrits, grid.dcrits,
                                lambda P, D, q: pair_score(shares, P, D, q))
    flip = result["smallest_flip"]
    return R.Firmness(
        result["samples"], result["seed"], result["sigma"], result["stays_first"], result["prototype_stays_first"],
        result["deployment_stays_first"], result["firmness"],
        None if flip is None else R.Flip(
            flip["side"], flip["criterion"], flip["from"], flip["to"], flip["change"], flip["new_pick"],
            tuple(cat.subjects[x].name for x in flip["new_pick"])),
    )


def _answer_flip(cat, questions, answers, profile, grid: _Grid):
    """The first other answer, in the questions' order, that would change the pick by moving weights
    alone (answers that change a hard need change the candidates, not the weighing: not tried here)."""
    from advisor.answers import resolve

    for q in questions:
        if q.id not in answers.values:
            continue
        for o in q.options:
            if o.id == answers[q.id]:
                continue
            other = derive(resolve(questions, {**{k: answers[k] for k in answers.given}, q.id: o.id}), questions)
            if other.needs != profile.needs or other.conflicts or list(other.prototype) != grid.pcrits \
                    or list(other.deployment) != grid.dcrits:
                continue
            shares = other.pair
            wp, wd = grid.vectors(other.prototype, other.deployment)
            won = robustness.winner(grid.rows, grid.PX, wp, grid.DX, wd, lambda P, D, qq: pair_score(shares, P, D, qq))
            if won != 0:
                p, d = grid.rows[won][3]
                return R.AnswerFlip(q.id, q.text, answers[q.id], q.option(answers[q.id]).label, o.id, o.label,
                                    (p, d), (cat.subjects[p].name, cat.subjects[d].name))
    return None


def _unmet(cat: Catalog, workable: list[Subject], needs: Needs, dw, unreachable) -> R.Unmet:
    """Nothing meets every need: which single need to relax, and the nearest workable option
    (a live runtime that some live prototyping framework can reach)."""
    relax = []
    for key, value in needs.items():
        looser = needs.without(key)
        ok = [s for s in workable if not meets(s, looser)]
        if not ok:
            continue
        refeats = {s.id: ranking.deployment_features(s, cat, looser, list(dw)) for s in ok}
        best = ranking.rank(ok, refeats, dw)[0]
        relax.append(R.Relax(key, value, best.id, best.name, best.score))
    relax.sort(key=lambda r: (-r.score, r.need))
    return R.Unmet(tuple(needs.items()), tuple(relax), tuple(r.name for r in unreachable))


def usable(cat: Catalog, questions: QuestionSet) -> bool:
    """Whether the knowledge at this date can pair anything: a live prototyping framework with enough known
    facts to be ranked and a route from it to a live runtime."""
    crits = list(questions.base_weights["prototype"])
    ranked = {s.id for s in cat.kind("framework") if s.status != "discontinued"
              and _known_share(ranking.prototype_features(s, cat, crits)) >= MIN_KNOWN}
    live = {s.id for s in cat.subjects.values() if s.deployable and s.status != "discontinued"}
    return any(p in ranked and d in live for p, d in routes(cat))


def first_usable(knowledge, questions: QuestionSet) -> dt.date | None:
    """The earliest date (a date some fact starts) at which the knowledge can pair anything."""
    from advisor.catalog import catalog
    from advisor.dates import parse_date

    dates = sorted({parse_date(r["since"]) for t in ("status", "observations", "capabilities", "onnx", "bridges")
                    for r in knowledge.tables[t]})
    for day in dates:
        if usable(catalog(day, knowledge), questions):
            return day
    return None
