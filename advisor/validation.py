"""Validate the knowledge tables: vocabularies, criteria, ids, sources, ranges, dates and keys.

Pure. Every problem is a KnowledgeError naming file, row and column; the first one found is raised.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from advisor.dates import parse_date
from advisor.tables import TABLES, Row

# Vocabularies of capability values.
VOCAB: dict[str, tuple[str, ...]] = {
    "targets": ("server", "mobile", "embedded", "browser", "desktop", "microcontroller"),
    "os": ("linux", "windows", "macos", "android", "ios"),
    "hardware": ("nvidia_gpu", "amd_gpu", "intel_cpu", "intel_gpu", "arm", "apple_silicon", "tpu", "npu", "mcu"),
    "tasks": ("vision", "nlp", "speech", "tabular", "generative", "llm", "other"),
    "languages": (
        "python", "cpp", "c", "java", "kotlin", "scala", "javascript", "csharp", "swift", "objc",
        "go", "rust", "r", "julia", "lua", "matlab", "perl", "ruby", "dart",
        "http",  # serves an HTTP/gRPC API (a model server): any language on the network can call it
    ),
    "community": (  # bindings maintained outside the project, widely used
        "python", "cpp", "c", "java", "kotlin", "javascript", "csharp", "swift", "go", "rust", "r", "julia",
        "ruby", "dart",
    ),
    "formats": (
        "onnx", "savedmodel", "keras", "tflite", "torchscript", "torch_export", "pte", "pytorch",
        "caffe", "caffe2", "mxnet", "coreml", "openvino_ir", "paddle", "mindir", "jax", "tfjs",
        "ncnn", "mnn", "tensorrt_engine", "dl4j", "hf_checkpoint", "gguf", "mlx", "tflite_c_array", "safetensors",
    ),
}
KINDS = ("framework", "runtime")
STATUSES = ("active", "maintenance", "discontinued")
BASES = ("chart", "doc", "count", "judgement")
ONNX_DIRECTIONS = ("export", "import")
ONNX_SUPPORT = ("builtin", "community", "none")
MATURITIES = ("stable", "beta", "experimental", "deprecated", "removed")
CATEGORIES = ("support_community", "api_internals", "platform", "deployment")

_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


def _date(row: Row, column: str) -> dt.date:
    try:
        return parse_date(row[column])
    except ValueError as exc:
        raise row.fail(column, str(exc)) from None


def _number(row: Row, column: str) -> float:
    try:
        value = float(row[column])
    except ValueError:
        raise row.fail(column, f"'{row[column]}' is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise row.fail(column, f"'{row[column]}' is not a finite number")
    return value


def _choice(row: Row, column: str, valid) -> str:
    value = row[column]
    if value not in valid:
        raise row.fail(column, f"'{value}' is not one of: {', '.join(valid)}")
    return value


def _required(row: Row, *columns: str) -> None:
    for column in columns:
        if not row[column]:
            raise row.fail(column, "empty; this column is required")


@dataclass(frozen=True)
class Criterion:
    id: str
    category: str
    label: str
    min: float
    max: float
    step: float
    applies_to: str
    in_showdown: bool
    scale: str

    def normalise(self, value: float) -> float:
        """0..1 on the criterion's own defined scale (never the candidates' min/max)."""
        return value / self.max if self.max else 0.0


@dataclass
class Knowledge:
    """Everything in the folder, validated, not yet resolved at a date."""

    folder: Path
    sources: dict[str, dict]
    criteria: dict[str, Criterion]
    subjects: dict[str, dict]
    tables: dict[str, list[Row]]
    earliest: dt.date
    latest: dt.date


def validate(tables: dict[str, list[Row]], folder: Path) -> Knowledge:
    """Check types, ranges, ids, sources, duplicate keys and dates; raise on the first problem."""
    sources: dict[str, dict] = {}
    for row in tables["sources"]:
        _required(row, "id", "ref", "title", "date")
        if not _ID.match(row["id"]):
            raise row.fail("id", f"'{row['id']}' is not an id (lower-case letters, digits, - _ .)")
        if row["id"] in sources:
            raise row.fail("id", f"duplicate source id '{row['id']}'")
        ref = row["ref"]
        if not (ref.startswith("https://") or ref.startswith("http://") or re.match(r"^seeds/\d{3}_[\w.-]+$", ref)):
            raise row.fail("ref", f"'{ref}' is neither a URL nor a seed file (seeds/NNN_*.txt)")
        sources[row["id"]] = {"id": row["id"], "ref": ref, "title": row["title"], "date": _date(row, "date")}

    def cite(row: Row) -> tuple[str, ...]:
        ids = tuple(row["source"].split())
        if not ids:
            raise row.fail("source", "empty; every fact names its source")
        for sid in ids:
            if sid not in sources:
                raise row.fail("source", f"unknown source '{sid}'; add it to a sources*.csv file")
        return ids

    criteria: dict[str, Criterion] = {}
    for row in tables["criteria"]:
        _required(row, "id", "category", "label", "min", "max", "step", "applies_to", "in_showdown")
        if row["id"] in criteria:
            raise row.fail("id", f"duplicate criterion '{row['id']}'")
        lo, hi, step = _number(row, "min"), _number(row, "max"), _number(row, "step")
        if not lo < hi:
            raise row.fail("max", f"max {hi:g} must be above min {lo:g}")
        cite(row)
        criteria[row["id"]] = Criterion(
            row["id"], _choice(row, "category", CATEGORIES), row["label"], lo, hi, step,
            _choice(row, "applies_to", ("framework", "both")),
            _choice(row, "in_showdown", ("true", "false")) == "true", row["scale"],
        )

    subjects: dict[str, dict] = {}
    for row in tables["subjects"]:
        _required(row, "id", "kind", "name")
        if not _ID.match(row["id"]):
            raise row.fail("id", f"'{row['id']}' is not an id (lower-case letters, digits, - _ .)")
        if row["id"] in subjects:
            raise row.fail("id", f"duplicate subject '{row['id']}'")
        _choice(row, "kind", KINDS)
        subjects[row["id"]] = dict(row.cells, sources=cite(row))

    def subject_of(row: Row, column: str = "subject", kind: str | None = None) -> str:
        sid = row[column]
        if sid not in subjects:
            raise row.fail(column, f"unknown subject '{sid}'; known: {', '.join(sorted(subjects))}")
        if kind and subjects[sid]["kind"] != kind:
            raise row.fail(column, f"'{sid}' is a {subjects[sid]['kind']}, expected a {kind}")
        return sid

    first_release: dict[str, dt.date] = {}
    dates: list[dt.date] = []

    def dated(row: Row, sid: str, ids: tuple[str, ...]) -> dt.date:
        since = _date(row, "since")
        newest_source = max(sources[s]["date"] for s in ids)
        if since > newest_source:
            raise row.fail("since", f"{since} is after its newest source ({newest_source}); a fact cannot be seen before it is written")
        if sid in first_release and since < first_release[sid]:
            raise row.fail("since", f"{since} is before {sid}'s first release ({first_release[sid]})")
        dates.append(since)
        return since

    # status first: it defines when each subject exists
    for row in sorted(tables["status"], key=lambda r: (r["subject"], r["since"])):
        sid = subject_of(row)
        _choice(row, "status", STATUSES)
        since = dated(row, sid, cite(row))
        first_release.setdefault(sid, since)
    for sid in subjects:
        if sid not in first_release:
            row = next(r for r in tables["subjects"] if r["id"] == sid)
            raise row.fail("id", f"'{sid}' has no status row; add its first release to status.csv")

    for row in tables["observations"]:
        sid = subject_of(row)
        if row["criterion"] not in criteria:
            raise row.fail("criterion", f"unknown criterion '{row['criterion']}'; known: {', '.join(criteria)}")
        crit = criteria[row["criterion"]]
        if crit.applies_to == "framework" and subjects[sid]["kind"] != "framework":
            raise row.fail("criterion", f"'{crit.id}' applies to frameworks only, '{sid}' is a runtime")
        value = _number(row, "value")
        if not crit.min <= value <= crit.max:
            raise row.fail("value", f"{value:g} is outside {crit.id}'s scale {crit.min:g}..{crit.max:g}")
        if crit.step and abs(value / crit.step - round(value / crit.step)) > 1e-9:
            raise row.fail("value", f"{value:g} is not a multiple of {crit.id}'s step {crit.step:g}")
        _choice(row, "basis", BASES)
        dated(row, sid, cite(row))

    for row in tables["capabilities"]:
        sid = subject_of(row)
        attribute = _choice(row, "attribute", tuple(VOCAB))
        values = row["values"].split()
        if not values:
            raise row.fail("values", f"empty; list {attribute} separated by spaces")
        for value in values:
            if value not in VOCAB[attribute]:
                raise row.fail("values", f"'{value}' is not a known {attribute}: {', '.join(VOCAB[attribute])}")
        if len(set(values)) != len(values):
            raise row.fail("values", "a value is listed twice")
        dated(row, sid, cite(row))

    for row in tables["onnx"]:
        sid = subject_of(row, kind="framework")
        _choice(row, "direction", ONNX_DIRECTIONS)
        support = _choice(row, "support", ONNX_SUPPORT)
        if support != "none" and not row["tool"]:
            raise row.fail("tool", "empty; name the exporter or importer")
        dated(row, sid, cite(row))

    for row in tables["bridges"]:
        src = subject_of(row, "from", kind="framework")
        subject_of(row, "to")
        if row["to"] == src:
            raise row.fail("to", "a bridge joins two different subjects")
        _required(row, "exporter")
        _choice(row, "maturity", MATURITIES)
        ids = cite(row)
        since = dated(row, src, ids)
        if since < first_release[row["to"]]:
            raise row.fail("since", f"{since} is before {row['to']}'s first release ({first_release[row['to']]})")

    _check_targets_agree(tables)

    for table, (_columns, key) in TABLES.items():
        seen: dict[tuple, Row] = {}
        for row in tables[table]:
            k = tuple(row[c] for c in key)
            if k in seen:
                raise row.fail(key[-1], f"duplicate key ({', '.join(k)}); first at row {seen[k].row} of {seen[k].file}")
            seen[k] = row

    return Knowledge(folder, sources, criteria, subjects, tables, min(dates), max(dates))


AGREEING = (("targets", "target_"), ("hardware", "hw_"))  # capability -> the fit scores that must agree with it


def _check_targets_agree(tables: dict[str, list[Row]]) -> None:
    """A subject's `targets` (`hardware`) capability and its target_* (hw_*) fit scores must agree at
    every date: fit > 0 exactly for the values listed (where a fit score is known)."""
    for attribute, prefix in AGREEING:
        _check_agree(tables, attribute, prefix)


def _check_agree(tables: dict[str, list[Row]], attribute: str, prefix: str) -> None:
    by_subject: dict[str, list[Row]] = {}
    for row in tables["capabilities"]:
        if row["attribute"] == attribute:
            by_subject.setdefault(row["subject"], []).append(row)
    for row in tables["observations"]:
        if row["criterion"].startswith(prefix):
            by_subject.setdefault(row["subject"], []).append(row)
    for sid, rows in sorted(by_subject.items()):
        rows.sort(key=lambda r: (parse_date(r["since"]), r.file, r.row))
        listed: set[str] | None = None
        fit: dict[str, tuple[float, Row]] = {}
        for i, row in enumerate(rows):
            if "attribute" in row.cells:
                listed = set(row["values"].split())
            else:
                fit[row["criterion"][len(prefix):]] = (float(row["value"]), row)
            if i + 1 < len(rows) and rows[i + 1]["since"] == row["since"]:
                continue  # compare once all rows of this date are in
            if listed is None:
                if any(v > 0 for v, _ in fit.values()):
                    raise row.fail("since", f"{sid} has {prefix}* fit scores but no '{attribute}' capability at {row['since']}")
                continue
            for t, (value, frow) in sorted(fit.items()):
                if (value > 0) != (t in listed):
                    verb = "lists" if t in listed else "does not list"
                    raise row.fail(
                        None, f"{sid} at {row['since']}: {prefix}{t} is {value:g} but its '{attribute}' capability {verb} "
                        f"{t} (fit row {frow.row} of {frow.file}); make them agree")
