"""Resolve the knowledge at a date into a Catalog: the state of every subject as of that day.

Pure. A fact holds from its `since` until a newer row for the same key; a subject exists from its first status row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from advisor.dates import parse_date
from advisor.errors import BadInput
from advisor.knowledge import load
from advisor.tables import TABLES, Row
from advisor.validation import Criterion, Knowledge


@dataclass
class Subject:
    id: str
    kind: str
    name: str
    sponsor: str
    license: str
    homepage: str
    first_release: dt.date
    status: str
    status_since: dt.date
    status_note: str
    values: dict[str, float] = field(default_factory=dict)
    value_checked: dict[str, dt.date] = field(default_factory=dict)  # each value's newest source date
    capabilities: dict[str, tuple[str, ...]] = field(default_factory=dict)
    capability_sources: dict[str, tuple[str, ...]] = field(default_factory=dict)
    onnx: dict[str, dict] = field(default_factory=dict)
    sources: set[str] = field(default_factory=set)
    history: list[dict] = field(default_factory=list)

    @property
    def imports_onnx(self) -> bool:
        return "onnx" in self.capabilities.get("formats", ())

    @property
    def deployable(self) -> bool:
        return bool(self.capabilities.get("targets"))


@dataclass
class Catalog:
    as_of: dt.date
    knowledge: Knowledge
    subjects: dict[str, Subject]
    native_bridges: list[Row]  # the native bridges in force: both ends released, not removed

    @property
    def criteria(self) -> dict[str, Criterion]:
        return self.knowledge.criteria

    def kind(self, kind: str) -> list[Subject]:
        return [s for s in self.subjects.values() if s.kind == kind]

    def source(self, sid: str) -> dict:
        return self.knowledge.sources[sid]


def _latest(rows: list[Row], key: tuple[str, ...], as_of: dt.date) -> dict[tuple, Row]:
    """Per key (without `since`), the newest row with since <= as_of."""
    best: dict[tuple, tuple[dt.date, Row]] = {}
    for row in rows:
        since = parse_date(row["since"])
        if since > as_of:
            continue
        k = tuple(row[c] for c in key if c != "since")
        if k not in best or since > best[k][0]:
            best[k] = (since, row)
    return {k: r for k, (_, r) in best.items()}


def parse_as_of(text: str | None, knowledge: Knowledge) -> dt.date:
    """--as-of: YYYY-MM (end of that month) or YYYY-MM-DD; default the knowledge date."""
    if text is None:
        return knowledge.latest
    try:
        as_of = parse_date(text, month_end=True)
    except ValueError as exc:
        raise BadInput(f"--as-of: {exc}") from None
    if as_of < knowledge.earliest:
        raise BadInput(f"--as-of {text}: before any knowledge; the earliest fact is dated {knowledge.earliest}")
    return as_of


def catalog(as_of: dt.date, knowledge: Knowledge | None = None) -> Catalog:
    kb = knowledge or load()
    if as_of < kb.earliest:
        raise BadInput(f"as of {as_of}: before any knowledge; the earliest fact is dated {kb.earliest}")
    t = kb.tables
    statuses = sorted(t["status"], key=lambda r: (r["subject"], r["since"]))
    subjects: dict[str, Subject] = {}
    for sid, meta in kb.subjects.items():
        rows = [r for r in statuses if r["subject"] == sid]
        history = [
            {"status": r["status"], "since": parse_date(r["since"]).isoformat(), "note": r["note"], "source": r["source"]}
            for r in rows
        ]
        current = [r for r in rows if parse_date(r["since"]) <= as_of]
        if not current:
            continue  # not released yet at this date
        now = current[-1]
        subjects[sid] = Subject(
            sid, meta["kind"], meta["name"], meta["sponsor"], meta["license"], meta["homepage"],
            parse_date(rows[0]["since"]), now["status"], parse_date(now["since"]), now["note"],
            sources=set(meta["sources"]) | set(now["source"].split()), history=history,
        )
    for (sid, crit), row in _latest(t["observations"], TABLES["observations"][1], as_of).items():
        if sid in subjects:
            subjects[sid].values[crit] = float(row["value"])
            subjects[sid].value_checked[crit] = max(kb.sources[x]["date"] for x in row["source"].split())
            subjects[sid].sources.update(row["source"].split())
    for (sid, attr), row in _latest(t["capabilities"], TABLES["capabilities"][1], as_of).items():
        if sid in subjects:
            subjects[sid].capabilities[attr] = tuple(row["values"].split())
            subjects[sid].capability_sources[attr] = tuple(row["source"].split())
            subjects[sid].sources.update(row["source"].split())
    for (sid, direction), row in _latest(t["onnx"], TABLES["onnx"][1], as_of).items():
        if sid in subjects:
            subjects[sid].onnx[direction] = {"support": row["support"], "tool": row["tool"], "sources": tuple(row["source"].split())}
            subjects[sid].sources.update(row["source"].split())

    native = [row for (src, dst, _exporter), row in sorted(_latest(t["bridges"], TABLES["bridges"][1], as_of).items())
              if src in subjects and dst in subjects and row["maturity"] != "removed"]
    return Catalog(as_of, kb, subjects, native)
