"""The thin faces of the list-and-print commands: frameworks, runtimes, kb, scores, questions, recommend."""

from __future__ import annotations

import argparse

from advisor import knowledge as kb
from advisor.catalog import Catalog, Subject, catalog, parse_as_of
from advisor.output import emit, table, to_json
from advisor.paths import knowledge_dir
from advisor.tables import TABLES


def _catalog(args: argparse.Namespace) -> Catalog:
    knowledge = kb.load()
    return catalog(parse_as_of(getattr(args, "as_of", None), knowledge), knowledge)


def _sources(cat: Catalog, ids) -> list[dict]:
    return [{**cat.source(s), "date": cat.source(s)["date"].isoformat()} for s in sorted(ids)]


def framework_record(cat: Catalog, s: Subject) -> dict:
    return {
        "id": s.id,
        "name": s.name,
        "sponsor": s.sponsor,
        "status": s.status,
        "status_since": s.status_since.isoformat(),
        "status_note": s.status_note,
        "first_release": s.first_release.isoformat(),
        "license": s.license,
        "homepage": s.homepage,
        "criteria": {c: s.values[c] for c in cat.criteria if c in s.values},
        "onnx_export": s.onnx.get("export", {}).get("support", "unknown"),
        "onnx_export_tool": s.onnx.get("export", {}).get("tool", ""),
        "onnx_import": s.onnx.get("import", {}).get("support", "unknown"),
        "onnx_import_tool": s.onnx.get("import", {}).get("tool", ""),
        "deployable": s.deployable,
        "lifecycle": s.history,
        "sources": _sources(cat, s.sources),
    }


def runtime_record(cat: Catalog, s: Subject) -> dict:
    caps = s.capabilities
    return {
        "id": s.id,
        "name": s.name,
        "sponsor": s.sponsor,
        "status": s.status,
        "status_since": s.status_since.isoformat(),
        "status_note": s.status_note,
        "first_release": s.first_release.isoformat(),
        "license": s.license,
        "homepage": s.homepage,
        "targets": list(caps.get("targets", ())),
        "os": list(caps.get("os", ())),
        "hardware": list(caps.get("hardware", ())),
        "languages": list(caps.get("languages", ())),
        "formats": list(caps.get("formats", ())),
        "imports_onnx": s.imports_onnx,
        "criteria": {c: s.values[c] for c in cat.criteria if c in s.values},
        "lifecycle": s.history,
        "sources": _sources(cat, s.sources),
    }


def frameworks(args: argparse.Namespace) -> int:
    cat = _catalog(args)
    records = [framework_record(cat, s) for s in sorted(cat.kind("framework"), key=lambda s: s.id)]
    if args.format == "json":
        emit(to_json(records))
    else:
        emit(f"Frameworks as of {cat.as_of}\n\n")
        emit(table(records, [("id", "ID"), ("name", "NAME"), ("status", "STATUS"), ("status_since", "SINCE"),
                             ("first_release", "FIRST RELEASE"), ("onnx_export", "ONNX EXPORT")]))
        emit("\nDetails (sponsor, lifecycle notes, ONNX tools, criteria, sources): --format json\n")
    return 0


def runtimes(args: argparse.Namespace) -> int:
    cat = _catalog(args)
    records = [runtime_record(cat, s) for s in sorted(cat.kind("runtime"), key=lambda s: s.id)]
    if args.format == "json":
        emit(to_json(records))
    else:
        emit(f"Deployment runtimes as of {cat.as_of}\n\n")
        emit(table(records, [("id", "ID"), ("name", "NAME"), ("status", "STATUS"), ("targets", "TARGETS"),
                             ("languages", "LANGUAGES"), ("imports_onnx", "ONNX")]))
        emit("\nDetails (OS, hardware, formats, licence, lifecycle, sources): --format json\n")
    return 0


def kb_help(args: argparse.Namespace) -> int:
    emit("usage: advisor kb {check,path}\n  check  validate the whole knowledge folder\n  path   where the knowledge folder in use is\n")
    return 0


def kb_check(args: argparse.Namespace) -> int:
    knowledge = kb.load()
    t = knowledge.tables
    counts = ", ".join(f"{len(t[name])} {name}" for name in TABLES)
    emit(f"{knowledge.folder}: sound ({counts}; facts dated {knowledge.earliest} to {knowledge.latest})\n")
    return 0


def kb_path(args: argparse.Namespace) -> int:
    path = str(knowledge_dir())
    emit(to_json({"path": path}) if args.format == "json" else path + "\n")
    return 0


def scores(args: argparse.Namespace) -> int:
    from advisor.showdown import scores as showdown_scores

    cat = _catalog(args)
    rows = showdown_scores(cat)
    if args.format == "json":
        emit(to_json([{"id": r["id"], "name": r["name"], "rank": r["rank"], "status": r["status"],
                       "categories": r["categories"], "overall": r["overall"], "missing": r["missing"]} for r in rows]))
        return 0
    flat = [{**r, **r["categories"]} for r in rows]
    emit(f"Deep Learning Showdown scoring as of {cat.as_of} (0-100; overall = mean of the three categories)\n\n")
    emit(table(flat, [("rank", "#"), ("id", "ID"), ("name", "NAME"), ("support_community", "SUPPORT & COMMUNITY"),
                      ("api_internals", "API & INTERNALS"), ("platform", "PLATFORM"), ("overall", "OVERALL"),
                      ("status", "STATUS")]))
    return 0


def questions(args: argparse.Namespace) -> int:
    from advisor.questions import load

    qs = load()
    if args.format == "json":
        emit(to_json(qs.to_json()))
        return 0
    for q in qs:
        cond = "".join(f"  (only when {k} is {'/'.join(v)})" for k, v in q.ask_if.items())
        emit(f"{q.id}: {q.text}{cond}\n  {q.help}\n")
        for o in q.options:
            mark = "*" if o.id == q.default else " "
            emit(f"   {mark} {o.id:<14} {o.label}\n")
        emit("\n")
    emit("* marks the default. Write answers as YAML, e.g. `target: mobile`, or pass --set target=mobile.\n")
    return 0


def build_recommendation(args: argparse.Namespace):
    """Answers from the command line, the catalog at --as-of, and the engine's Recommendation."""
    from advisor import answers as answers_mod
    from advisor.engine import recommend as engine_recommend
    from advisor.questions import load

    qs = load()
    answers = answers_mod.from_sources(qs, getattr(args, "answers", None), getattr(args, "sets", []))
    return engine_recommend(answers, qs, _catalog(args))


def recommend(args: argparse.Namespace) -> int:
    from advisor.render import recommendation_text

    rec = build_recommendation(args).to_json()
    emit(to_json(rec) if args.format == "json" else recommendation_text(rec))
    return 0 if rec["prototype"] is not None else 1
