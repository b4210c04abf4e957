"""Read the knowledge folder's CSV tables: the schema (columns, keys) and rows that know where they came from.

Pure: reads files, never prints. A file that cannot be read as a table is a KnowledgeError.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

from advisor.errors import KnowledgeError

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


@dataclass(frozen=True)
class Row:
    file: str
    row: int  # line number in the file; the header is row 1
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells[column]

    def fail(self, column: str | None, message: str) -> KnowledgeError:
        return KnowledgeError(self.file, self.row, column, message)


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

    from advisor.errors import BadInput
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
