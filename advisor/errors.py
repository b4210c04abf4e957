"""One base exception; the CLI turns each into one line on stderr and its exit code."""


class AdvisorError(Exception):
    """A problem the user can fix; printed as one line, never a traceback."""

    exit_code = 2


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

    exit_code = 3
