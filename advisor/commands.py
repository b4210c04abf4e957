"""The thin faces of the list-and-print commands: frameworks, runtimes, kb, scores, questions, recommend."""

from __future__ import annotations

import argparse

from advisor.context import Context
from advisor.output import emit, table, to_json


def _sources(cat, ids) -> list[dict]:
    return [{**cat.source(s), "date": cat.source(s)["date"].isoformat()} for s in sorted(ids)]


def framework_record(cat, s) -> dict:
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


def runtime_record(cat, s) -> dict:
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


def frameworks(args: argparse.Namespace, ctx: Context) -> int:
    cat = ctx.catalog
    records = [framework_record(cat, s) for s in sorted(cat.kind("framework"), key=lambda s: s.id)]
    if args.format == "json":
        emit(to_json(records))
    else:
        emit(f"Frameworks as of {cat.as_of}\n\n")
        emit(table(records, [("id", "ID"), ("name", "NAME"), ("status", "STATUS"), ("status_since", "SINCE"),
                             ("first_release", "FIRST RELEASE"), ("onnx_export", "ONNX EXPORT")]))
        emit("\nDetails (sponsor, lifecycle notes, ONNX tools, criteria, sources): --format json\n")
    return 0


def runtimes(args: argparse.Namespace, ctx: Context) -> int:
    cat = ctx.catalog
    records = [runtime_record(cat, s) for s in sorted(cat.kind("runtime"), key=lambda s: s.id)]
    if args.format == "json":
        emit(to_json(records))
    else:
        emit(f"Deployment runtimes as of {cat.as_of}\n\n")
        emit(table(records, [("id", "ID"), ("name", "NAME"), ("status", "STATUS"), ("targets", "TARGETS"),
                             ("languages", "LANGUAGES"), ("imports_onnx", "ONNX")]))
        emit("\nDetails (OS, hardware, formats, licence, lifecycle, sources): --format json\n")
    return 0


def kb_help(args: argparse.Namespace, ctx: Context) -> int:
    emit("usage: advisor kb {check,path}\n  check  validate the whole knowledge folder\n  path   where the knowledge folder in use is\n")
    return 0


def kb_check(args: argparse.Namespace, ctx: Context) -> int:
    from advisor.tables import TABLES

    knowledge = ctx.knowledge
    t = knowledge.tables
    counts = ", ".join(f"{len(t[name])} {name}" for name in TABLES)
    emit(f"{knowledge.folder}: sound ({counts}; facts dated {knowledge.earliest} to {knowledge.latest})\n")
    return 0


def kb_path(args: argparse.Namespace, ctx: Context) -> int:
    from advisor.paths import knowledge_dir

    path = str(knowledge_dir())
    emit(to_json({"path": path}) if args.format == "json" else path + "\n")
    return 0


def scores(args: argparse.Namespace, ctx: Context) -> int:
    from advisor.showdown import scores as showdown_scores

    cat = ctx.catalog
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


def questions(args: argparse.Namespace, ctx: Context) -> int:
    qs = ctx.questions
    if args.format == "json":
        emit(to_json(qs.to_json()))
        return 0
    for q in qs:
        cond = "".join(f"  (only when {k} is {'/'.join(v)})" for k, v in q.ask_if.items())
        emit(f"{q.id}: {q.text}{cond}\n  {q.help}\n")
        for o in q.options:
            mark = "*" if o.id == q.default else " "
            also = f"  (also: {', '.join(o.aliases)})" if o.aliases else ""
            emit(f"   {mark} {o.id:<14} {o.label}{also}\n")
        emit("\n")
    emit("* marks the default. Write answers as YAML, e.g. `target: mobile`, or pass --set target=mobile. "
         "Ids are read in any case; the words after `also:` and the labels are read as the option's id.\n")
    return 0


def recommend(args: argparse.Namespace, ctx: Context) -> int:
    from advisor import present

    rec = ctx.recommend_args(args)
    emit(to_json(present.recommendation_json(rec)) if args.format == "json" else present.text(rec))
    return rec.exit_code
