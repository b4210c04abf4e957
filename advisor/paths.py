"""Where the packaged data folders are: knowledge/ (or ADVISOR_KNOWLEDGE) and prompts/."""

from __future__ import annotations

import os
from pathlib import Path

from advisor.errors import BadInput


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
