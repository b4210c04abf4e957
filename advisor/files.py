"""Files in and out: one output policy for every face that writes, and bounded reading.

Writing (`write_output`, used by report, batch, chat, wizard and verify --keep):
- `-` is standard output;
- a regular file is replaced atomically (a temporary file beside it, then a rename), keeping its
  mode (and, as root, its owner); a failed or interrupted write leaves the old file intact;
- a symlink is followed: its target is written atomically, the link stays a link;
- a FIFO or character device (`/dev/null`, a terminal, a pipe) is written to directly, never
  replaced; a block device or socket is refused;
- a read-only file (no write bit, or not writable by you) is refused, even as root;
- with `overwrite=False` (the chat and the wizard before an explicit yes) an existing file is refused
  with `Exists`.
Temporary files are named `.NAME.PID.XXXXXXXX.tmp`; ones left by a process that no longer runs
(killed with SIGKILL, a power cut) are removed the next time the same target is written.

Reading (`read_bytes`, `open_regular`): regular files only (a FIFO or device is refused at once,
never waited on), over a size limit refused before reading, compressed files named by their bytes.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import secrets
import stat
import sys
from pathlib import Path

from advisor.errors import BadInput
from advisor.safe_text import one_line, show

ANSWERS_LIMIT = 1 << 20  # 1 MiB: an answers file is a few lines
SURVEY_LIMIT = 256 << 20  # 256 MiB: about 4 million survey rows
KNOWLEDGE_LIMIT = 64 << 20  # 64 MiB per knowledge table file
_TMP_NAME = 100  # characters of the target's name kept in its temporary file's name

MAGIC = (
    (b"\x1f\x8b", "gzip"), (b"PK\x03\x04", "zip"), (b"PK\x05\x06", "zip"), (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"), (b"BZh", "bzip2"), (b"7z\xbc\xaf\x27\x1c", "7z"),
)


class Exists(BadInput):
    """The target exists and the caller did not say it may be replaced."""

    def __init__(self, path: Path, how: str = "pass --force"):
        super().__init__(f"{path}: already exists; not replaced ({how} to replace it)")
        self.path = path


def _where(path) -> str:
    """A path in a message: as given, on one inert line, cut when very long."""
    return one_line(str(path), 160)


def _explain(exc: OSError) -> str:
    """The operating system's words for an error (e.g. "No space left on device")."""
    return exc.strerror or str(exc)


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "not a regular file"


# ---------------------------------------------------------------- writing


def is_stdout(path) -> bool:
    return str(path) == "-"


def exists(path) -> bool:
    """Whether writing `path` would replace an existing regular file (what the chat and wizard ask about)."""
    if is_stdout(path):
        return False
    try:
        return stat.S_ISREG(os.stat(Path(path).expanduser()).st_mode)
    except (OSError, ValueError):
        return False


def output_problem(path: str | Path) -> str | None:
    """Why `path` cannot take an output file, or None: the check every face makes before the work."""
    if is_stdout(path):
        return None
    target = Path(path).expanduser()
    try:
        if target.is_dir():
            return "is a folder; give a file path"
        folder = target.parent if str(target.parent) else Path(".")
        if not folder.is_dir():
            return f"folder {_where(folder)} does not exist; create it or choose another path"
    except OSError as exc:
        return f"cannot write ({_explain(exc)}); choose another path"
    except ValueError:  # an embedded NUL
        return "not a valid file name"
    return None


def check_output(path: str | Path) -> None:
    """Refuse, before any work, a path that cannot take an output file."""
    problem = output_problem(path)
    if problem:
        raise BadInput(f"{_where(path)}: {problem}")


def write_output(path: str | Path, data: str | bytes, *, overwrite: bool = True,
                 how_to_overwrite: str = "pass --force") -> Path | str:
    """Write `data` to `path` under the output policy (see the module's docstring); returns where."""
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data) if isinstance(data, bytearray) else data
    if is_stdout(path):
        _write_stdout(raw)
        return "-"
    target = Path(path).expanduser()
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise BadInput(f"{_where(target)}: cannot write ({_explain(exc)}); choose another path") from None
    except ValueError:  # an embedded NUL
        raise BadInput(f"{_where(target)}: not a valid file name") from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise BadInput(f"{_where(target)}: is a folder; give a file path")
    if st is not None and not stat.S_ISREG(st.st_mode):
        if stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode):
            _write_direct(target, st, raw)
            return target
        raise BadInput(f"{_where(target)}: is {_kind(st.st_mode)}; refusing to write to it or replace it")
    real = Path(os.path.realpath(target)) if os.path.islink(target) else target
    if st is not None:
        if not overwrite:
            raise Exists(target, how_to_overwrite)
        if st.st_mode & 0o222 == 0:
            raise BadInput(f"{_where(target)}: is read-only (mode {stat.S_IMODE(st.st_mode):04o}); "
                           "not replaced. Make it writable or choose another path")
        if not os.access(real, os.W_OK):
            raise BadInput(f"{_where(target)}: not writable by you; not replaced. Choose another path")
    folder = real.parent if str(real.parent) else Path(".")
    try:
        folder_ok = folder.is_dir()
    except OSError:
        folder_ok = False
    if not folder_ok:
        raise BadInput(f"{_where(target)}: folder {_where(folder)} does not exist; create it or choose another path")
    _atomic(real, target, st, raw)
    return target


def _write_stdout(raw: bytes) -> None:
    out = sys.stdout
    out.flush()
    buffer = getattr(out, "buffer", None)
    if buffer is not None:
        buffer.write(raw)
        buffer.flush()
    else:
        out.write(raw.decode("utf-8"))
        out.flush()


def _write_direct(target: Path, st: os.stat_result, raw: bytes) -> None:
    """A FIFO or character device: written to, never replaced (a FIFO with no reader is refused, not waited on)."""
    try:
        fd = os.open(target, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise BadInput(f"{_where(target)}: is a FIFO with no reader; start the reader first") from None
        raise BadInput(f"{_where(target)}: cannot write ({_explain(exc)})") from None
    try:
        os.set_blocking(fd, True)
        view = memoryview(raw)
        while view:
            view = view[os.write(fd, view):]
    except OSError as exc:
        raise BadInput(f"{_where(target)}: cannot write ({_explain(exc)})") from None
    finally:
        os.close(fd)


def _tmp_pattern(name: str) -> re.Pattern:
    return re.compile(r"^\." + re.escape(name[:_TMP_NAME]) + r"\.(\d+)\.[A-Za-z0-9_]{8}\.tmp$")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return True
    return True


def clean_stale(target: Path) -> list[Path]:
    """Remove temporary files of ours beside `target` whose writing process is gone; returns them."""
    folder = target.parent if str(target.parent) else Path(".")
    pattern = _tmp_pattern(target.name)
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        m = pattern.match(entry.name)
        if not m or _alive(int(m[1])):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid():
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            pass
    return removed


_TMP_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)


def _temporary_names(folder: Path, name: str):
    """Names for the temporary file beside a target: `.NAME.PID.XXXXXXXX.tmp`."""
    for _ in range(100):
        yield os.path.join(folder, f".{name[:_TMP_NAME]}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


def _atomic(real: Path, shown: Path, st: os.stat_result | None, raw: bytes) -> None:
    folder = real.parent if str(real.parent) else Path(".")
    clean_stale(real)
    tmp = None
    try:
        try:
            # named before it exists, so that Ctrl-C or SIGTERM (raised as exceptions, in whichever
            # statement runs when they land) can never leave a file the cleanup below does not know
            for tmp in _temporary_names(folder, real.name):
                try:
                    fd = os.open(tmp, _TMP_FLAGS, 0o600)
                    break
                except FileExistsError:  # our PID's name left by a dead process: the next name
                    continue
            else:
                tmp = None
                raise FileExistsError(errno.EEXIST, "no free temporary file name")
        except OSError as exc:
            raise BadInput(f"{_where(shown)}: cannot write ({_explain(exc)}); choose a writable path") from None
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(raw)
                fh.flush()
                os.fsync(fh.fileno())
            if st is not None:
                os.chmod(tmp, stat.S_IMODE(st.st_mode))
                if st.st_uid != os.geteuid() or st.st_gid != os.getegid():
                    try:
                        os.chown(tmp, st.st_uid, st.st_gid)
                    except PermissionError:
                        if st.st_uid != os.geteuid():
                            raise BadInput(f"{_where(shown)}: owned by another user; not replaced "
                                           "(replacing it would change its owner)") from None
            else:
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(tmp, 0o666 & ~umask)
            os.replace(tmp, real)
            tmp = None
        except OSError as exc:
            raise BadInput(f"{_where(shown)}: cannot write ({_explain(exc)}); the old file, if any, is intact") from None
    finally:  # also on Ctrl-C and SIGTERM (raised as exceptions): never leave the temporary file
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


# ---------------------------------------------------------------- reading


@contextlib.contextmanager
def reading(path: Path, expected: str, hint: str = ""):
    """Turn the ways reading `path` can fail into one clear BadInput line."""
    try:
        yield
    except FileNotFoundError:
        raise BadInput(f"{_where(path)}: no such file") from None
    except IsADirectoryError:
        raise BadInput(f"{_where(path)}: is a folder, expected {expected}") from None
    except UnicodeDecodeError:
        raise BadInput(f"{_where(path)}: not UTF-8 text; {hint or 'expected ' + expected}") from None
    except MemoryError:
        raise BadInput(f"{_where(path)}: too big to read") from None
    except OSError as exc:
        raise BadInput(f"{_where(path)}: cannot read ({_explain(exc)})") from None
    except ValueError as exc:  # an embedded NUL in the name
        raise BadInput(f"{_where(path)}: cannot read ({exc})") from None


def compression(head: bytes) -> str | None:
    """The compression the first bytes announce (gzip, zip, xz, zstd, bzip2, 7z), or None."""
    for magic, name in MAGIC:
        if head.startswith(magic):
            return name
    return None


def open_regular(path: str | Path, limit: int, expected: str, hint: str = "", allow_compressed: bool = False):
    """An open binary file, after checking it is a regular file of at most `limit` bytes.

    A FIFO or device is refused at once (opened without blocking, never read); a compressed file
    is refused (named by its bytes, not its extension) unless `allow_compressed`."""
    p = Path(path).expanduser()
    with reading(p, expected, hint):
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
        try:
            st = os.fstat(fd)
            if stat.S_ISDIR(st.st_mode):
                raise IsADirectoryError
            if not stat.S_ISREG(st.st_mode):
                raise BadInput(f"{_where(p)}: is {_kind(st.st_mode)}, not a regular file; expected {expected}")
            if st.st_size > limit:
                raise BadInput(f"{_where(p)}: {st.st_size:,} bytes, over the limit of {limit:,}; expected {expected}")
            os.set_blocking(fd, True)
            fh = os.fdopen(fd, "rb")
        except BaseException:
            os.close(fd)
            raise
        head = fh.read(8)
        fh.seek(0)
    kind = compression(head)
    if kind and not allow_compressed:
        fh.close()
        raise BadInput(f"{_where(p)}: is {kind}-compressed; expected {expected} (decompress it first)")
    return fh


def read_bytes(path: str | Path, limit: int, expected: str, hint: str = "") -> bytes:
    """The whole of a regular file of at most `limit` bytes (see open_regular)."""
    p = Path(path).expanduser()
    with open_regular(p, limit, expected, hint) as fh, reading(p, expected, hint):
        data = fh.read(limit + 1)
    if len(data) > limit:  # it grew while we read it
        raise BadInput(f"{_where(p)}: over the limit of {limit:,} bytes; expected {expected}")
    return data


def read_text(path: str | Path, limit: int, expected: str, hint: str = "") -> str:
    p = Path(path).expanduser()
    data = read_bytes(p, limit, expected, hint)
    with reading(p, expected, hint):
        return data.decode("utf-8-sig")


def load_yaml(text: str):
    """Parse YAML safely, with libyaml's C loader when it is there (several times faster)."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _strict_loader():
    """A safe YAML loader that refuses a key given twice in one mapping."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Strict(base):  # type: ignore[misc, valid-type]
        def construct_mapping(self, node, deep=False):
            seen = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    if key in seen:
                        raise yaml.constructor.ConstructorError(
                            None, None, f"key {show(key, 40)} appears twice", key_node.start_mark)
                    seen.add(key)
                except TypeError:  # an unhashable key: the base class says so
                    pass
            return super().construct_mapping(node, deep=deep)

    return Strict


def _json_pairs(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"key {show(key, 40)} appears twice")
        out[key] = value
    return out


def read_mapping(path: str | Path) -> dict:
    """A YAML or JSON file holding one mapping (JSON is YAML, so one parser reads both).

    Bounded: a regular file of at most ANSWERS_LIMIT bytes; nesting, huge integers and keys given
    twice are refused with one line."""
    import yaml

    p = Path(path).expanduser()
    text = read_text(p, ANSWERS_LIMIT, "a YAML or JSON file", "expected a YAML or JSON mapping")
    is_json = p.suffix.lower() == ".json"
    kind = "JSON" if is_json else "YAML"
    try:
        data = json.loads(text, object_pairs_hook=_json_pairs) if is_json else yaml.load(text, Loader=_strict_loader())
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        where = ""
        mark = getattr(exc, "problem_mark", None)
        if mark is not None and not is_json:
            where = f", line {mark.line + 1}"
        problem = getattr(exc, "problem", None) or first
        raise BadInput(f"{_where(p)}: malformed {kind}{where} ({show(problem, 120)[1:-1]})") from None
    except RecursionError:
        raise BadInput(f"{_where(p)}: malformed {kind} (nested too deeply)") from None
    except (ValueError, OverflowError) as exc:  # a key twice (JSON), an integer over Python's digit limit
        text_exc = str(exc)
        what = "a number too long" if "digit" in text_exc or "limit" in text_exc else show(text_exc, 120)[1:-1]
        raise BadInput(f"{_where(p)}: malformed {kind} ({what})") from None
    except MemoryError:
        raise BadInput(f"{_where(p)}: too big to read") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise BadInput(f"{_where(p)}: expected a mapping of question id to answer, got a {type(data).__name__}")
    return data


# ---------------------------------------------------------------- a path typed in a sentence

_QUOTED = re.compile(r"""(?:^|\s)(["'])(?P<p>[^"']+)\1""")
_AFTER = re.compile(r"\b(?:to|in|as|into|at)\s+(?P<p>[^\s\"']\S*)", re.IGNORECASE)
_FORCE = re.compile(r"(?:^|\s)(?:--force|overwrite|overwriting|replace it|replacing it)(?=$|[\s.!,;])", re.IGNORECASE)


def typed_path(text: str, after: str = "report") -> tuple[str | None, bool]:
    """(the path in a sentence such as `write the report to ./Out/My Report.html`, whether it says to
    overwrite). The path is taken exactly as typed: case, `./` and `..` kept (relative to the working
    folder); a quoted path may hold spaces; `--force` or the word "overwrite" allows replacing a file."""
    force = bool(_FORCE.search(text))
    m = re.search(r"\b" + re.escape(after) + r"\b", text, re.IGNORECASE)
    rest = text[m.end():] if m else text
    q = _QUOTED.search(rest)
    if q:
        return q["p"], force
    found = [x["p"] for x in _AFTER.finditer(rest) if not x["p"].startswith("--")]
    if not found:
        return None, force
    path = found[-1].rstrip("?!,;:")
    if path.endswith(".") and not path.endswith("..") and not path.endswith("/.") and path != ".":
        path = path[:-1]
    return (path or None), force
