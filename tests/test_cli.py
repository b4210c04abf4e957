"""cli: parsing, one error handler (one line and an exit code), --debug, Ctrl-C, a closed pipe.

In-process through advisor.cli.main where that is enough; the installed command for start-up speed
and a pipe closed by its reader."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import advisor
from advisor import knowledge as kb
from advisor.cli import build_parser, main

from conftest import advisor_command

VALID_TARGETS = "server, mobile, embedded, microcontroller, browser, desktop"


@pytest.fixture(autouse=True)
def _real_knowledge(monkeypatch):
    monkeypatch.delenv("ADVISOR_KNOWLEDGE", raising=False)
    kb._load.cache_clear()
    yield
    kb._load.cache_clear()


def python(code: str) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter that imports the same advisor package as these tests."""
    env = {**os.environ, "PYTHONPATH": str(Path(advisor.__file__).resolve().parent.parent)}
    return subprocess.run([sys.executable, "-P", "-c", code], env=env, capture_output=True, text=True, timeout=60)


def one_line(text: str) -> bool:
    return text.endswith("\n") and text.count("\n") == 1


# ---------------------------------------------------------------- help and version


def test_help_exits_0_and_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["--help"])
    assert exit.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: advisor ")
    for command in ("wizard", "recommend", "report", "chat", "scores", "frameworks", "runtimes", "questions",
                    "kb", "batch", "verify"):
        assert command in out


def test_version_exits_0(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["--version"])
    assert exit.value.code == 0
    assert capsys.readouterr().out == f"advisor {advisor.__version__}\n"


def test_every_command_has_its_own_help(capsys):
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for name in sub.choices:
        with pytest.raises(SystemExit) as exit:
            main([name, "--help"])
        assert exit.value.code == 0
        assert capsys.readouterr().out.startswith(f"usage: advisor {name}")


def test_help_and_version_are_quick_as_whole_processes(tmp_path):
    for flag, words in (("--help", "usage: advisor"), ("--version", advisor.__version__)):
        start = time.monotonic()
        p = subprocess.run(advisor_command() + [flag], cwd=tmp_path, capture_output=True, text=True, timeout=60)
        took = time.monotonic() - start
        assert p.returncode == 0 and words in p.stdout and p.stderr == ""
        assert took < 5, f"advisor {flag} took {took:.1f}s"


def test_help_imports_nothing_heavy():
    code = ("import sys\nfrom advisor.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(' '.join(sorted(sys.modules)), file=sys.stderr)")
    p = python(code)
    assert p.returncode == 0, p.stderr
    loaded = set(p.stderr.split())
    assert "advisor.cli" in loaded
    assert not loaded & {"yaml", "numpy", "sklearn", "torch", "jinja2", "advisor.knowledge", "advisor.engine",
                         "advisor.questions"}


# ---------------------------------------------------------------- usage errors: one line, exit 2


def test_unknown_command_is_one_line_exit_2(cli):
    r = cli("moon")
    assert r.code == 2 and r.out == ""
    assert one_line(r.err) and r.err.startswith("advisor: argument COMMAND: invalid choice: 'moon'")
    assert "'recommend'" in r.err


def test_unknown_option_and_bad_choice_are_one_line_exit_2(cli):
    r = cli("recommend", "--colour")
    assert r.code == 2 and one_line(r.err) and r.err.startswith("advisor: unrecognized arguments: --colour")
    r = cli("recommend", "--format", "xml")
    assert r.code == 2 and one_line(r.err)
    assert r.err.startswith("advisor recommend: argument --format: invalid choice: 'xml'")
    r = cli("report")
    assert r.code == 2 and one_line(r.err) and "-o/--output" in r.err and "required" in r.err


def test_an_unknown_option_of_a_question_lists_the_valid_ones(cli):
    r = cli("recommend", "--set", "target=moon")
    assert r.code == 2 and r.out == ""
    assert r.err == f"advisor: --set: 'moon' is not an option of question 'target'; valid: {VALID_TARGETS}\n"


def test_an_unknown_question(cli):
    r = cli("recommend", "--set", "planet=mars")
    assert r.code == 2 and one_line(r.err)
    assert r.err.startswith("advisor: --set: unknown question 'planet'; valid questions: sector, target, ")


def test_set_without_equals(cli):
    r = cli("recommend", "--set", "target")
    assert (r.code, r.out) == (2, "")
    assert r.err == "advisor: --set 'target': expected KEY=VALUE, e.g. --set target=mobile\n"


def test_a_missing_answers_file(cli, tmp_path):
    missing = tmp_path / "nope.yaml"
    r = cli("recommend", "--answers", missing)
    assert r.code == 2 and r.err == f"advisor: {missing}: no such file\n"


@pytest.mark.parametrize("date, words", [
    ("June 2018", "'June 2018' is not a date; use YYYY-MM or YYYY-MM-DD"),
    ("2018-13", "'2018-13' is not a real date; use YYYY-MM or YYYY-MM-DD"),
])
def test_as_of_that_is_not_a_date(cli, date, words):
    r = cli("recommend", "--as-of", date)
    assert r.code == 2 and r.err == f"advisor: --as-of: {words}\n"


def test_as_of_before_any_knowledge_is_refused_and_its_month_is_the_boundary(cli):
    earliest = kb.load().earliest
    before = (earliest.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")  # the month before
    r = cli("recommend", "--as-of", before)
    assert r.code == 2 and r.out == ""
    assert r.err == f"advisor: --as-of {before}: before any knowledge; the earliest fact is dated {earliest}\n"
    r = cli("frameworks", "--as-of", "1999-01-01")
    assert r.code == 2 and "before any knowledge" in r.err
    # a month stands for its last day, so the month of the earliest fact is accepted
    r = cli("frameworks", "--as-of", earliest.strftime("%Y-%m"), "--format", "json")
    assert r.code == 0 and r.err == ""


# ---------------------------------------------------------------- --debug


def test_debug_shows_the_traceback_then_the_line(cli):
    plain = cli("recommend", "--set", "target=moon")
    assert "Traceback" not in plain.err
    r = cli("--debug", "recommend", "--set", "target=moon")
    assert r.code == 2
    assert r.err.startswith("Traceback (most recent call last):")
    assert "advisor.errors.BadInput: --set: 'moon' is not an option" in r.err
    assert r.err.endswith(plain.err)  # the same one line closes it


def test_debug_still_reports_a_usage_error_in_one_line(cli):
    r = cli("--debug", "moon")
    assert r.code == 2 and one_line(r.err) and "invalid choice: 'moon'" in r.err


def test_debug_changes_nothing_when_all_is_well(cli):
    assert cli("--debug", "questions", "--format", "json") == cli("questions", "--format", "json")


# ---------------------------------------------------------------- Ctrl-C and a closed pipe


def test_ctrl_c_is_exit_130(cli, monkeypatch):
    import advisor.commands

    def interrupted(args, ctx):
        raise KeyboardInterrupt

    monkeypatch.setattr(advisor.commands, "frameworks", interrupted)
    r = cli("frameworks")
    assert (r.code, r.out, r.err) == (130, "", "\nAborted.\n")


def test_a_broken_pipe_is_quiet_exit_0():
    code = ("import sys\nimport advisor.commands\n"
            "def closed(args, ctx):\n    raise BrokenPipeError\n"
            "advisor.commands.frameworks = closed\n"
            "from advisor.cli import main\nsys.exit(main(['frameworks']))")
    p = python(code)
    assert (p.returncode, p.stdout, p.stderr) == (0, "", "")


def test_a_reader_that_goes_away_is_no_error(tmp_path):
    # like `advisor frameworks | head -0`: the reader has gone before the first write
    p = subprocess.Popen(advisor_command() + ["frameworks", "--format", "json"], cwd=tmp_path,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.close()
    err = p.stderr.read().decode()
    assert p.wait(timeout=60) == 0 and err == ""


def test_a_handlers_return_value_is_the_exit_code(cli, monkeypatch):
    import advisor.commands

    monkeypatch.setattr(advisor.commands, "frameworks", lambda args, ctx: 1)
    assert cli("frameworks").code == 1
    monkeypatch.setattr(advisor.commands, "frameworks", lambda args, ctx: None)
    assert cli("frameworks").code == 0
