"""The wizard as a whole program in a true terminal (pexpect pseudo-terminal), and without one.

Generous timeouts (the first scikit-learn import is slow on a busy machine); no timing asserts
except that a run without a terminal ends at once instead of waiting for input.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
import yaml

pexpect = pytest.importorskip("pexpect")
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")

from conftest import advisor_command  # noqa: E402

from advisor.questions import load as load_questions  # noqa: E402

TIMEOUT = 60
ENTER, DOWN = "\r", "\x1b[B"
QS = load_questions()
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def plain(text: str) -> str:
    return ANSI.sub("", text).replace("\r", "")


def env(**extra) -> dict:
    # PROMPT_TOOLKIT_NO_CPR: pexpect does not answer cursor-position requests
    return {**os.environ, "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1", **extra}


def spawn(*args: str, cwd) -> "pexpect.spawn":
    cmd = advisor_command()
    child = pexpect.spawn(cmd[0], [*cmd[1:], "wizard", *args], cwd=str(cwd), env=env(), dimensions=(40, 120),
                          encoding="utf-8", timeout=TIMEOUT)
    return child


def answer(child, question_text: str, keys: str = ENTER) -> None:
    """Wait for a question to be on the screen, then press keys."""
    child.expect_exact(question_text)
    child.expect_exact("»")  # the pointer: the choices are drawn and the prompt reads keys
    child.send(keys)


def finish(child) -> str:
    """Decline the offers after the result; return everything shown from the result on."""
    child.expect_exact("How firm")
    shown = child.before + "How firm"
    while True:
        i = child.expect([r"\(y/N\)", pexpect.EOF])
        shown += child.before
        if i == 1:
            break
        child.send(ENTER)
    child.close()
    return plain(shown)


def recommend(cwd, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(advisor_command() + ["recommend", *args], cwd=cwd, env=env(), capture_output=True,
                          text=True, timeout=120)


def test_enter_through_every_default_to_a_recommendation(tmp_path):
    child = spawn("--save-answers", "answers.yaml", cwd=tmp_path)
    for q in QS:
        if not q.ask_if:
            answer(child, q.text)
    answer(child, "Review your answers")
    shown = finish(child)
    assert child.exitstatus == 0
    want = recommend(tmp_path).stdout
    assert want.splitlines()[0] in shown  # "Prototype in X, deploy with Y (...)"
    saved = yaml.safe_load((tmp_path / "answers.yaml").read_text())
    assert saved == {q.id: q.default for q in QS if not q.ask_if}
    # the saved answers replay to exactly the text the wizard showed
    replay = recommend(tmp_path, "--answers", "answers.yaml").stdout
    assert [line.rstrip() for line in replay.splitlines()] == \
        [line.rstrip() for line in shown[shown.index("Prototype in"):].splitlines()][: len(replay.splitlines())]


def test_ctrl_c_aborts_cleanly(tmp_path):
    child = spawn("--save-answers", "never.yaml", cwd=tmp_path)
    answer(child, QS.questions[0].text)
    child.expect_exact(QS.questions[1].text)
    child.expect_exact("»")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    out = plain(child.before)
    assert "Aborted." in out and "Traceback" not in out
    assert not (tmp_path / "never.yaml").exists()
    assert [p.name for p in tmp_path.iterdir()] == []


def test_going_back_on_review_to_a_mobile_target(tmp_path):
    child = spawn("--save-answers", "back.yaml", cwd=tmp_path)
    asked_first = [q for q in QS if not q.ask_if]
    for q in asked_first:
        answer(child, q.text)
    target = QS.get("target")
    rows = [q.id for q in asked_first].index("target") + 1  # "Looks good" is the first row
    answer(child, "Review your answers", DOWN * rows + ENTER)
    steps = target.option_ids.index("mobile") - target.option_ids.index(target.default)
    answer(child, target.text, DOWN * steps + ENTER)
    answer(child, QS.get("mobile_os").text)  # the conditional question appears
    answer(child, QS.get("language").text)  # Python cannot run on a phone: asked again, Kotlin pre-selected
    answer(child, "Review your answers")
    shown = finish(child)
    assert child.exitstatus in (0, 1)
    saved = yaml.safe_load((tmp_path / "back.yaml").read_text())
    assert saved["target"] == "mobile" and saved["mobile_os"] == QS.get("mobile_os").default
    assert saved["language"] == "kotlin"

    rec = json.loads(recommend(tmp_path, "--answers", "back.yaml", "--format", "json").stdout)
    assert rec["answers"] == saved
    runtime = rec["deployment"]
    assert runtime["name"] in shown
    runtimes = json.loads(subprocess.run(advisor_command() + ["runtimes", "--format", "json"], cwd=tmp_path,
                                         env=env(), capture_output=True, text=True, timeout=120).stdout)
    assert "mobile" in next(r for r in runtimes if r["id"] == runtime["id"])["targets"]


@pytest.mark.parametrize("args", [[], ["wizard"], ["wizard", "--set", "target=mobile"]])
def test_no_terminal_exits_2_at_once(tmp_path, args):
    p = subprocess.run(advisor_command() + args, cwd=tmp_path, env=env(), stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 2
    assert "no terminal" in p.stderr and "--answers" in p.stderr and "advisor recommend" in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1
    assert p.stdout == ""


def test_no_terminal_with_yes_prints_the_recommendation(tmp_path):
    p = subprocess.run(advisor_command() + ["wizard", "--yes"], cwd=tmp_path, env=env(), stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout == recommend(tmp_path).stdout


def test_the_way_back_from_no_workable_pair_in_a_true_terminal(tmp_path):
    """No dead end: "no workable recommendation" leads back to the review with the need to relax selected;
    one Enter there and one at the question asked again give a recommendation (exit 0)."""
    child = spawn("--set", "target=browser", "--set", "language=python", "--save-answers", "back.yaml", cwd=tmp_path)
    for q in QS:
        if not q.ask_if and q.id not in ("target", "language"):
            answer(child, q.text)
    answer(child, "Review your answers")
    child.expect_exact("No workable recommendation.")
    answer(child, "No workable pair: change an answer")  # the language is pre-selected: Enter changes it
    answer(child, QS.get("language").text)  # the default that fits a browser: JavaScript
    answer(child, "Review your answers")
    shown = finish(child)
    assert child.exitstatus == 0
    saved = yaml.safe_load((tmp_path / "back.yaml").read_text())
    assert saved["target"] == "browser" and saved["language"] == "javascript"
    want = recommend(tmp_path, "--answers", "back.yaml").stdout
    assert want.splitlines()[0] in shown
