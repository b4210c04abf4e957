"""Exit codes and the one exception hierarchy; the CLI's single handler turns each error into
one line on stderr and its class's exit code."""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    NO_WORKABLE_PAIR = 1  # no pair meets the hard needs (the output says which to relax)
    BRIDGE_FAILED = 1  # verify: export, check, run or compare failed
    BAD_INPUT = 2
    MISSING_DEPENDENCY = 3
    INTERRUPTED = 130  # Ctrl-C
    TERMINATED = 143  # SIGTERM


class AdvisorError(Exception):
    """A problem the user can fix; printed as one line, never a traceback."""

    exit_code = ExitCode.BAD_INPUT


class BadInput(AdvisorError):
    """An unknown question or option, a malformed file, a bad date, an unwritable path."""


class KnowledgeError(AdvisorError):
    """The knowledge folder is not sound; says file, row and column."""

    def __init__(self, file: str, row: int | None, column: str | None, message: str):
        where = file
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column '{column}'"
        super().__init__(f"{where}: {message}")
        self.file, self.row, self.column = file, row, column


class MissingDependency(AdvisorError):
    """An optional package is not installed; the message says what to pip install."""

    exit_code = ExitCode.MISSING_DEPENDENCY


class ExportFailed(AdvisorError):
    """A framework could not export its model (verify); the bridge failed here."""

    exit_code = ExitCode.BRIDGE_FAILED
