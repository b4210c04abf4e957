"""Load the knowledge folder: read its tables and validate them, once per folder.

Pure: reads files, never prints. Every problem is a KnowledgeError naming file, row, column.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from advisor.paths import knowledge_dir
from advisor.tables import read_tables
from advisor.validation import Knowledge, validate


@lru_cache(maxsize=4)
def _load(folder: str) -> Knowledge:
    path = Path(folder)
    return validate(read_tables(path), path)


def load(folder: Path | None = None) -> Knowledge:
    """The validated knowledge in `folder` (default: ADVISOR_KNOWLEDGE, else the packaged one)."""
    return _load(str(folder or knowledge_dir()))
