"""Shared test helpers: run the CLI in-process or as the installed command."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
MINI_KB = DATA / "kb-mini"


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys, monkeypatch):
    """Run `advisor ARGS` in-process; returns Result(code, out, err)."""
    from advisor.cli import main

    def run(*args: str, env: dict | None = None) -> Result:
        for k, v in (env or {}).items():
            if v is None:
                monkeypatch.delenv(k, raising=False)
            else:
                monkeypatch.setenv(k, str(v))
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def advisor_command() -> list[str]:
    exe = shutil.which("advisor", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "advisor"]


@pytest.fixture
def run_advisor(tmp_path):
    """Run the installed `advisor` as a whole process, from a folder outside the checkout."""

    def run(*args: str, env: dict | None = None, input: str | None = None, timeout: float = 120) -> Result:
        full_env = {**os.environ, **{k: str(v) for k, v in (env or {}).items()}}
        p = subprocess.run(advisor_command() + [str(a) for a in args], cwd=tmp_path, env=full_env,
                           input=input, capture_output=True, text=True, timeout=timeout)
        return Result(p.returncode, p.stdout, p.stderr)

    return run


@pytest.fixture
def mini_kb(monkeypatch):
    monkeypatch.setenv("ADVISOR_KNOWLEDGE", str(MINI_KB))
    return MINI_KB
