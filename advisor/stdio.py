"""Standard streams and signals, made safe before any command runs.

- A closed stdin, stdout or stderr (`advisor frameworks >&-`) gets /dev/null on its descriptor (so
  no file we open later lands on fd 0, 1 or 2), and a stand-in stream: reading a closed stdin or
  writing a closed stdout raises `StreamError` (one line, exit 2); a closed stderr is silent.
- Writing stdout fails with `StreamError` (one line, exit 2) when the device is full or gone, a
  broken pipe excepted (`advisor frameworks | head` stops quietly, exit 0).
- SIGTERM (what `timeout`, `kill` and CI cancellations send) raises `Terminated`, a
  KeyboardInterrupt: the same clean-up as Ctrl-C (temporary files removed), exit 143.
"""

from __future__ import annotations

import io
import os
import signal
import sys

from advisor.errors import AdvisorError, ExitCode

EXIT_TERMINATED = ExitCode.TERMINATED  # 128 + SIGTERM
EXIT_INTERRUPTED = ExitCode.INTERRUPTED


class StreamError(AdvisorError):
    """Standard input or output is closed or cannot be written."""


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived: handled like Ctrl-C, exit 143."""


def _on_sigterm(signum, frame):
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends it at once
    raise Terminated()


def _explain(exc: OSError) -> str:
    return exc.strerror or str(exc)  # the system's words, e.g. "No space left on device"


class _Closed(io.TextIOBase):
    """A stand-in for a stream whose descriptor was closed when advisor started."""

    def __init__(self, name: str, fd: int, raises: bool):
        self._name, self._fd, self._raises = name, fd, raises

    @property
    def buffer(self):
        return self

    def fileno(self) -> int:
        return self._fd

    def isatty(self) -> bool:
        return False

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def _fail(self):
        if self._raises:
            raise StreamError(f"standard {self._name} is closed")

    def read(self, *args):
        self._fail()
        return ""

    def readline(self, *args):
        self._fail()
        return ""

    def __iter__(self):
        self._fail()
        return iter(())

    def write(self, text):
        self._fail()
        return len(text)

    def flush(self) -> None:
        pass


class _Guarded:
    """stdout (or stderr) whose write errors become StreamError (or are dropped, for stderr)."""

    def __init__(self, stream, name: str, raises: bool):
        self._stream, self._name, self._raises = stream, name, raises
        buffer = getattr(stream, "buffer", None)
        self.buffer = _Guarded(buffer, name, raises) if buffer is not None else None

    def __getattr__(self, attr):
        return getattr(self._stream, attr)

    def _call(self, method, *args):
        try:
            return getattr(self._stream, method)(*args)
        except BrokenPipeError:
            raise
        except (OSError, ValueError) as exc:
            silence(self._stream)
            if self._raises:
                reason = _explain(exc) if isinstance(exc, OSError) else "it is closed"
                raise StreamError(f"cannot write to standard {self._name} ({reason})") from None
            return None

    def write(self, data):
        return self._call("write", data)

    def writelines(self, lines):
        return self._call("writelines", lines)

    def flush(self):
        return self._call("flush")


def silence(stream) -> None:
    """Point the stream's descriptor at /dev/null: what is still buffered goes nowhere, at exit too."""
    try:
        fd = stream.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
        return True
    except OSError:
        return False


def _tty(stream) -> bool:
    try:
        return stream.isatty()
    except (OSError, ValueError, AttributeError):
        return False


def install():
    """Guard the standard streams and handle SIGTERM, first thing in main(); returns a function
    that puts back what was there (for callers that run main() in-process, like the tests)."""
    saved = (sys.stdin, sys.stdout, sys.stderr)
    try:
        saved_signal = signal.getsignal(signal.SIGTERM)
    except ValueError:
        saved_signal = None
    closed = [fd for fd in (0, 1, 2) if not _is_open(fd)]
    for fd in closed:  # lowest free descriptor first: each lands on its own number
        got = os.open(os.devnull, os.O_RDWR)
        if got != fd:
            os.dup2(got, fd)
            os.close(got)
    if 0 in closed or sys.stdin is None:
        sys.stdin = _Closed("input", 0, raises=True)
    if 1 in closed or sys.stdout is None:
        sys.stdout = _Closed("output", 1, raises=True)
    elif not isinstance(sys.stdout, _Guarded) and not _tty(sys.stdout):
        sys.stdout = _Guarded(sys.stdout, "output", raises=True)
    if 2 in closed or sys.stderr is None:
        sys.stderr = _Closed("error", 2, raises=False)
    elif not isinstance(sys.stderr, _Guarded):
        sys.stderr = _Guarded(sys.stderr, "error", raises=False)
    try:
        signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread (advisor called from a thread): leave signals alone
        pass

    def restore() -> None:
        sys.stdin, sys.stdout, sys.stderr = saved
        if saved_signal is not None:
            try:
                signal.signal(signal.SIGTERM, saved_signal)
            except ValueError:
                pass

    return restore
