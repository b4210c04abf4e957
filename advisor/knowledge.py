"""Load and validate knowledge/ into a Catalog: the state of every fact as of a date.

Pure: reads files, never prints. Every problem is a KnowledgeError naming file, row, column.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from advisor.dates import parse_date
from advisor.errors import BadInput, KnowledgeError

# Vocabularies of capability values.
VOCAB: dict[str, tuple[str, ...]] = {
    "targets": ("server", "mobile", "embedded", "browser", "desktop", "microcontroller"),
    "os": ("linux", "windows", "macos", "android", "ios"),
    "hardware": ("nvidia_gpu", "amd_gpu", "intel_cpu", "intel_gpu", "arm", "apple_silicon", "tpu", "npu", "mcu"),
    "tasks": ("vision", "nlp", "speech", "tabular", "generative", "llm", "other"),
    "languages": (
        "python", "cpp", "c", "java", "kotlin", "scala", "javascript", "csharp", "swift", "objc",
        "go", "rust", "r", "julia", "lua", "matlab", "perl",
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

# table -> (columns, key columns)
TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "sources": (("id", "ref", "title", "date"), ("id",)),
    "criteria": (
        ("id", "category", "label", "min", "max", "step", "applies_to", "in_showdown", "scale", "source"),
        ("id",),
    ),
    "subjects": (("id", "kind", "name", "sponsor", "license", "homepage", "source"), ("id",)),
    "status": (("subject", "status", "since", "note", "source"), ("subject", "since")),
    "observations": (
        ("subject", "criterion", "value", "since", "basis", "source", "note"),
        ("subject", "criterion", "since"),
    ),
    "capabilities": (
        ("subject", "attribute", "values", "since", "source", "note"),
        ("subject", "attribute", "since"),
    ),
    "onnx": (
        ("subject", "direction", "support", "tool", "since", "source", "note"),
        ("subject", "direction", "since"),
    ),
    "bridges": (
        ("from", "to", "exporter", "importer", "maturity", "since", "source", "note"),
        ("from", "to", "exporter", "since"),
    ),
}
_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


@dataclass(frozen=True)
class Row:
    file: str
    row: int  # line number in the file; the header is row 1
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells[column]

    def fail(self, column: str | None, message: str) -> KnowledgeError:
        return KnowledgeError(self.file, self.row, column, message)


# ---------------------------------------------------------------- locating


def packaged_dir(name: str) -> Path:
    """The data folder `name` (knowledge or prompts): inside the installed package, or the repo."""
    here = Path(__file__).resolve().parent
    installed = here / f"_{name}"
    return installed if installed.is_dir() else here.parent / name


def knowledge_dir() -> Path:
    override = os.environ.get("ADVISOR_KNOWLEDGE")
    if override:
        path = Path(override).expanduser()
        if not path.is_dir():
            raise BadInput(f"ADVISOR_KNOWLEDGE={override}: no such folder; point it at a knowledge folder or unset it")
        return path.resolve()
    return packaged_dir("knowledge")


# ---------------------------------------------------------------- reading


def _table_files(folder: Path, table: str) -> list[Path]:
    """The table's files (anything so named: a folder or FIFO is refused when read, never skipped or waited on)."""
    try:
        names = sorted(e.name for e in os.scandir(folder))
    except OSError as exc:
        raise KnowledgeError(folder.name, None, None, f"cannot list the folder ({(exc.strerror or str(exc)).lower()})") from None
    main = f"{table}.csv"
    extra = [n for n in names if n.startswith(f"{table}-") and n.endswith(".csv")]
    return [folder / n for n in ([main] if main in names else []) + extra]


def _open_table(path: Path, name: str):
    """A table file as text: a regular file within KNOWLEDGE_LIMIT (a folder, FIFO or device is refused)."""
    import io

    from advisor.files import KNOWLEDGE_LIMIT, open_regular

    try:
        raw = open_regular(path, KNOWLEDGE_LIMIT, "a CSV table")
    except BadInput as exc:
        reason = str(exc).split(": ", 1)[-1]
        raise KnowledgeError(name, None, None, reason) from None
    return io.TextIOWrapper(raw, encoding="utf-8", newline="")


def read_tables(folder: Path) -> dict[str, list[Row]]:
    tables: dict[str, list[Row]] = {}
    for table, (columns, _key) in TABLES.items():
        files = _table_files(folder, table)
        if not files:
            raise KnowledgeError(f"{folder.name}/{table}.csv", None, None, "missing file; every knowledge folder needs it")
        rows: list[Row] = []
        for path in files:
            name = f"{folder.name}/{path.name}"
            try:
                with _open_table(path, name) as fh:
                    reader = csv.reader(fh, strict=True)
                    header = next(reader, None)
                    if header is None:
                        raise KnowledgeError(name, 1, None, f"empty file; expected header {','.join(columns)}")
                    header = [h.strip() for h in header]
                    for col in columns:
                        if col not in header:
                            raise KnowledgeError(name, 1, col, f"missing column; expected {','.join(columns)}")
                    for extra in header:
                        if extra not in columns:
                            raise KnowledgeError(name, 1, extra, f"unknown column; expected {','.join(columns)}")
                    for cells in reader:
                        line = reader.line_num
                        if not cells or all(not c.strip() for c in cells):
                            continue
                        if len(cells) != len(header):
                            raise KnowledgeError(name, line, None, f"{len(cells)} cells, the header has {len(header)}")
                        rows.append(Row(name, line, {h: c.strip() for h, c in zip(header, cells)}))
            except UnicodeDecodeError:
                raise KnowledgeError(name, None, None, "not UTF-8 text") from None
            except csv.Error as exc:
                raise KnowledgeError(name, None, None, f"malformed CSV: {exc}") from None
            except OSError as exc:
                raise KnowledgeError(name, None, None, f"cannot read ({(exc.strerror or str(exc)).lower()})") from None
        tables[table] = rows
    return tables


# ---------------------------------------------------------------- validating


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


@lru_cache(maxsize=4)
def _load(folder: str) -> Knowledge:
    path = Path(folder)
    return validate(read_tables(path), path)


def load(folder: Path | None = None) -> Knowledge:
    return _load(str(folder or knowledge_dir()))


# ---------------------------------------------------------------- resolving at a date


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


@dataclass(frozen=True)
class Bridge:
    source: str
    target: str
    kind: str  # onnx | native
    exporter: str
    importer: str
    maturity: str
    sources: tuple[str, ...]


@dataclass
class Catalog:
    as_of: dt.date
    knowledge: Knowledge
    subjects: dict[str, Subject]
    bridges: list[Bridge]

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

    bridges: list[Bridge] = []
    for (src, dst, exporter), row in sorted(_latest(t["bridges"], TABLES["bridges"][1], as_of).items()):
        if src in subjects and dst in subjects and row["maturity"] != "removed":
            bridges.append(Bridge(src, dst, "native", exporter, row["importer"], row["maturity"], tuple(row["source"].split())))
    for fid in sorted(subjects):
        fw = subjects[fid]
        export = fw.onnx.get("export")
        if fw.kind != "framework" or not export or export["support"] == "none":
            continue
        for rid in sorted(subjects):
            rt = subjects[rid]
            if rid == fid or not rt.imports_onnx:
                continue
            maturity = "stable" if export["support"] == "builtin" else "beta"
            bridges.append(Bridge(fid, rid, "onnx", export["tool"], f"{rt.name} ONNX import", maturity, export["sources"]))
    return Catalog(as_of, kb, subjects, bridges)
