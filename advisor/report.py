"""The justification report: a Recommendation as Markdown, self-contained HTML or JSON.

A face: it renders what the engine decided and never scores anything. The sentences come from
the presenter (advisor.present); the layout lives in jinja2 templates under prompts/
(report.md.j2, report.html.j2); this module arranges them into a plain view (tables, chart
geometry with fixed number formatting) so that the same input gives the same bytes. User text
(the title, chat text) is only ever data, escaped in HTML, never a template.

Other faces call `write_report(rec, path, fmt, title, extra)` or `render(...)` with the engine's
Recommendation.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import replace
from pathlib import Path

from advisor import present
from advisor.errors import AdvisorError, BadInput
from advisor.present import FIRMNESS_WORDS, SHOWDOWN_ARGUMENT, num, pct

FORMATS = ("markdown", "html", "json")
EXTENSIONS = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html", ".json": "json"}
TEMPLATES = {"markdown": "report.md.j2", "html": "report.html.j2"}
CATEGORY_LABELS = {"support_community": "Support & community", "api_internals": "API & internals", "platform": "Platform"}
SIDES = (("prototype", "Prototyping framework"), ("deployment", "Deployment runtime"))
JARGON = ("graph", "numerics", "ootb_ops", "onnx", "onnx_import", "language_fit", "hardware_breadth", "task_fit")
SHOWDOWN_TOP = 3  # candidates in the Showdown table
RUNNERS_UP = 3  # runners-up explained per side
COMPARED = 2  # runners-up drawn against the pick in the comparison chart, per side
SEPARATING = 5  # criteria per side in the comparison chart: those that separated the pick from them most
PALETTE = ("#1f6fb2", "#d1495b", "#e9a03b", "#2a9d8f")  # the pick first (the report's accent), then runners-up

# ---------------------------------------------------------------- public API


def format_for(path: str | Path, fmt: str | None = None) -> str:
    """The report format: `fmt` when given, else from the file extension."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise BadInput(f"--format {fmt}: unknown; valid formats: {', '.join(FORMATS)}")
        return fmt
    ext = Path(path).suffix.lower()
    if ext not in EXTENSIONS:
        raise BadInput(
            f"{path}: cannot tell the report format from the extension '{ext or '(none)'}'; "
            f"use {', '.join(EXTENSIONS)} or give --format {'|'.join(FORMATS)}"
        )
    return EXTENSIONS[ext]


def render(rec, fmt: str = "markdown", title: str | None = None, extra: dict | None = None) -> str:
    """The report as text. JSON is the whole Recommendation (plus a "report" entry with the
    title and extra when they are given)."""
    fmt = format_for("", fmt) if fmt is not None else "markdown"
    if fmt == "json":
        data = present.recommendation_json(rec)
        if title is not None or extra:
            data["report"] = {"title": title, "extra": extra or {}}
        return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    view = build_view(rec, title, extra)
    text = _environment().get_template(TEMPLATES[fmt]).render(**view)
    return text if text.endswith("\n") else text + "\n"


def write_report(rec, path: str | Path, fmt: str | None = None, title: str | None = None,
                 extra: dict | None = None, overwrite: bool = True) -> Path:
    """Render and write under the output policy (advisor.files.write_output: atomic, a failed write
    leaves no partial file and keeps an old one; overwrite=False refuses an existing file)."""
    from advisor.files import write_output

    fmt = format_for(path, fmt)
    return write_output(path, render(rec, fmt, title, extra), overwrite=overwrite,
                        how_to_overwrite="say \"write the report to PATH --force\"")


def run(args: argparse.Namespace, ctx) -> int:
    """`advisor report`: build the recommendation, optionally verify the pair, write the report."""
    fmt = format_for(args.output, getattr(args, "format", None))  # fail fast, before any work
    title = getattr(args, "title", None)
    if title is not None and not title.strip():
        raise BadInput("--title: empty; give some text or leave it out")
    rec = ctx.recommend_args(args)
    if getattr(args, "verify", False):
        rec = replace(rec, verification=_verify(rec))
    path = write_report(rec, args.output, fmt, title)
    if str(path) != "-":  # `-o -`: the report is stdout; nothing else goes there
        from advisor.safe_text import one_line

        print(f"Report written to {one_line(path, 160)} ({fmt}).")
    return rec.exit_code


def _verify(rec):
    """advisor.verify's result for the pair; when it cannot run here, say why and go on without it."""
    from advisor.verify import verify_pair

    if not rec.ok:
        print("advisor: --verify skipped: there is no pair to verify.", file=sys.stderr)
        return None
    try:
        return verify_pair(rec.prototype.id, rec.deployment.id)
    except AdvisorError as exc:
        print(f"advisor: --verify skipped: {exc}", file=sys.stderr)
        return None


# ---------------------------------------------------------------- templates


def _environment():
    import jinja2

    from advisor.paths import packaged_dir

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(packaged_dir("prompts"))),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2", "htm.j2"), default_for_string=False,
                                            default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    env.filters["md_quote"] = md_quote
    env.filters["cell"] = md_cell
    env.filters["md_url"] = md_url
    env.filters["md_code"] = md_code
    env.filters["md_text"] = md_text
    env.filters["num"] = num
    env.filters["pct"] = pct
    env.filters["code"] = html_code
    return env


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|!])")


_AUTOLINK = re.compile(r"(?i)(?<=[a-z0-9])(:)(?=//)|(?<![\w.])(www)(\.)")


def _no_autolink(text: str) -> str:
    """Break what renderers turn into links by themselves (`https://...`, `www.`): `https\\://`, `www\\.`."""
    return _AUTOLINK.sub(lambda m: "\\:" if m[1] else m[2] + "\\.", text)


def md_escape(text) -> str:
    """User or knowledge text as inert Markdown: one line, Markdown punctuation and HTML brackets
    backslash-escaped, bare URLs kept from becoming links."""
    return _no_autolink(_MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split())))


def md_text(text) -> str:
    """Our sentences, which quote knowledge: escaped like md_escape outside `code spans`, which are kept
    (a code span renders nothing, so the commands in the steps stay copyable)."""
    parts = re.split(r"(`[^`]*`)", " ".join(str(text).split()))
    return "".join(p if len(p) > 1 and p.startswith("`") and p.endswith("`")
                   else _no_autolink(_MD_SPECIAL.sub(r"\\\1", p)) for p in parts)


def md_url(url) -> str:
    """A link target: http(s) only (anything else, e.g. `javascript:`, gives "" and the text is shown
    unlinked), with the characters that would end or break a Markdown link percent-encoded."""
    from urllib.parse import quote

    text = str(url or "").strip()
    if not re.match(r"(?i)^https?://[^\s]+$", text):
        return ""
    return quote(text, safe="/:?#&=%+,;@!$'*~.-_")


def md_code(text) -> str:
    """Text as an inline code span (never a link, never markup), on one line."""
    body = " ".join(str(text).split())
    fence = "`" * (max((len(r) for r in re.findall(r"`+", body)), default=0) + 1)
    pad = " " if body.startswith("`") or body.endswith("`") or not body else ""
    return f"{fence}{pad}{body}{pad}{fence}"


def md_quote(text) -> str:
    """User text as a Markdown block quote: its lines kept, each escaped like md_escape."""
    lines = [md_escape(line) for line in str(text).strip().splitlines()]
    return "\n".join(f"> {line}" if line else ">" for line in lines) or ">"


def md_cell(text) -> str:
    """Knowledge text inside a Markdown table cell: one line, inert (md_escape escapes pipes too)."""
    return md_escape(text)


def html_code(text):
    """HTML: the text escaped, then `backtick spans` shown as <code>."""
    from markupsafe import Markup, escape

    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


# ---------------------------------------------------------------- the view


def build_view(rec, title: str | None = None, extra: dict | None = None) -> dict:
    """Everything the templates show, as plain data (the sentences from the presenter)."""
    questions = _questions()

    def label(crit: str) -> str:
        return present.label(rec, crit)

    ok = rec.ok
    p, d = rec.prototype, rec.deployment
    rankings = {"prototype": rec.prototype_ranking, "deployment": rec.deployment_ranking}
    view = {
        "title": title if title is not None else present.headline(rec),
        "ok": ok,
        "as_of": rec.as_of,
        "knowledge_date": rec.knowledge_date,
        "prototype": p,
        "deployment": d,
        "bridge": None if rec.bridge is None else {
            "format": rec.bridge.format, "kind": rec.bridge.kind, "exporter": rec.bridge.exporter,
            "importer": rec.bridge.importer, "maturity": rec.bridge.maturity, "alternative": rec.bridge.alternative, "also": present.also_possible(rec, "report"),
            "why": present.bridge_why(rec), "steps": present.bridge_steps(rec)},
        "headline": present.headline(rec),
        "via": present.bridge_phrase(rec.bridge, "report") if ok else "",
        "pair_score": None if rec.pair_score is None else round(rec.pair_score, 2),
        "unmet": None if rec.unmet is None else {
            "message": present.unmet_message(rec),
            "relax": [{"need": r.need, "value": list(r.value) if isinstance(r.value, tuple) else r.value,
                       "nearest_name": r.nearest_name, "score": r.score} for r in rec.unmet.relax]},
        "answers": _answers(rec, questions),
        "weights": _weights(rec, questions, label),
        "needs": present.needs_text(rec),
        "carried": {side: _carried(rankings[side], getattr(rec, side).id, label) for side, _ in SIDES} if ok else {},
        "edge": {side: _edge(rankings[side], getattr(rec, side).id, label) for side, _ in SIDES} if ok else {},
        "runners_up": {side: _runners_up(rec, side) for side, _ in SIDES},
        "side_titles": dict(SIDES),
        "alternatives": [{"score": a.score, "route": _route_text(a)} for a in rec.alternatives],
        "showdown_argument": SHOWDOWN_ARGUMENT,
        "showdown_route": {"applies": rec.showdown_route.applies, "explanation": present.showdown_route(rec)},
        "showdown": _showdown(rec),
        "showdown_order": present.showdown_order(rec),
        "firmness": _firmness(rec) if ok else None,
        "lifecycle": _lifecycle(rec),
        "warnings": present.warnings(rec),
        "sources": _sources(rec),
        "verification": _verification(rec.verification),
        "chat": _chat((extra or {}).get("chat")),
        "notes": [{"key": str(k), "value": str(v)} for k, v in sorted((extra or {}).items(), key=lambda kv: str(kv[0]))
                  if k != "chat" and v is not None and not isinstance(v, (dict, list))],
    }
    view["compare"] = {side: _compare(rankings[side], getattr(rec, side).id, label) for side, _ in SIDES} if ok else {}
    view["charts"] = {side: _compare_chart(c) for side, c in view["compare"].items() if c}
    # a glossary line for each criterion in the comparison, and for the report's jargon where it weighs
    shown = [r["id"] for c in view["compare"].values() if c for r in c["rows"]]
    shown += [w["id"] for side in ("prototype", "deployment") for w in view["weights"][side]
              if w["id"] in JARGON and w["weight"] > 0]
    view["glossary"] = [{"label": lab, "meaning": meaning} for lab, meaning in present.glossary(rec, shown)]
    return view


def _questions():
    from advisor.questions import load

    try:
        return load()
    except AdvisorError:
        return None


def _route_text(alt) -> str:
    p, d = alt.prototype_name, alt.deployment_name
    if alt.prototype == alt.deployment:
        return f"{p} alone (it deploys its own models)"
    via = "ONNX" if alt.format == "onnx" else "a native route"
    return f"{p} + {d} via {via} ({alt.exporter})"


def _answers(rec, questions) -> list[dict]:
    out = []
    given = set(rec.given)
    for qid, oid in rec.answers.items():
        text, answer = qid, oid
        if questions is not None and qid in questions.ids:
            q = questions.get(qid)
            text = q.text
            if oid in q.option_ids:
                answer = q.option(oid).label
        out.append({"id": qid, "question": text, "option": oid, "answer": answer, "given": qid in given})
    return out


def _weights(rec, questions, label) -> dict:
    """Per side: each criterion's weight, its base weight and the answers that moved it."""
    out = {}
    for side, _ in SIDES:
        base = questions.base_weights.get(side, {}) if questions is not None else {}
        weights = rec.weights.prototype if side == "prototype" else rec.weights.deployment
        rows = []
        for crit, w in weights.items():
            moved = [f"{qid}={oid} ({'+' if delta > 0 else '−'}{num(abs(delta), 2)})"
                     for qid, oid, delta in rec.weights.moved_by.get((side, crit), ())]
            rows.append({"id": crit, "label": label(crit), "weight": w, "base": base.get(crit), "moved": moved})
        out[side] = rows
    return out


def _entry(ranking, pick_id: str):
    return next((c for c in ranking if c.id == pick_id), None)


def _carried(ranking, pick_id: str, label) -> list[dict]:
    """The pick's criteria by weight x value (its share of the pick's support), largest first."""
    pick = _entry(ranking, pick_id)
    if pick is None:
        return []
    rows = [
        {"id": x.criterion, "label": label(x.criterion), "weight": x.weight, "value": x.value,
         "product": x.weight * x.value, "known": x.known}
        for x in pick.contributions
        if x.weight > 0
    ]
    rows.sort(key=lambda r: (-round(r["product"], 9), r["id"]))
    return rows


def _edge(ranking, pick_id: str, label) -> dict | None:
    """Where the pick beats the best other candidate: weight x (value - its value), largest first."""
    pick = _entry(ranking, pick_id)
    other = next((c for c in ranking if c.id != pick_id), None)
    if pick is None or other is None:
        return None
    rows = []
    for x in pick.contributions:
        o = next((y for y in other.contributions if y.criterion == x.criterion), None)
        if o is None or x.weight <= 0:
            continue
        margin = x.weight * (x.value - o.value)
        if margin > 1e-9:
            rows.append({"label": label(x.criterion), "weight": x.weight, "value": x.value, "other": o.value,
                         "margin": margin, "id": x.criterion})
    rows.sort(key=lambda r: (-round(r["margin"], 9), r["id"]))
    return {"name": other.name, "rows": rows[:3]}


def _runners_up(rec, side: str) -> list[dict]:
    """The runners-up and why not each (their biggest gaps against the pick, or why one that ranks
    above the pick lost the pair); with no pick, the best candidates and their strengths."""
    ranking = rec.prototype_ranking if side == "prototype" else rec.deployment_ranking
    if not rec.ok:
        return [{"name": c.name, "rank": c.rank, "score": c.score, "status": c.status,
                 "why_not": present.reasons(rec, c)} for c in ranking[:RUNNERS_UP]]
    pick = getattr(rec, side)
    return [{"name": c.name, "rank": c.rank, "score": c.score, "status": c.status,
             "why_not": present.why_not(rec, side, c) or ["close behind: no single criterion stands out"]}
            for c in [c for c in ranking if c.id != pick.id][:RUNNERS_UP]]


def _firmness(rec) -> dict:
    rb = rec.firmness
    return {
        "word": rb.word,
        "meaning": FIRMNESS_WORDS.get(rb.word, ""),
        "stays": present.firmness_line(rec, "report"),
        "flip": present.flip_sentence(rec, "report"),
    }


def _lifecycle(rec) -> list[dict]:
    """Status and history of the pair."""
    if not rec.ok:
        return []
    out = []
    for role, s in (("Prototyping framework", rec.prototype), ("Deployment runtime", rec.deployment)):
        history = [h for h in s.history if h.since <= rec.as_of]
        out.append({
            "role": role, "name": s.name, "status": s.status, "since": s.status_since,
            "note": s.status_note, "sponsor": s.sponsor, "first_release": s.first_release,
            "history": [f"{h.status} since {h.since}" + (f" ({h.note})" if h.note else "") for h in history],
        })
    return out


def _source(s) -> dict:
    return {"id": s.id, "ref": s.ref, "title": s.title, "date": s.date,
            "url": s.ref if re.match(r"^https?://", s.ref) else None}


def _sources(rec) -> dict:
    """The reference list: the sources behind the pair and the bridge in full, those cited only for
    the runners-up in short (id and link)."""
    every = [(s.for_pick or not rec.ok, _source(s)) for s in rec.sources]
    newest = sorted(every, key=lambda t: (str(t[1]["date"]), t[1]["id"]), reverse=True)  # newest first: what holds now
    return {"main": [s for main, s in newest if main], "others": [s for main, s in every if not main]}


VERIFY_DETAILS = ("ok", "prototype", "prototype_name", "runtime", "runtime_name", "bridge", "exporter", "model", "seed",
                  "opset", "opsets", "max_abs_diff", "max_reference", "tolerance", "export_s", "load_s", "infer_s",
                  "device", "versions", "failed_at", "kept")


def _verification(v) -> dict | None:
    """advisor.verify's Result: its verdict, the steps taken, and the scalar details."""
    if v is None:
        return None
    summary = v.message or ("the bridge works here" if v.ok else "the bridge did not work here")
    items = []
    for k in VERIFY_DETAILS:
        val = getattr(v, k)
        if val is None or val == "":
            continue
        if isinstance(val, dict):
            if not val:
                continue
            val = ", ".join(f"{a} {_short(b)}" for a, b in val.items())
        items.append({"key": k, "value": _short(val)})
    return {"summary": summary, "ok": v.ok, "items": items, "steps": [str(x) for x in v.steps]}


def _short(value) -> str:
    if isinstance(value, float):
        return num(value, 6) if abs(value) >= 1e-4 or value == 0 else f"{value:.2e}"
    return str(value)


def _chat(chat) -> dict | None:
    """extra["chat"]: a string, a list of strings, or a list of {role, text} mappings. What the
    person typed is kept; the advisor's replies are left out (the report gives them in full)."""
    if not chat:
        return None
    if isinstance(chat, str):
        chat = [chat]
    said, left_out = [], 0
    for turn in chat:
        if isinstance(turn, dict):
            role = str(turn.get("role", "you"))
            if role not in ("you", "user"):
                left_out += 1
                continue
            said.append(str(turn.get("text", turn.get("content", ""))))
        else:
            said.append(str(turn))
    return {"said": said, "left_out": left_out}


# ---------------------------------------------------------------- the Showdown's categories and the charts


def _showdown(rec) -> dict:
    """The Showdown's three categories for the top prototyping candidates at the report's date."""
    from advisor.showdown import SHOWDOWN_CATEGORIES

    rows = [{"id": r.id, "name": r.name, "rank": r.rank, "overall": r.overall,
             "categories": [{"id": c, "label": CATEGORY_LABELS[c], "value": v} for c, v in r.categories]}
            for r in rec.showdown[:SHOWDOWN_TOP]]
    return {"rows": rows, "missing": list(rec.showdown_missing),
            "categories": [CATEGORY_LABELS[c] for c in SHOWDOWN_CATEGORIES]}


def _f(x: float) -> str:
    """SVG coordinates: one decimal, fixed."""
    text = f"{x:.1f}"
    return "0.0" if text == "-0.0" else text


def _compare(ranking, pick_id: str, label) -> dict | None:
    """The pick against its runners-up on one side, on the criteria that separated them most: for each
    criterion, the largest weight x |value gap| between the pick and a runner-up; values on 0-100."""
    pick = _entry(ranking, pick_id)
    others = [c for c in ranking if c.id != pick_id][:COMPARED]
    if pick is None or not others:
        return None
    values = {c.id: {x.criterion: x for x in c.contributions} for c in [pick, *others]}
    separated = []
    for x in pick.contributions:
        if x.weight <= 0:
            continue
        gap = max(x.weight * abs(x.value - values[o.id][x.criterion].value) for o in others
                  if x.criterion in values[o.id])
        if gap > 1e-9:
            separated.append((gap, x.criterion, x.weight))
    separated.sort(key=lambda t: (-round(t[0], 9), t[1]))
    rows = []
    for _gap, crit, weight in separated[:SEPARATING]:
        cells = [values[c.id][crit] for c in [pick, *others]]
        rows.append({"id": crit, "label": label(crit), "weight": weight,
                     "values": [round(100 * v.value, 1) for v in cells], "known": [v.known for v in cells],
                     "pick_ahead": cells[0].value >= max(v.value for v in cells[1:])})
    return {"names": [pick.name, *[o.name for o in others]], "scores": [pick.score, *[o.score for o in others]],
            "ranks": [pick.rank, *[o.rank for o in others]], "rows": rows,
            "ahead": sum(r["pick_ahead"] for r in rows)}


def _compare_chart(compare: dict) -> dict | None:
    """Grouped horizontal bars: per criterion, one bar per candidate (the pick first, in the report's accent),
    0-100, each bar labelled with its value; a legend of the candidates with their scores on top."""
    if not compare or not compare["rows"]:
        return None
    left, width, bar_h, gap, key_h = 160.0, 230.0, 11.0, 12.0, 17.0
    keys = []
    for i, (name, score, rank) in enumerate(zip(compare["names"], compare["scores"], compare["ranks"])):
        keys.append({"y": _f(i * key_h + 2), "ty": _f(i * key_h + 12), "color": PALETTE[i % len(PALETTE)],
                     "text": f"#{rank} {name}, {num(score)}/100" + (" (the pick)" if i == 0 else "")})
    y = len(keys) * key_h + 10
    n = len(compare["names"])
    groups = []
    for r in compare["rows"]:
        top, bars = y, []
        for i, (v, known) in enumerate(zip(r["values"], r["known"])):
            w = width * v / 100
            bars.append({"y": _f(y), "w": _f(max(w, 1.0)), "color": PALETTE[i % len(PALETTE)], "tx": _f(left + max(w, 1.0) + 4),
                         "ty": _f(y + bar_h - 2), "text": num(v) + ("" if known else " *")})
            y += bar_h + 1
        groups.append({"label": r["label"], "weight": num(r["weight"], 2), "ly": _f(top + n * (bar_h + 1) / 2 - 2),
                       "wy": _f(top + n * (bar_h + 1) / 2 + 10), "bars": bars})
        y += gap
    return {"width": 460, "height": _f(y), "left": _f(left), "label_x": _f(left - 6), "groups": groups,
            "keys": keys, "top": _f(len(keys) * key_h + 6), "bottom": _f(y - gap + 2),
            "estimated": any(not k for r in compare["rows"] for k in r["known"])}
