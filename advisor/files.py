"""Reading answer files and writing outputs atomically: nothing is ever half-written."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

from advisor.errors import BadInput


def output_problem(path: str | Path) -> str | None:
    """Why `path` cannot take an output file (the one check every face uses), or None."""
    target = Path(path).expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        return "is a folder; give a file path"
    if not folder.is_dir():
        return f"folder {folder} does not exist; create it or choose another path"
    return None


def check_output(path: str | Path) -> Path:
    """`path` as an output target, or BadInput saying why it cannot be one."""
    target = Path(path).expanduser()
    problem = output_problem(target)
    if problem:
        raise BadInput(f"{target}: {problem}")
    return target


def write_atomic(path: str | Path, data: str | bytes) -> Path:
    """Write to a temporary file beside `path`, then rename over it; an old file survives a failure."""
    target = check_output(path)
    folder = target.parent if str(target.parent) else Path(".")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise BadInput(f"{target}: cannot write ({exc.strerror or exc}); choose a writable path") from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    return target


@contextlib.contextmanager
def reading(path: Path, expected: str, hint: str = ""):
    """Turn the ways reading `path` can fail into one clear BadInput line."""
    try:
        yield
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BadInput(f"{path}: is a folder, expected {expected}") from None
    except UnicodeDecodeError:
        raise BadInput(f"{path}: not UTF-8 text; {hint or 'expected ' + expected}") from None
    except OSError as exc:
        raise BadInput(f"{path}: cannot read ({exc.strerror or exc})") from None


def load_yaml(text: str):
    """Parse YAML safely, with libyaml's C loader when it is there (several times faster)."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def read_mapping(path: str | Path) -> dict:
    """A YAML or JSON file holding one mapping (JSON is YAML, so one parser reads both)."""
    import yaml

    p = Path(path).expanduser()
    with reading(p, "a YAML or JSON file", "expected a YAML or JSON mapping"):
        text = p.read_text(encoding="utf-8")
    try:
        data = load_yaml(text) if p.suffix.lower() != ".json" else json.loads(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BadInput(f"{p}: malformed {'JSON' if p.suffix.lower() == '.json' else 'YAML'} ({first})") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise BadInput(f"{p}: expected a mapping of question id to answer, got a {type(data).__name__}")
    return data
