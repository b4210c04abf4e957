"""The wizard driven by real keystrokes, in-process (prompt_toolkit pipe input + DummyOutput).

Every prompt goes through advisor.wizard._prompt; a spy records what was asked (message and
choices) and still runs the real questionary prompt on the piped keys. The input is closed
after the keys, so a test that sends too few keys fails (EOF -> exit 2) instead of hanging.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

pytest.importorskip("questionary")

from prompt_toolkit.application import create_app_session  # noqa: E402
from prompt_toolkit.input import create_pipe_input  # noqa: E402
from prompt_toolkit.output import DummyOutput  # noqa: E402

from advisor import wizard  # noqa: E402
from advisor.questions import load as load_questions  # noqa: E402

ENTER, DOWN, UP, CTRL_C, CTRL_U = "\r", "\x1b[B", "\x1b[A", "\x03", "\x15"
QS = load_questions()
TEXTS = {q.text: q.id for q in QS}
REVIEW = "Review your answers (choose one to change it)"
DEFAULT_QUESTIONS = [q.id for q in QS if not q.ask_if]  # what Enter-through-defaults asks


def down_to(qid: str, option: str, start: str | None = None) -> str:
    """Keys that move the pointer from `start` (default: the question's default) to `option`."""
    ids = list(QS.get(qid).option_ids)
    steps = ids.index(option) - ids.index(start or QS.get(qid).default)
    return (DOWN if steps > 0 else UP) * abs(steps)


def review_row(values_order: list[str], qid: str) -> str:
    """Keys on the review screen to pick question `qid` (the list starts with "Looks good")."""
    return DOWN * (values_order.index(qid) + 1)


@pytest.fixture
def asked(monkeypatch):
    """The prompts shown, in order: (message, [choice values] or None)."""
    log: list[tuple[str, list | None]] = []
    real = wizard._prompt

    def spy(kind, message, on_shown=None, **kwargs):
        choices = kwargs.get("choices")
        log.append((message, [c.value for c in choices] if choices else None))
        return real(kind, message, on_shown=on_shown, **kwargs)

    monkeypatch.setattr(wizard, "_prompt", spy)
    return log


@pytest.fixture
def wiz(cli, monkeypatch, tmp_path):
    """Run `advisor wizard ARGS` in-process on a pretend terminal, fed with `keys`."""
    monkeypatch.chdir(tmp_path)

    def run(keys: str, *args: str, terminal: bool = True, env: dict | None = None):
        monkeypatch.setattr(wizard, "_has_terminal", lambda: terminal)
        with create_pipe_input() as inp:
            inp.send_text(keys)
            inp.close()
            with create_app_session(input=inp, output=DummyOutput()):
                return cli("wizard", *args, env=env)

    return run


def questions_asked(log) -> list[str]:
    return [TEXTS[m] for m, _ in log if m in TEXTS]


def recommend_text(cli, *args: str) -> str:
    res = cli("recommend", *args)
    assert res.code in (0, 1), res.err
    return res.out


# ---------------------------------------------------------------- Enter through the defaults


def test_enter_through_every_default_gives_the_default_recommendation(wiz, cli, asked):
    keys = ENTER * len(DEFAULT_QUESTIONS) + ENTER + ENTER * 2  # questions, review, no report, no save
    res = wiz(keys)
    assert res.code == 0, res.err
    assert questions_asked(asked) == DEFAULT_QUESTIONS  # mobile_os only for a mobile target
    assert recommend_text(cli) in res.out
    assert "Traceback" not in res.err


def test_each_question_has_its_default_preselected_and_its_help_shown(wiz, monkeypatch):
    seen = {}
    real = wizard._prompt

    def spy(kind, message, on_shown=None, **kwargs):
        if message in TEXTS:
            seen[TEXTS[message]] = (kwargs.get("default"), kwargs.get("instruction"))
        return real(kind, message, on_shown=on_shown, **kwargs)

    monkeypatch.setattr(wizard, "_prompt", spy)
    assert wiz(ENTER * (len(DEFAULT_QUESTIONS) + 3)).code == 0
    for qid in DEFAULT_QUESTIONS:
        q = QS.get(qid)
        assert seen[qid][0] == q.default
        assert q.help in seen[qid][1]


def test_review_lists_every_answer_that_applies_with_looks_good_first(wiz, asked):
    keys = ENTER + down_to("target", "mobile") + ENTER + ENTER * (len(DEFAULT_QUESTIONS) - 1) + ENTER * 3
    assert wiz(keys).code in (0, 1)
    review = [c for m, c in asked if m == REVIEW]
    assert review == [[wizard.DONE, *[q.id for q in QS]]]  # mobile_os now applies, in question order


# ---------------------------------------------------------------- conditional questions


def test_mobile_target_asks_the_mobile_os_and_recommends_for_it(wiz, cli, asked, tmp_path):
    saved = tmp_path / "a.yaml"
    keys = (ENTER + down_to("target", "mobile") + ENTER + down_to("mobile_os", "ios") + ENTER
            + ENTER * (len(DEFAULT_QUESTIONS) - 2) + ENTER + ENTER)
    res = wiz(keys, "--save-answers", saved)
    assert "mobile_os" in questions_asked(asked)
    values = yaml.safe_load(saved.read_text())
    assert values["target"] == "mobile" and values["mobile_os"] == "ios"
    assert recommend_text(cli, "--set", "target=mobile", "--set", "mobile_os=ios") in res.out


# ---------------------------------------------------------------- going back


def test_going_back_to_change_the_target_asks_the_new_conditional_question(wiz, cli, asked, tmp_path):
    saved = tmp_path / "back.yaml"
    order = DEFAULT_QUESTIONS
    keys = (ENTER * len(order)  # every default
            + review_row(order, "target") + ENTER  # review: change the target
            + down_to("target", "mobile") + ENTER  # -> mobile
            + ENTER  # mobile_os now applies: its default
            + ENTER  # Python cannot run on a phone: the language is asked again, Kotlin pre-selected
            + ENTER  # review again: looks good
            + ENTER)  # no report (the save offer is skipped: --save-answers)
    res = wiz(keys, "--save-answers", saved)
    assert res.code == 0, res.err
    names = questions_asked(asked)
    assert names.count("target") == 2 and names.count("mobile_os") == 1 and names.count("language") == 2
    assert [m for m, _ in asked].count(REVIEW) == 2
    values = yaml.safe_load(saved.read_text())
    assert values["target"] == "mobile" and values["mobile_os"] == "both" and values["language"] == "kotlin"
    assert recommend_text(cli, "--answers", saved) in res.out


def test_changing_the_target_back_drops_the_question_that_no_longer_applies(wiz, tmp_path, asked):
    saved = tmp_path / "a.yaml"
    with_mobile = [q.id for q in QS]
    keys = (ENTER + down_to("target", "mobile") + ENTER + ENTER * (len(DEFAULT_QUESTIONS) - 1)
            + review_row(with_mobile, "target") + ENTER + down_to("target", "server", start="mobile") + ENTER
            + ENTER + ENTER)
    assert wiz(keys, "--save-answers", saved).code == 0
    values = yaml.safe_load(saved.read_text())
    assert values["target"] == "server" and "mobile_os" not in values
    reviews = [c for m, c in asked if m == REVIEW]
    assert "mobile_os" in reviews[0] and "mobile_os" not in reviews[1]


def test_changing_an_answer_on_review_keeps_the_others(wiz, tmp_path):
    saved = tmp_path / "a.yaml"
    order = DEFAULT_QUESTIONS
    keys = (ENTER * len(order) + review_row(order, "experience") + ENTER
            + down_to("experience", "expert") + ENTER + ENTER + ENTER)
    assert wiz(keys, "--save-answers", saved).code == 0
    values = yaml.safe_load(saved.read_text())
    assert values == {**{q: QS.get(q).default for q in order}, "experience": "expert"}


# ---------------------------------------------------------------- pre-filled answers, --yes


def test_answers_file_prefills_and_only_the_missing_are_asked(wiz, cli, asked, tmp_path):
    given = tmp_path / "given.yaml"
    given.write_text("sector: industry\ntarget: mobile\nlanguage: kotlin\n")
    keys = ENTER * 4 + ENTER + ENTER * 2  # mobile_os, hardware, task, experience; review; no report, no save
    res = wiz(keys, "--answers", given, "--set", "cloud=aws")
    assert res.code in (0, 1), res.err
    assert questions_asked(asked) == ["mobile_os", "hardware", "task", "experience"]
    want = recommend_text(cli, "--answers", given, "--set", "cloud=aws")
    assert want in res.out


def test_a_prefilled_answer_is_the_default_when_it_becomes_applicable(wiz, tmp_path):
    """mobile_os=ios from the file does not apply to a server target, until the target changes."""
    saved = tmp_path / "a.yaml"
    keys = (ENTER * (len(DEFAULT_QUESTIONS) - 1)  # the rest (sector is given)
            + review_row(DEFAULT_QUESTIONS, "target") + ENTER + down_to("target", "mobile") + ENTER
            + ENTER  # mobile_os: the pre-filled ios is pre-selected
            + ENTER  # language asked again (Python cannot run on iOS): Swift pre-selected
            + ENTER + ENTER)
    assert wiz(keys, "--set", "sector=industry", "--set", "mobile_os=ios", "--save-answers", saved).code in (0, 1)
    assert yaml.safe_load(saved.read_text())["mobile_os"] == "ios"
    assert yaml.safe_load(saved.read_text())["language"] == "swift"


def test_all_answers_given_on_a_terminal_still_shows_the_review(wiz, asked, tmp_path):
    given = tmp_path / "all.yaml"
    given.write_text("".join(f"{q}: {QS.get(q).default}\n" for q in DEFAULT_QUESTIONS))
    assert wiz(ENTER * 3, "--answers", given).code == 0
    assert questions_asked(asked) == [] and asked[0][0] == REVIEW


def test_yes_takes_defaults_without_asking(wiz, cli, asked, tmp_path):
    saved = tmp_path / "yes.yaml"
    res = wiz("", "--yes", "--set", "target=browser", "--save-answers", saved)
    assert asked == []
    assert res.out == recommend_text(cli, "--set", "target=browser")
    assert yaml.safe_load(saved.read_text())["target"] == "browser"
    assert "Answers saved" in res.err


def test_saved_answers_replay_exactly_in_recommend_and_the_wizard(wiz, cli, tmp_path):
    saved = tmp_path / "replay.yaml"
    keys = (down_to("sector", "industry") + ENTER + down_to("target", "embedded") + ENTER
            + down_to("language", "cpp") + ENTER + ENTER * 4 + ENTER + ENTER)
    first = wiz(keys, "--save-answers", saved)
    assert first.code in (0, 1), first.err
    replay = cli("recommend", "--answers", saved, "--format", "json")
    rec = json.loads(replay.out)
    assert rec["answers"] == yaml.safe_load(saved.read_text())
    assert recommend_text(cli, "--answers", saved) in first.out
    again = wiz("", "--answers", saved, "--yes", terminal=False)
    assert again.out == recommend_text(cli, "--answers", saved)


# ---------------------------------------------------------------- Ctrl-C, EOF, no terminal


@pytest.mark.parametrize("presses", [0, 3, len(DEFAULT_QUESTIONS)])  # first question, middle, review
def test_ctrl_c_aborts_with_130_and_writes_nothing(wiz, tmp_path, presses):
    saved = tmp_path / "never.yaml"
    res = wiz(ENTER * presses + CTRL_C, "--save-answers", saved)
    assert res.code == 130
    assert res.err.strip() == "Aborted."
    assert not saved.exists()
    assert res.out == ""


def test_ctrl_c_at_the_save_path_writes_nothing(wiz, tmp_path):
    res = wiz(ENTER * len(DEFAULT_QUESTIONS) + ENTER + ENTER + "y" + CTRL_C)
    assert res.code == 130 and "Aborted." in res.err
    assert list(tmp_path.iterdir()) == []


def test_input_ending_midway_is_a_clear_error(wiz):
    res = wiz(ENTER * 2)
    assert res.code == 2
    assert "--answers" in res.err and "Traceback" not in res.err


def test_no_terminal_and_missing_answers_exits_2_at_once(wiz, asked):
    res = wiz("", terminal=False)
    assert res.code == 2
    assert res.err.count("\n") == 1
    assert "no terminal" in res.err and "--answers" in res.err and "--set" in res.err
    assert "advisor recommend" in res.err
    assert asked == []


def test_no_terminal_with_every_answer_given_prints_the_result(wiz, cli, tmp_path):
    given = tmp_path / "all.yaml"
    given.write_text("".join(f"{q}: {QS.get(q).default}\n" for q in DEFAULT_QUESTIONS))
    res = wiz("", "--answers", given, terminal=False)
    assert res.code == 0
    assert res.out == recommend_text(cli, "--answers", given)


def test_no_terminal_with_yes_prints_the_default_result(wiz, cli):
    res = wiz("", "--yes", terminal=False)
    assert res.code == 0 and res.out == recommend_text(cli)


# ---------------------------------------------------------------- bad input


def test_bad_answers_fail_before_any_question(wiz, asked, tmp_path):
    res = wiz(ENTER * 20, "--set", "target=moon")
    assert res.code == 2 and "'moon' is not an option of question 'target'" in res.err
    bad = tmp_path / "bad.yaml"
    bad.write_text("colour: blue\n")
    res = wiz(ENTER * 20, "--answers", bad)
    assert res.code == 2 and "unknown question 'colour'" in res.err
    res = wiz(ENTER * 20, "--as-of", "2018-13")
    assert res.code == 2 and "--as-of" in res.err
    res = wiz(ENTER * 20, "--save-answers", tmp_path / "no-such-folder" / "a.yaml")
    assert res.code == 2 and "--save-answers" in res.err and "does not exist" in res.err
    assert asked == []


def test_a_broken_knowledge_folder_is_reported_not_a_traceback(wiz, tmp_path):
    res = wiz(ENTER * 20, env={"ADVISOR_KNOWLEDGE": str(tmp_path / "nowhere")})
    assert res.code == 2 and "ADVISOR_KNOWLEDGE" in res.err and "Traceback" not in res.err


def test_as_of_reaches_the_engine(wiz, cli):
    res = wiz(ENTER * (len(DEFAULT_QUESTIONS) + 3), "--as-of", "2018-06")
    assert res.code in (0, 1), res.err
    assert recommend_text(cli, "--as-of", "2018-06") in res.out


# ---------------------------------------------------------------- the offers after the result


def test_save_offer_shows_validation_errors_and_asks_again(wiz, cli, asked, tmp_path):
    keys = (ENTER * len(DEFAULT_QUESTIONS) + ENTER  # defaults, review
            + ENTER  # no report
            + "y"  # save: yes
            + CTRL_U + "no-such-folder/a.yaml" + ENTER  # rejected at the prompt
            + CTRL_U + "kept.yaml" + ENTER)
    res = wiz(keys)
    assert res.code == 0, res.err
    saved = tmp_path / "kept.yaml"
    assert not (tmp_path / "no-such-folder").exists()
    assert yaml.safe_load(saved.read_text()) == {q: QS.get(q).default for q in DEFAULT_QUESTIONS}
    assert "Answers saved to kept.yaml" in res.out
    assert [m for m, _ in asked].count("Save the answers to") == 1  # one prompt, re-validated in place
    assert recommend_text(cli, "--answers", saved) in res.out


def test_save_offer_asks_before_overwriting(wiz, tmp_path):
    (tmp_path / "advisor-answers.yaml").write_text("old: file\n")
    keys = (ENTER * len(DEFAULT_QUESTIONS) + ENTER + ENTER + "y" + ENTER  # default path
            + "n"  # do not overwrite -> asked again
            + CTRL_U + "new.yaml" + ENTER)
    assert wiz(keys).code == 0
    assert (tmp_path / "advisor-answers.yaml").read_text() == "old: file\n"
    assert (tmp_path / "new.yaml").exists()


def test_path_validator():
    assert wizard._path_problem("a.yaml") is True
    assert "folder" in wizard._path_problem("/no/such/dir/a.yaml")
    assert "folder" in wizard._path_problem("/")
    assert wizard._path_problem("  ") == "Give a file path"


def test_report_offer_writes_a_report(wiz, tmp_path, asked):
    keys = (ENTER * len(DEFAULT_QUESTIONS) + ENTER
            + "y" + ENTER  # report: yes, Markdown
            + CTRL_U + "why.md" + ENTER
            + ENTER)  # no save
    res = wiz(keys)
    assert res.code == 0, res.err
    report = (tmp_path / "why.md").read_text()
    first = res.out.strip().splitlines()[0]  # "Prototype in X, deploy with Y ..."
    name = first.removeprefix("Prototype in ").split(",")[0]
    assert name in report
    assert "Report written to" in res.out


RELAX = "No workable pair: change an answer (the one to relax is selected)"


def test_no_workable_pair_stops_only_when_asked_and_offers_no_report(wiz, asked, monkeypatch):
    """With no workable pair the wizard goes back to the review; "Stop here" keeps the answers, exit 1, and
    there is nothing to justify, so no report is offered."""
    order = ["sector", "target", "language", "cloud", "hardware", "task", "experience"]
    keys = (ENTER * (len(DEFAULT_QUESTIONS) - 2) + ENTER  # the questions left, review: looks good
            + DOWN * (len(order) - order.index("language")) + ENTER  # from the need to relax down to "Stop here"
            + ENTER)  # no save
    res = wiz(keys, "--set", "target=browser", "--set", "language=python")
    assert res.code == 1, res.err
    assert "No workable recommendation." in res.out
    relax = [choices for m, choices in asked if m == RELAX]
    assert relax and relax[0][-1] == wizard.STOP
    assert not any("report" in m.lower() for m, _ in asked)


def test_no_workable_pair_goes_back_to_the_review_with_the_need_to_relax_selected(wiz, asked):
    keys = (ENTER * (len(DEFAULT_QUESTIONS) - 2) + ENTER  # the questions left, review: looks good -> no pair
            + ENTER  # the review again, the language pre-selected: change it
            + ENTER  # the language question: the default that fits a browser (JavaScript)
            + ENTER  # the review: looks good
            + ENTER + ENTER)  # no report, no save
    res = wiz(keys, "--set", "target=browser", "--set", "language=python")
    assert res.code == 0, res.err
    assert res.out.index("No workable recommendation.") < res.out.index("Prototype in ")
    assert [m for m, _ in asked].count(RELAX) == 1
    assert TEXTS[QS.get("language").text] == "language" and QS.get("language").text in [m for m, _ in asked]


def test_answers_yaml_round_trips_through_the_answers_checker(tmp_path):
    from advisor import answers as answers_mod
    from advisor.files import read_mapping

    values = {"sector": "industry", "target": "mobile", "mobile_os": "ios", "language": "swift"}
    path = tmp_path / "a.yaml"
    path.write_text(wizard.answers_yaml(values, "2018-06"))
    assert answers_mod.check(QS, read_mapping(path)) == values
    assert "--as-of 2018-06" in path.read_text().splitlines()[0]


def test_the_wizard_module_does_not_import_heavy_modules_at_top():
    import subprocess
    import sys

    code = ("import sys, advisor.wizard; heavy = [m for m in ('questionary', 'sklearn', 'numpy', 'advisor.engine') "
            "if m in sys.modules]; print(heavy)")
    root = str(Path(wizard.__file__).resolve().parent.parent)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, timeout=60)
    assert out.stdout.strip() == "[]", out.stderr


def test_options_an_earlier_answer_rules_out_are_disabled_with_why(wiz, monkeypatch, tmp_path):
    """In a browser the code is JavaScript (or WebAssembly): Python is shown, disabled, not picked."""
    shown: dict[str, dict] = {}
    real = wizard._prompt

    def spy(kind, message, on_shown=None, **kwargs):
        if message == QS.get("language").text:
            shown.update({c.value: c.disabled for c in kwargs["choices"]})
            shown["default"] = kwargs["default"]
        return real(kind, message, on_shown=on_shown, **kwargs)

    monkeypatch.setattr(wizard, "_prompt", spy)
    saved = tmp_path / "b.yaml"
    res = wiz(ENTER * 12, "--set", "target=browser", "--save-answers", saved)
    assert res.code == 0, res.err
    assert shown["python"] == "not with target=browser" and shown["kotlin"] == "not with target=browser"
    assert shown["javascript"] is None and shown["default"] == "javascript"
    assert yaml.safe_load(saved.read_text())["language"] == "javascript"


# ---------------------------------------------------------------- no dead ends (issue 15)


def test_mobile_then_browser_then_mobile_restores_kotlin_not_javascript(wiz, tmp_path, asked):
    saved = tmp_path / "a.yaml"
    order, with_mobile = DEFAULT_QUESTIONS, [q.id for q in QS]
    keys = (ENTER * len(order)
            + review_row(order, "target") + ENTER + down_to("target", "mobile") + ENTER
            + ENTER  # mobile_os: both
            + ENTER  # Python cannot run on a phone: Kotlin
            + review_row(with_mobile, "target") + ENTER + down_to("target", "browser", start="mobile") + ENTER
            + ENTER  # Kotlin cannot run in a browser: JavaScript
            + review_row(order, "target") + ENTER + down_to("target", "mobile", start="browser") + ENTER
            + ENTER  # mobile_os applies again: its earlier answer (both) pre-selected
            # the language is not asked: Kotlin, which the browser displaced, fits again and comes back
            + ENTER  # review: looks good
            + ENTER)  # no report
    res = wiz(keys, "--save-answers", saved)
    assert res.code == 0, res.err
    values = yaml.safe_load(saved.read_text())
    assert (values["target"], values["mobile_os"], values["language"]) == ("mobile", "both", "kotlin")
    assert questions_asked(asked).count("language") == 3


def test_back_to_the_server_after_mobile_restores_python(wiz, tmp_path):
    saved = tmp_path / "a.yaml"
    order, with_mobile = DEFAULT_QUESTIONS, [q.id for q in QS]
    keys = (ENTER * len(order)
            + review_row(order, "target") + ENTER + down_to("target", "mobile") + ENTER + ENTER + ENTER
            + review_row(with_mobile, "target") + ENTER + down_to("target", "server", start="mobile") + ENTER
            + ENTER + ENTER)
    assert wiz(keys, "--save-answers", saved).code == 0
    assert yaml.safe_load(saved.read_text())["language"] == "python"


def test_the_review_screen_uses_the_questions_own_words(wiz, monkeypatch):
    titles: list[list[str]] = []
    real = wizard._prompt

    def spy(kind, message, on_shown=None, **kwargs):
        if message == REVIEW:
            titles.append([c.title for c in kwargs["choices"]])
        return real(kind, message, on_shown=on_shown, **kwargs)

    monkeypatch.setattr(wizard, "_prompt", spy)
    assert wiz(ENTER * len(DEFAULT_QUESTIONS) + ENTER * 3).code == 0
    rows = titles[0][1:]
    for qid, row in zip(DEFAULT_QUESTIONS, rows):
        q = QS.get(qid)
        assert row == f"{q.text}  {q.option(q.default).label}"
    assert not any(row.startswith(("sector:", "mobile os:", "target:")) for row in rows)


def test_html_into_a_md_file_is_asked_about_and_markdown_is_written(wiz, tmp_path, asked):
    keys = (ENTER * len(DEFAULT_QUESTIONS) + ENTER
            + "y" + DOWN + ENTER  # report: yes, HTML
            + CTRL_U + "r.md" + ENTER
            + ENTER  # "r.md ends in .md, but the format chosen is HTML": write Markdown, as .md says
            + ENTER)  # no save
    res = wiz(keys)
    assert res.code == 0, res.err
    assert any(m == "r.md ends in .md, but the format chosen is HTML" for m, _ in asked)
    text = (tmp_path / "r.md").read_text()
    assert not text.lstrip().lower().startswith(("<!doctype", "<html")) and text.lstrip().startswith("#")


def test_html_into_a_md_file_can_go_to_an_html_path_instead(wiz, tmp_path):
    keys = (ENTER * len(DEFAULT_QUESTIONS) + ENTER
            + "y" + DOWN + ENTER + CTRL_U + "r.md" + ENTER
            + DOWN + ENTER  # write HTML to another path: r.html offered
            + ENTER  # accept r.html
            + ENTER)  # no save
    res = wiz(keys)
    assert res.code == 0, res.err
    assert not (tmp_path / "r.md").exists()
    assert (tmp_path / "r.html").read_text().lstrip().lower().startswith("<!doctype html")


def test_an_as_of_before_the_knowledge_can_recommend_fails_before_any_question(wiz, asked):
    res = wiz("", "--as-of", "2010-01")
    assert res.code == 2 and asked == []
    assert "the earliest usable date is" in res.err and res.err.count("\n") == 1
