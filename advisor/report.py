"""The justification report: a Recommendation as Markdown, self-contained HTML or JSON.

A face: it renders what the engine decided and never scores anything. The words live in
jinja2 templates under prompts/ (report.md.j2, report.html.j2); this module turns the
Recommendation dict into a plain view (labels, tables, chart geometry with fixed number
formatting) so that the same input gives the same bytes. User text (the title, chat text)
is only ever data, escaped in HTML, never a template.

Other faces call `write_report(rec, path, fmt, title, extra)` or `render(...)`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import re
import sys
from pathlib import Path

from advisor.errors import AdvisorError, BadInput

FORMATS = ("markdown", "html", "json")
EXTENSIONS = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html", ".json": "json"}
TEMPLATES = {"markdown": "report.md.j2", "html": "report.html.j2"}
CATEGORY_LABELS = {"support_community": "Support & community", "api_internals": "API & internals", "platform": "Platform"}
SIDES = (("prototype", "Prototyping framework"), ("deployment", "Deployment runtime"))
RADAR_TOP = 3  # candidates drawn on the radar
RUNNERS_UP = 3  # runners-up explained per side
PALETTE = ("#1f6fb2", "#d1495b", "#2a9d8f", "#e9a03b")
SHOWDOWN_ARGUMENT = (
    "The Deep Learning Showdown (2018) ends with this advice: prototype in a framework you enjoy "
    "that exports to ONNX, then deploy with whatever runtime fits your target and imports ONNX. "
    "The framework can then change without touching production, and the runtime is chosen for "
    "the target rather than for the research code."
)
FIRMNESS_WORDS = {
    "firm": "Small changes in how much each criterion matters would not change this pick.",
    "fairly firm": "The pick holds under most small changes in the weights; a few would change it.",
    "leaning": "The pick is ahead, but modest changes in the weights often change it: weigh the runner-up too.",
    "a close call": "The pick is barely ahead: treat the top candidates as equals and decide on what the "
    "numbers cannot see (your team's experience, existing code).",
}


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


def render(rec: dict, fmt: str = "markdown", title: str | None = None, extra: dict | None = None) -> str:
    """The report as text. JSON is the whole Recommendation (plus a "report" entry with the
    title and extra when they are given)."""
    fmt = format_for("", fmt) if fmt is not None else "markdown"
    if fmt == "json":
        data = dict(rec)
        if title is not None or extra:
            data["report"] = {"title": title, "extra": extra or {}}
        return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    view = build_view(rec, title, extra)
    text = _environment().get_template(TEMPLATES[fmt]).render(**view)
    return text if text.endswith("\n") else text + "\n"


def write_report(rec: dict, path: str | Path, fmt: str | None = None, title: str | None = None,
                 extra: dict | None = None, overwrite: bool = True) -> Path:
    """Render and write under the output policy (advisor.files.write_output: atomic, a failed write
    leaves no partial file and keeps an old one; overwrite=False refuses an existing file)."""
    from advisor.files import write_output

    fmt = format_for(path, fmt)
    return write_output(path, render(rec, fmt, title, extra), overwrite=overwrite,
                        how_to_overwrite="say \"write the report to PATH --force\"")


def run(args: argparse.Namespace) -> int:
    """`advisor report`: build the recommendation, optionally verify the pair, write the report."""
    from advisor.commands import build_recommendation

    fmt = format_for(args.output, getattr(args, "format", None))  # fail fast, before any work
    title = getattr(args, "title", None)
    if title is not None and not title.strip():
        raise BadInput("--title: empty; give some text or leave it out")
    rec = build_recommendation(args).to_json()
    if getattr(args, "verify", False):
        rec["verification"] = _verify(rec)
    path = write_report(rec, args.output, fmt, title)
    if str(path) != "-":  # `-o -`: the report is stdout; nothing else goes there
        from advisor.safe_text import one_line

        print(f"Report written to {one_line(path, 160)} ({fmt}).")
    return 0 if rec["prototype"] is not None else 1


def _verify(rec: dict) -> dict | None:
    """Run advisor.verify.verify_pair on the pair when that module is there; else say so and go on."""
    if rec["prototype"] is None:
        print("advisor: --verify skipped: there is no pair to verify.", file=sys.stderr)
        return None
    try:
        module = importlib.import_module("advisor.verify")
    except ImportError:
        module = None
    verify_pair = getattr(module, "verify_pair", None)
    if not callable(verify_pair):
        print("advisor: --verify skipped: verification (advisor.verify) is not available in this installation; "
              "the report is written without it.", file=sys.stderr)
        return None
    try:
        return verify_pair(rec["prototype"]["id"], rec["deployment"]["id"])
    except AdvisorError as exc:
        print(f"advisor: --verify skipped: {exc}", file=sys.stderr)
        return None


# ---------------------------------------------------------------- templates


def _environment():
    import jinja2

    from advisor.knowledge import packaged_dir

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


# ---------------------------------------------------------------- the view


def build_view(rec: dict, title: str | None = None, extra: dict | None = None) -> dict:
    """Everything the templates show, as plain data."""
    from advisor.engine import criterion_label

    cat = _catalog(rec)
    questions = _questions()

    def label(crit: str) -> str:
        return criterion_label(cat, crit)

    p, d = rec["prototype"], rec["deployment"]
    rankings = {"prototype": rec["prototype_ranking"], "deployment": rec["deployment_ranking"]}
    names = {r["id"]: r["name"] for side in rankings.values() for r in side}
    if cat is not None:
        names.update({sid: s.name for sid, s in cat.subjects.items() if sid not in names})
    ok = p is not None
    if title is None:
        title = f"Prototype in {p['name']}, deploy with {d['name']}" if ok else "No workable recommendation"
    view = {
        "title": title,
        "ok": ok,
        "as_of": rec["as_of"],
        "knowledge_date": rec["knowledge_date"],
        "prototype": p,
        "deployment": d,
        "bridge": rec["bridge"],
        "via": _via(rec["bridge"]) if ok else "",
        "pair_score": rec["pair_score"],
        "unmet": rec["unmet"],
        "answers": _answers(rec, questions),
        "weights": _weights(rec, questions, label),
        "needs": _needs(rec["needs"]),
        "carried": {side: _carried(rankings[side], rec[side]["id"], label) for side, _ in SIDES} if ok else {},
        "edge": {side: _edge(rankings[side], rec[side]["id"], label) for side, _ in SIDES} if ok else {},
        "runners_up": {side: _runners_up(rankings[side], side, rec) for side, _ in SIDES},
        "side_titles": dict(SIDES),
        "alternatives": [{**a, "route": _route_text(a, names)} for a in rec["alternatives"]],
        "showdown_argument": SHOWDOWN_ARGUMENT,
        "showdown_route": rec["showdown_route"],
        "showdown": _showdown(rec, cat),
        "firmness": _firmness(rec["robustness"], names, label) if ok else None,
        "lifecycle": _lifecycle(rec, cat),
        "warnings": rec["warnings"],
        "sources": _sources(rec, cat),
        "verification": _verification(rec.get("verification")),
        "chat": _chat((extra or {}).get("chat")),
        "notes": [{"key": str(k), "value": str(v)} for k, v in sorted((extra or {}).items(), key=lambda kv: str(kv[0]))
                  if k != "chat" and v is not None and not isinstance(v, (dict, list))],
    }
    view["radar"] = _radar(view["showdown"])
    view["bars"] = _bars(view["carried"], {"prototype": p["name"], "deployment": d["name"]}) if ok else None
    return view


def _catalog(rec: dict):
    """The catalog at the report's date, for labels, lifecycle and the Showdown's scores (None if unreadable)."""
    from advisor import knowledge as kb
    from advisor.dates import parse_date

    try:
        return kb.catalog(parse_date(rec["as_of"]))
    except (AdvisorError, ValueError):
        return None


def _questions():
    from advisor.questions import load

    try:
        return load()
    except AdvisorError:
        return None


def _via(bridge: dict) -> str:
    if bridge["kind"] == "same":
        return "no bridge: the same framework deploys its own models"
    return f"{'ONNX' if bridge['format'] == 'onnx' else 'a native route'} ({bridge['exporter']} → {bridge['importer']}, {bridge['maturity']})"


def _route_text(alt: dict, names: dict) -> str:
    p, d = names.get(alt["prototype"], alt["prototype"]), names.get(alt["deployment"], alt["deployment"])
    if alt["prototype"] == alt["deployment"]:
        return f"{p} alone (it deploys its own models)"
    via = "ONNX" if alt["bridge"] == "onnx" else "a native route"
    return f"{p} + {d} via {via} ({alt['exporter']})"


def _answers(rec: dict, questions) -> list[dict]:
    out = []
    given = set(rec["given"])
    for qid, oid in rec["answers"].items():
        text, answer = qid, oid
        if questions is not None and qid in questions.ids:
            q = questions.get(qid)
            text = q.text
            if oid in q.option_ids:
                answer = q.option(oid).label
        out.append({"id": qid, "question": text, "option": oid, "answer": answer, "given": qid in given})
    return out


def _weights(rec: dict, questions, label) -> dict:
    """Per side: each criterion's weight, its base weight and the answers that moved it."""
    out = {}
    for side, _ in SIDES:
        base = questions.base_weights.get(side, {}) if questions is not None else {}
        rows = []
        for crit, w in rec["weights"][side].items():
            moved = []
            if questions is not None:
                for qid, oid in rec["answers"].items():
                    if qid not in questions.ids or oid not in questions.get(qid).option_ids:
                        continue
                    delta = questions.get(qid).option(oid).weights.get(side, {}).get(crit)
                    if delta:
                        moved.append(f"{qid}={oid} ({'+' if delta > 0 else '−'}{num(abs(delta), 2)})")
            rows.append({"id": crit, "label": label(crit), "weight": w, "base": base.get(crit), "moved": moved})
        out[side] = rows
    return out


def _needs(needs: dict) -> list[str]:
    out = []
    for key, value in needs.items():
        if value in (None, [], ""):
            continue
        out.append(f"{key} = {' + '.join(value) if isinstance(value, list) else value}")
    return out


def _entry(ranking: list[dict], pick_id: str) -> dict | None:
    return next((r for r in ranking if r["id"] == pick_id), None)


def _carried(ranking: list[dict], pick_id: str, label) -> list[dict]:
    """The pick's criteria by weight x value (its share of the pick's support), largest first."""
    pick = _entry(ranking, pick_id)
    if pick is None:
        return []
    rows = [
        {"id": c, "label": label(c), "weight": v["weight"], "value": v["value"], "product": v["weight"] * v["value"],
         "known": v["known"]}
        for c, v in pick["contributions"].items()
        if v["weight"] > 0
    ]
    rows.sort(key=lambda r: (-round(r["product"], 9), r["id"]))
    return rows


def _edge(ranking: list[dict], pick_id: str, label) -> dict | None:
    """Where the pick beats the best other candidate: weight x (value - its value), largest first."""
    pick = _entry(ranking, pick_id)
    other = next((r for r in ranking if r["id"] != pick_id), None)
    if pick is None or other is None:
        return None
    rows = []
    for c, v in pick["contributions"].items():
        o = other["contributions"].get(c)
        if o is None or v["weight"] <= 0:
            continue
        margin = v["weight"] * (v["value"] - o["value"])
        if margin > 1e-9:
            rows.append({"label": label(c), "weight": v["weight"], "value": v["value"], "other": o["value"],
                         "margin": margin, "id": c})
    rows.sort(key=lambda r: (-round(r["margin"], 9), r["id"]))
    return {"name": other["name"], "rows": rows[:3]}


def _runners_up(ranking: list[dict], side: str, rec: dict) -> list[dict]:
    """The runners-up and the engine's why-not (their biggest gaps against the pick, or why one that ranks
    above the pick lost the pair); with no pick, the best candidates and their strengths."""
    if rec["prototype"] is None:
        return [{"name": r["name"], "rank": r["rank"], "score": r["score"], "status": r["status"],
                 "why_not": r["reasons"]} for r in ranking[:RUNNERS_UP]]
    out = []
    for r in [r for r in ranking if r["id"] != rec[side]["id"]][:RUNNERS_UP]:
        out.append({"name": r["name"], "rank": r["rank"], "score": r["score"], "status": r["status"],
                    "why_not": r["why_not"] or ["close behind: no single criterion stands out"]})
    return out


def _firmness(rb: dict, names: dict, label) -> dict:
    flip = rb.get("smallest_flip")
    flip_text = None
    if flip:
        pick = " + ".join(names.get(x, x) for x in flip["new_pick"].split(" + "))
        direction = "rises" if flip["to"] > flip["from"] else "falls"
        flip_text = (f"The smallest single change that flips it: if the {flip['side']} weight of "
                     f"“{label(flip['criterion'])}” {direction} from {num(flip['from'], 2)} to {num(flip['to'], 2)}, "
                     f"{pick} becomes the pick.")
    return {
        "word": rb["firmness"],
        "meaning": FIRMNESS_WORDS.get(rb["firmness"], ""),
        "stays_first": pct(rb["stays_first"]),
        "prototype_stays_first": pct(rb["prototype_stays_first"]),
        "deployment_stays_first": pct(rb["deployment_stays_first"]),
        "samples": rb["samples"],
        "sigma": pct(rb["sigma"]),
        "flip": flip_text,
    }


def _lifecycle(rec: dict, cat) -> list[dict]:
    """Status and history of the pair (and of the best runner-up on each side)."""
    ids = []
    if rec["prototype"] is not None:
        ids += [("Prototyping framework", rec["prototype"]["id"]), ("Deployment runtime", rec["deployment"]["id"])]
    if cat is None:
        return []
    out = []
    for role, sid in ids:
        s = cat.subjects.get(sid)
        if s is None:
            continue
        history = [h for h in s.history if h["since"] <= rec["as_of"]]
        out.append({
            "role": role, "name": s.name, "status": s.status, "since": s.status_since.isoformat(),
            "note": s.status_note, "sponsor": s.sponsor, "first_release": s.first_release.isoformat(),
            "history": [f"{h['status']} since {h['since']}" + (f" ({h['note']})" if h["note"] else "") for h in history],
        })
    return out


def _source(s: dict) -> dict:
    ref = s["ref"]
    return {**s, "url": ref if re.match(r"^https?://", ref) else None}


def _sources(rec: dict, cat) -> dict:
    """The reference list: the sources behind the pair and the bridge in full, those cited only for
    the runners-up in short (id and link)."""
    every = [_source(s) for s in rec["sources"]]
    main_ids: set[str] = set()
    if rec["prototype"] is not None and cat is not None:
        for sid in (rec["prototype"]["id"], rec["deployment"]["id"]):
            if sid in cat.subjects:
                main_ids |= set(cat.subjects[sid].sources)
        main_ids |= set(rec["bridge"]["sources"])
    else:
        main_ids = {s["id"] for s in every}
    return {"main": [s for s in every if s["id"] in main_ids], "others": [s for s in every if s["id"] not in main_ids]}


def _verification(v) -> dict | None:
    """advisor.verify's result, shown generically: verdict, the steps taken, the scalar details."""
    if not v:
        return None
    if not isinstance(v, dict):
        return {"summary": str(v), "ok": None, "items": [], "steps": []}
    status = next((v[k] for k in ("ok", "passed", "success") if k in v), None)
    summary = next((str(v[k]) for k in ("summary", "message", "verdict") if v.get(k)), None)
    if summary is None and status is not None:
        summary = "the bridge works here" if status else "the bridge did not work here"
    steps = [str(x) for x in v["steps"]] if isinstance(v.get("steps"), list) else []
    items = []
    for k, val in v.items():
        if k in ("summary", "message", "verdict", "steps") or val is None or val == "" or isinstance(val, list):
            continue
        if isinstance(val, dict):
            if not val or any(isinstance(x, (dict, list)) for x in val.values()):
                continue
            val = ", ".join(f"{a} {_short(b)}" for a, b in val.items())
        items.append({"key": str(k), "value": _short(val)})
    return {"summary": summary or "see the details below", "ok": status, "items": items, "steps": steps}


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


def _showdown(rec: dict, cat) -> dict:
    """The Showdown's three categories for the top prototyping candidates at the report's date."""
    from advisor.showdown import SHOWDOWN_CATEGORIES, scores

    ranking = rec["prototype_ranking"]
    table = {r["id"]: r for r in scores(cat)} if cat is not None else {}
    rows, missing = [], []
    for r in ranking:
        if len(rows) >= RADAR_TOP:
            break
        s = table.get(r["id"])
        if s is None:
            missing.append(r["name"])
            continue
        rows.append({"id": r["id"], "name": r["name"], "rank": r["rank"], "overall": s["overall"],
                     "categories": [{"id": c, "label": CATEGORY_LABELS[c], "value": s["categories"][c]}
                                    for c in SHOWDOWN_CATEGORIES]})
    return {"rows": rows, "missing": missing, "categories": [CATEGORY_LABELS[c] for c in SHOWDOWN_CATEGORIES]}


def _f(x: float) -> str:
    """SVG coordinates: one decimal, fixed."""
    text = f"{x:.1f}"
    return "0.0" if text == "-0.0" else text


def _radar(showdown: dict) -> dict | None:
    rows = showdown["rows"]
    if not rows:
        return None
    cx, cy, radius = 200.0, 150.0, 120.0
    n = len(showdown["categories"])
    angles = [-math.pi / 2 + 2 * math.pi * i / n for i in range(n)]

    def point(value: float, a: float) -> tuple[float, float]:
        return cx + radius * value / 100 * math.cos(a), cy + radius * value / 100 * math.sin(a)

    def poly(values) -> str:
        return " ".join(f"{_f(x)},{_f(y)}" for x, y in (point(v, a) for v, a in zip(values, angles)))

    rings = [{"points": poly([level] * n), "label": str(level), "y": _f(cy - radius * level / 100)}
             for level in (25, 50, 75, 100)]
    axes = []
    for label, a in zip(showdown["categories"], angles):
        x, y = point(100, a)
        if abs(math.cos(a)) < 0.2:  # the top axis: label centred above the tip
            anchor, lx, ly = "middle", x, y - 12
        else:  # the lower axes: label beside and below the tip
            anchor, lx, ly = ("start", x - 10, y + 20) if math.cos(a) > 0 else ("end", x + 10, y + 20)
        axes.append({"x": _f(x), "y": _f(y), "lx": _f(lx), "ly": _f(ly), "label": label, "anchor": anchor})
    series = []
    for i, r in enumerate(rows):
        values = [c["value"] for c in r["categories"]]
        series.append({"name": r["name"], "color": PALETTE[i % len(PALETTE)], "points": poly(values),
                       "dots": [{"x": _f(x), "y": _f(y)} for x, y in (point(v, a) for v, a in zip(values, angles))],
                       "legend_y": _f(30 + 22 * i), "key_y": _f(20 + 22 * i), "summary": ", ".join(
                           f"{c['label']} {num(c['value'])}" for c in r["categories"])})
    return {"width": 600, "height": 250, "cx": _f(cx), "cy": _f(cy), "rings": rings, "axes": axes, "series": series,
            "legend_x": "420", "legend_text_x": "438"}


def _bars(carried: dict, names: dict | None = None) -> dict | None:
    """Horizontal bars: for each criterion of the pick, weight (light) and weight x value (solid)."""
    rows = [(side, r) for side, _ in SIDES for r in carried.get(side, [])]
    if not rows:
        return None
    scale_max = max(r["weight"] for _, r in rows)
    left, width, bar_h, gap, head = 190.0, 300.0, 16.0, 6.0, 26.0
    groups, y = [], 0.0
    for side, title in SIDES:
        items = carried.get(side, [])
        if not items:
            continue
        y += head
        group = {"title": f"{title}: {names[side]}" if names else title, "y": _f(y - 9), "bars": []}
        for r in items:
            group["bars"].append({
                "label": r["label"], "y": _f(y), "ty": _f(y + bar_h - 4),
                "full": _f(width * r["weight"] / scale_max), "fill": _f(width * r["product"] / scale_max),
                "text": f"{num(r['product'], 2)} of {num(r['weight'], 2)}", "tx": _f(left + width * r["weight"] / scale_max + 6),
                "known": r["known"],
            })
            y += bar_h + gap
        groups.append(group)
        y += 8
    return {"width": 600, "height": _f(y + 4), "left": _f(left), "label_x": _f(left - 8), "groups": groups,
            "estimated": any(not r["known"] for _, r in rows)}
