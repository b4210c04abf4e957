"""The command line: argument parsing, one error handler, lazy dispatch to the faces.

Only argparse and the standard library are imported at start-up, so `advisor --help` and the
wizard's first question appear at once; each command imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from advisor import __version__
from advisor.errors import AdvisorError, ExitCode


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit code 2."""

    def error(self, message: str):  # noqa: D401
        raise _UsageError(f"{self.prog}: {message}")

    def _check_value(self, action, value):
        """A choice not offered (a misspelt command): say which one was probably meant (difflib;
        argparse's own `suggest_on_error` needs Python 3.14)."""
        try:
            super()._check_value(action, value)
        except argparse.ArgumentError as exc:
            import difflib

            close = difflib.get_close_matches(str(value), [str(c) for c in action.choices or ()], n=1, cutoff=0.6)
            if not close:
                raise
            raise argparse.ArgumentError(action, f"{exc.message}; did you mean '{close[0]}'?") from None


class _UsageError(Exception):
    pass


IDS_HELP = ("Question and option ids: `advisor questions` lists them (ids are read in any case; labels and "
            "common names such as typescript or c++ are read as the option's id, with a note on stderr).")


def _answers_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--answers", metavar="FILE", help="answers file (YAML or JSON mapping of question id to option id; "
                   "`advisor questions` lists them)")
    p.add_argument("--set", metavar="KEY=VALUE", action="append", default=[], dest="sets",
                   help="answer one question, e.g. --set target=mobile (repeatable; wins over --answers; "
                   "`advisor questions` lists the ids)")
    p.epilog = IDS_HELP
    _as_of(p)


def _as_of(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as-of", metavar="DATE", dest="as_of",
                   help="use the facts known on DATE (YYYY-MM or YYYY-MM-DD; default: the knowledge date)")


def _fmt(p: argparse.ArgumentParser, choices: tuple[str, ...], default: str | None = None) -> None:
    p.add_argument("--format", choices=choices, default=default or choices[0], help=f"output format (default {default or choices[0]})")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="advisor",
        description="Choose a deep-learning prototyping framework and deployment runtime. "
        "Run with no command in a terminal to start the wizard.",
    )
    parser.add_argument("-V", "--version", action="version", version=f"advisor {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, handler: str, help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(handler=handler)
        return p

    p = command("wizard", "advisor.wizard:run", "ask the questions in the terminal, then recommend")
    p.description = ("Ask the questions in the terminal (answers from --answers/--set are pre-filled and not asked), "
                     "review and change them, then recommend. Ctrl-C aborts (exit 130).")
    _answers_options(p)
    p.add_argument("--yes", action="store_true",
                   help="take defaults for every unanswered question without asking (works without a terminal)")
    p.add_argument("--save-answers", metavar="FILE",
                   help="write the final answers to FILE (YAML; `advisor recommend --answers FILE` replays them)")

    p = command("recommend", "advisor.commands:recommend", "recommend a prototyping framework + deployment runtime pair")
    _answers_options(p)
    _fmt(p, ("text", "json"))

    p = command("report", "advisor.report:run", "write a justification report (Markdown, HTML or JSON)")
    _answers_options(p)
    p.add_argument("--title", help="the report's title")
    p.add_argument("--format", choices=("markdown", "html", "json"), help="default: from the output file's extension")
    p.add_argument("-o", "--output", metavar="PATH", required=True,
                   help="where to write the report (.md/.markdown, .html/.htm or .json; written atomically)")
    p.add_argument("--verify", action="store_true", help="run `advisor verify` on the pair and include the result")

    p = command("chat", "advisor.chat:run", "describe your needs in plain language; get the same recommendation")
    _as_of(p)
    _fmt(p, ("text", "json"))

    p = command("scores", "advisor.commands:scores", "the 2018 Deep Learning Showdown's own scoring (three categories, overall = their mean)")
    _as_of(p)
    _fmt(p, ("table", "json"))

    p = command("frameworks", "advisor.commands:frameworks", "list the frameworks and their status")
    _as_of(p)
    _fmt(p, ("table", "json"))

    p = command("runtimes", "advisor.commands:runtimes", "list the deployment runtimes and what they run on")
    _as_of(p)
    _fmt(p, ("table", "json"))

    p = command("questions", "advisor.commands:questions", "list the questions and their options (to write answer files)")
    _fmt(p, ("table", "json"))

    kb = command("kb", "advisor.commands:kb_help", "inspect the knowledge folder")
    kb_sub = kb.add_subparsers(dest="kb_command", metavar="KB_COMMAND", parser_class=_Parser)
    p = kb_sub.add_parser("check", help="validate the whole knowledge folder")
    p.set_defaults(handler="advisor.commands:kb_check")
    p = kb_sub.add_parser("path", help="where the knowledge folder in use is")
    p.set_defaults(handler="advisor.commands:kb_path")
    _fmt(p, ("text", "json"))

    p = command("batch", "advisor.batch:run", "recommend for every row of a survey CSV")
    p.add_argument("file", metavar="FILE.csv", help="one row per person; columns are question ids (empty cells take defaults), plus optional id, name, email, team columns kept as they are")
    p.add_argument("-o", "--output", metavar="OUT", required=True, help="where to write the results")
    _as_of(p)
    p.epilog = "Columns are question ids, cells option ids: `advisor questions` lists them."
    p.add_argument("--format", choices=("csv", "json"), help="default: from the output file's extension, else csv")
    p.add_argument("--skip-invalid", action="store_true", help="write the valid rows and report the invalid ones (default: write nothing, exit 2)")

    p = command("verify", "advisor.verify:run", "prove the bridge here: export a small model, run it in the runtime, compare")
    _answers_options(p)
    p.add_argument("--prototype", metavar="ID", help="pytorch, sklearn, tensorflow, keras, paddlepaddle or jax "
                   "(default: the recommended one)")
    p.add_argument("--runtime", metavar="ID", help="onnxruntime or openvino (default: the recommended one; "
                   "onnxruntime when only --prototype is given)")
    p.add_argument("--seed", type=int, default=0, help="seed for the model and its input (default 0)")
    p.add_argument("--keep", metavar="DIR", help="keep the exported ONNX file in DIR (as PROTOTYPE-RUNTIME.onnx)")
    _fmt(p, ("text", "json"))
    return parser


def _dispatch(args: argparse.Namespace) -> int:
    from advisor.context import Context

    module, _, func = args.handler.partition(":")
    from advisor.safe_text import one_line

    ctx = Context(getattr(args, "as_of", None), on_note=lambda line: _say(f"advisor: {one_line(line)}"))  # built once
    return int(getattr(importlib.import_module(module), func)(args, ctx) or 0)


def main(argv: list[str] | None = None) -> int:
    from advisor import stdio

    argv = sys.argv[1:] if argv is None else argv

    def run() -> int:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:  # bare `advisor`: the wizard (which refuses politely without a terminal)
            args = parser.parse_args([*argv, "wizard"])
        code = _dispatch(args)
        sys.stdout.flush()  # a full or closed stdout is reported here, not at exit
        return code

    restore = stdio.install()  # closed/full std streams and SIGTERM (advisor/stdio.py)
    try:
        return guarded(run, debug="--debug" in argv, argv=argv)
    finally:
        restore()


def _set_hint(message: str, argv: list[str]) -> str:
    """`--set target mobile`: argparse only sees an unrecognized `mobile`; say what was meant."""
    if "unrecognized arguments:" not in message:
        return message
    for i, arg in enumerate(argv[:-2]):
        if arg == "--set" and "=" not in argv[i + 1] and not argv[i + 2].startswith("-"):
            return f"{message} (did you mean --set {argv[i + 1]}={argv[i + 2]}?)"
    return message


def guarded(run, debug: bool = False, argv: list[str] | None = None) -> int:
    """The one error handler: each failure is one bounded line on stderr and its exit code."""
    from advisor.safe_text import one_line

    def trace() -> None:
        if debug:
            import traceback

            traceback.print_exc()

    try:
        return int(run())
    except _UsageError as exc:
        _say(one_line(_set_hint(str(exc), argv or [])))
        return ExitCode.BAD_INPUT
    except AdvisorError as exc:
        trace()
        _say(f"advisor: {one_line(exc)}")
        return exc.exit_code
    except KeyboardInterrupt as exc:
        from advisor.stdio import Terminated

        terminated = isinstance(exc, Terminated)
        _say("\nTerminated." if terminated else "\nAborted.")
        return ExitCode.TERMINATED if terminated else ExitCode.INTERRUPTED
    except BrokenPipeError:
        # the reader went away (e.g. `advisor frameworks | head`): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return ExitCode.OK
    except (OSError, MemoryError, RecursionError) as exc:  # whatever slipped past the faces: one line
        trace()
        what = (exc.strerror or str(exc)) if isinstance(exc, OSError) else type(exc).__name__
        where = f"{exc.filename}: " if isinstance(exc, OSError) and exc.filename else ""
        _say(f"advisor: {one_line(where + str(what).lower(), 400)}")
        return ExitCode.BAD_INPUT


def _say(line: str) -> None:
    try:
        print(line, file=sys.stderr)
    except (OSError, ValueError):
        pass
