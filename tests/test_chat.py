"""advisor chat: understanding plain language, follow-ups against the state, piped and terminal use."""

from __future__ import annotations

import io
import json
import os
import re
import sys
from pathlib import Path

import pytest
import yaml

from advisor.present import recommendation_json
from advisor.second_reading import phrasings_dir
from advisor.context import Context
from advisor.errors import BadInput
from advisor.questions import load as load_questions
from advisor.understand import Understander, clean, load_phrasebook, measure, parse

HELDOUT = Path(__file__).parent / "data" / "chat_heldout.yaml"


@pytest.fixture(scope="module")
def understander():
    return Understander(load_questions(), load_phrasebook())


def understood(u, text, pending=None):
    """What the chat takes from a message: what it states and what its words suggest."""
    r = u.understand(text, pending=pending)
    return {**r.assumed, **r.answers}


# ---------------------------------------------------------------- the held-out measure


def test_heldout_phrasings_are_understood():
    r = measure(HELDOUT)
    print(f"\nchat understanding: {r['share']:.1%} of {r['answers']} answers "
          f"({r['phrasings']} held-out phrasings, {r['wrong']} wrong)")
    for batch, b in sorted(r["batches"].items()):
        print(f"  batch {batch}: {b['share']:.1%} of {b['answers']} answers")
    assert r["phrasings"] >= 60
    assert r["share"] >= 0.9, r["misses"]
    assert r["wrong"] <= 0.02 * r["answers"], [m for m in r["misses"] if m["got"]]
    # no worse than when issue 14 was filed: 19 fills the items do not expect, assumed ones counted too
    assert r["extra"] + r["assumed_extra"] <= 19, r["extras"]


def test_heldout_phrasings_are_not_copies_of_the_training_phrasings():
    book = load_phrasebook()
    norm = lambda t: " ".join(t.lower().split())  # noqa: E731
    training = {norm(t) for t, _, _ in book.examples}
    synonyms = {norm(r.phrase) for r in book.rules}
    heldout = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))["phrasings"]
    for item in heldout:
        text = norm(item["text"])
        assert text not in training
        if "pending" not in item:  # a short reply to a question may be one word
            assert text not in synonyms


def test_heldout_expectations_name_real_questions_and_options():
    qs = load_questions()
    for item in yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))["phrasings"]:
        for q, o in item["expect"].items():
            assert o in qs.get(q).option_ids, (item["text"], q, o)


def test_measure_command_prints_the_figure(capsys):
    from advisor.chat import main

    assert main(["--measure", str(HELDOUT)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("chat understanding: ") and "% of " in out


def test_measure_says_when_the_set_is_training_data_and_can_leave_the_second_reading_out(capsys):
    from advisor.chat import main

    read_set = str(PHRASINGS / "chat_blind_2026af.yaml")
    assert main(["--measure", read_set]) == 0
    assert capsys.readouterr().out.startswith("note: the second reading learns from this very set")
    assert main(["--measure", read_set, "--words-only"]) == 0
    assert capsys.readouterr().out.startswith("chat understanding: ")


# ---------------------------------------------------------------- understanding


def test_the_issue_example(understander):
    got = understood(understander, "I'm a PhD student doing NLP, we might put it on phones later")
    assert got == {"sector": "academia", "target": "mobile", "task": "nlp"}


@pytest.mark.parametrize("text, expected", [
    ("we use Amazon for everything", {"cloud": "aws"}),
    ("an app for iPhone", {"target": "mobile", "mobile_os": "ios"}),
    ("on a Raspberry Pi", {"target": "embedded", "hardware": "arm"}),
    ("a microcontroller", {"target": "microcontroller"}),
    ("our stack runs on the JVM", {"language": "java"}),
    ("inside the browser", {"target": "browser"}),
])
def test_names_and_synonyms(understander, text, expected):
    got = understood(understander, text)
    assert {k: got.get(k) for k in expected} == expected


def test_negation_cancels_a_synonym(understander):
    got = understood(understander, "not on AWS, we moved to Azure")
    assert got["cloud"] == "azure"
    got = understood(understander, "it won't run on phones, only on our servers")
    assert got["target"] == "server"
    assert understood(understander, "we don't use the cloud").get("target") != "server"


def test_instead_of_and_deployment_over_training(understander):
    assert understood(understander, "deploy to the browser instead of phones")["target"] == "browser"
    assert understood(understander, "we train on servers but deploy to phones")["target"] == "mobile"


def test_android_and_iphone_together_mean_both(understander):
    assert understood(understander, "for Android as well as the iPhone")["mobile_os"] == "both"


def test_short_replies_use_the_pending_question(understander):
    assert understood(understander, "2", pending="target") == {"target": "mobile"}
    assert understood(understander, "both", pending="mobile_os")["mobile_os"] == "both"
    assert understood(understander, "both") == {}  # without a question, "both" says nothing


def test_nothing_in_small_talk(understander):
    for text in ("hello there", "thanks!", "ok", "hmm, let me think"):
        assert understood(understander, text) == {}


def test_commands(understander):
    cmd = understander.command
    assert cmd("why?")[0] == "why"
    assert cmd("Why not TensorFlow?") == ("why_not", {"a": "tensorflow"})
    assert cmd("compare pytorch and jax") == ("compare", {"a": "pytorch", "b": "jax"})
    assert cmd("write the report to r.html") == ("report", {"a": "r.html"})
    assert cmd("show the questions")[0] == "questions"
    assert cmd("start over")[0] == "start_over"
    assert cmd("quit")[0] == "quit"
    assert cmd("what if we deploy to the browser instead?") is None


def test_clean_handles_junk_and_long_lines():
    assert clean("a\x00b\x1b[31m c\ufffd\td") == ("ab[31m c d", False)
    text, cut = clean("x" * 5000)
    assert cut and len(text) == 2000
    assert clean("   \n") == ("", False)


def test_phrasebook_errors_name_the_place(tmp_path):
    bad = {"synonyms": {"target": {"moon": ["lunar"]}}}
    with pytest.raises(BadInput, match=r"chat\.yaml: synonyms\.target\.moon: 'moon' is not an option of 'target'"):
        parse(bad, tmp_path / "chat.yaml", load_questions())
    with pytest.raises(BadInput, match="bad regular expression"):
        parse({"synonyms": {"target": {"mobile": ["re:(unclosed"]}}}, tmp_path / "chat.yaml", load_questions())


# ---------------------------------------------------------------- the conversation (mini knowledge)


@pytest.fixture
def session(mini_kb):
    from advisor import catalog as kb
    from advisor.knowledge import load as load_knowledge
    from advisor.chat import Session

    knowledge = load_knowledge()
    return Session(Context.prebuilt(kb.catalog(kb.parse_as_of(None, knowledge), knowledge), load_questions()), load_phrasebook())


def say(session, text):
    reply = session.handle(text)
    assert reply is not None
    return reply.text


def test_conversation_asks_for_missing_answers_then_recommends(session):
    text = say(session, "I'm a PhD student doing NLP")
    assert text.startswith("Understood: sector=academia (")
    assert "Where will the model run in production?" in text
    text = say(session, "on our servers")
    assert "In which language" in text
    text = say(session, "python")
    assert "Prototype in Alpha" in text and "deploy with RuntimeOne" in text
    assert "Assumed (defaults" in text and "cloud=none" in text
    assert session.state()["prototype"]["id"] == "alpha"


def test_state_and_recommendation_come_from_the_engine(session):
    from advisor import answers as answers_mod
    from advisor.engine import recommend

    say(session, "a company, serving from a python backend on our servers")
    rec = recommendation_json(session.recommendation())
    expected = recommendation_json(recommend(answers_mod.resolve(session.qs, {"sector": "industry", "target": "server", "language": "python"}),
                         session.qs, session.catalog))
    assert rec == expected


def test_what_if_instead_shows_the_difference_and_undo_restores(session):
    say(session, "research lab, python, desktop app")
    before = session.state()
    text = say(session, "what if we deploy on servers instead?")
    assert "Changed: target desktop -> server." in text
    assert "Prototype: Alpha (unchanged" in text
    assert session.applicable()["target"] == "server"
    text = say(session, "undo")
    assert session.applicable()["target"] == "desktop"
    assert session.state() == before


def test_why_and_why_not(session):
    assert say(session, "why?").startswith("I still need: sector, target, language.")
    say(session, "hello")  # now the chat has asked its first question
    text = say(session, "why?")
    assert text.startswith('I ask "Where will you build it?" because:')
    say(session, "university, python on servers")
    assert "Alpha for prototyping" in say(session, "why?")
    assert "discontinued since 2020-03-01" in say(session, "why not Beta?")
    text = say(session, "why not RuntimeWeb?")
    assert "fails the hard need(s) target=server" in text and "it offers: browser" in text
    text = say(session, "why not gamma")
    assert "ranks #2" in text and "Where it loses most:" in text
    assert "is the recommended prototyping framework" in say(session, "why not alpha?")
    assert 'I do not know "foo" as a framework' in say(session, "why not foo?")
    text = say(session, "what about the browser?")
    assert "Changed: target server -> browser" in text


def test_compare_side_by_side(session):
    say(session, "university, python on servers")
    text = say(session, "compare alpha and gamma")
    assert "CRITERION" in text and "Alpha" in text and "Gamma" in text
    assert "#1 " in text and "#2 " in text
    assert 'I do not know "zeta"' in say(session, "compare alpha and zeta")
    assert 'I do not know "foo"' in say(session, "compare foo and bar")


def test_skip_takes_the_default_and_start_over_forgets(session):
    say(session, "we are a startup")
    assert "Taking the default for target: server" in say(session, "skip")
    assert session.applicable() == {"sector": "industry", "target": "server"}
    text = say(session, "start over")
    assert "forgotten every answer" in text and session.applicable() == {}


def test_show_questions_and_answers(session):
    say(session, "industry, vision, on a desktop")
    text = say(session, "show the questions")
    assert "target: Where will the model run in production? [desktop]" in text
    assert "mobile_os: Which mobile platforms? [does not apply]" in text
    assert "sector=industry" in say(session, "show my answers")


def test_report_is_written_with_the_transcript(session, tmp_path):
    import advisor.report as report

    if not hasattr(report, "write_report"):
        pytest.skip("advisor.report has no write_report")
    say(session, "university, python on servers")
    target = tmp_path / "r.json"
    text = say(session, f"write the report to {target}")
    assert text == f"Wrote the report to {target}."
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["prototype"]["id"] == "alpha"
    assert any(t["text"] == "university, python on servers" for t in data["report"]["extra"]["chat"])
    assert "Could not write the report" in say(session, f"write the report to {tmp_path}/missing/r.html")


def test_user_text_is_never_a_template(session):
    text = say(session, "{items} {0} %s ${HOME} {__class__} __import__('os')")
    assert "I did not catch an answer" in text
    text = say(session, "why not {name}?")
    assert '"{name}"' in text


# ---------------------------------------------------------------- the command, piped


def piped(cli, monkeypatch, data: bytes, *args):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    return cli("chat", *args)


def test_piped_json_last_line_has_answers_and_the_pair(cli, monkeypatch, mini_kb):
    r = piped(cli, monkeypatch, b"I'm a PhD student doing NLP\nservers\npython\n", "--format", "json")
    assert r.code == 0 and r.err == ""
    lines = r.out.strip().splitlines()
    assert len(lines) == 4  # one per message, one at the end
    records = [json.loads(line) for line in lines]
    assert records[0]["answers"] == {"sector": "academia", "task": "nlp"} and records[0]["prototype"] is None
    last = records[-1]
    assert last["event"] == "end"
    assert last["answers"] == {"sector": "academia", "target": "server", "language": "python", "task": "nlp"}
    assert last["prototype"]["id"] == "alpha" and last["deployment"]["id"] == "rt-one"


def test_piped_text_echoes_no_prompts(cli, monkeypatch, mini_kb):
    r = piped(cli, monkeypatch, b"we are a startup\n")
    assert r.code == 0
    assert "you>" not in r.out and "Tell me about your project" not in r.out
    assert r.out.startswith("Understood: sector=industry")


def test_empty_lines_junk_long_lines_and_eof_are_calm(cli, monkeypatch, mini_kb):
    data = (b"\n\n   \n\x00\xff\xfe\x1b\x07\n" + b"\x00hel\xfflo\x1b[0m\n" + b"y" * 50_000 + b" aws\n"
            + b"university\n")
    r = piped(cli, monkeypatch, data, "--format", "json")
    assert r.code == 0 and r.err == ""
    records = [json.loads(line) for line in r.out.splitlines()]
    assert len(records) == 4  # junk with words, the long line, university, the end; blank and pure junk ignored
    assert records[0]["message"] == "hello[0m"
    assert records[1]["reply"].startswith("(Your message was cut to 2,000 characters.)")
    assert "cloud" not in records[1]["answers"]  # the words past the cut are not read
    assert records[-1]["answers"] == {"sector": "academia"}


def test_quit_ends_before_the_rest(cli, monkeypatch, mini_kb):
    r = piped(cli, monkeypatch, b"we are a startup\nquit\nuniversity\n", "--format", "json")
    last = json.loads(r.out.splitlines()[-1])
    assert last["event"] == "end" and last["answers"] == {"sector": "industry"}


def test_same_input_same_output(cli, monkeypatch, mini_kb):
    data = b"phd student, python on servers\nwhy?\ncompare alpha and gamma\nwhat if we use a desktop instead?\n"
    first = piped(cli, monkeypatch, data).out
    assert piped(cli, monkeypatch, data).out == first


def test_bad_as_of_is_one_line_exit_2(cli, monkeypatch, mini_kb):
    r = piped(cli, monkeypatch, b"hello\n", "--as-of", "1990-01")
    assert r.code == 2 and r.err.startswith("advisor: ") and len(r.err.strip().splitlines()) == 1


def test_installed_command_piped(run_advisor, mini_kb):
    r = run_advisor("chat", "--format", "json", env={"ADVISOR_KNOWLEDGE": str(mini_kb)},
                    input="a startup, python backend on servers\nwhat if we run it on desktops instead?\n")
    assert r.code == 0, r.err
    last = json.loads(r.out.strip().splitlines()[-1])
    assert last["answers"]["target"] == "desktop"
    assert last["prototype"]["name"] == "Alpha" and last["deployment"]["name"] == "RuntimeOne"


# ---------------------------------------------------------------- a true terminal


def _spawn_chat(pexpect, kb_folder):
    """`advisor chat` in a real pseudo-terminal, on the given knowledge."""
    from conftest import advisor_command

    cmd = advisor_command()
    return pexpect.spawn(cmd[0], [*cmd[1:], "chat"], env={**os.environ, "ADVISOR_KNOWLEDGE": str(kb_folder)},
                         encoding="utf-8", timeout=60, dimensions=(40, 200))


def test_terminal_prompts_and_ctrl_c(mini_kb):
    pexpect = pytest.importorskip("pexpect")
    child = _spawn_chat(pexpect, mini_kb)
    child.expect("Tell me about your project")
    child.expect("you> ")
    child.sendline("I'm a PhD student, python on servers")
    child.expect("Prototype in Alpha")
    child.expect("you> ")
    child.sendintr()
    child.expect("Aborted.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


def test_terminal_eof_says_bye(mini_kb):
    pexpect = pytest.importorskip("pexpect")
    child = _spawn_chat(pexpect, mini_kb)
    child.expect("you> ")
    child.sendeof()
    child.expect("Bye.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


# ---------------------------------------------------------------- the real knowledge


def test_why_not_tensorflow_with_the_real_knowledge(monkeypatch):
    from advisor import catalog as kb
    from advisor.knowledge import load as load_knowledge
    from advisor.chat import Session
    from advisor.errors import AdvisorError

    monkeypatch.delenv("ADVISOR_KNOWLEDGE", raising=False)
    try:
        knowledge = load_knowledge()
        cat = kb.catalog(kb.parse_as_of(None, knowledge), knowledge)
    except AdvisorError as exc:
        pytest.skip(f"the real knowledge is not sound yet: {exc}")
    if "tensorflow" not in cat.subjects:
        pytest.skip("the real knowledge has no tensorflow")
    s = Session(Context.prebuilt(cat, load_questions()), load_phrasebook())
    say(s, "I'm a PhD student doing NLP, we will serve it from Python on our servers")
    assert s.state()["prototype"] is not None
    text = say(s, "why not TF?")
    assert "TensorFlow" in text
    text = say(s, "what if we deploy to the browser instead?")
    assert "Changed: target server -> browser" in text


def test_why_not_the_first_ranked_says_which_pair_it_lost(monkeypatch):
    """Embedded vision in mid-2018: PyTorch ranks first as a prototype, yet TensorFlow deploying itself wins
    the pair. "Why not PyTorch?" names PyTorch's best pair and its score against the pick's."""
    from advisor import catalog as kb
    from advisor.knowledge import load as load_knowledge
    from advisor.chat import Session

    monkeypatch.delenv("ADVISOR_KNOWLEDGE", raising=False)
    knowledge = load_knowledge()
    s = Session(Context.prebuilt(kb.catalog(kb.parse_as_of("2018-06", knowledge), knowledge), load_questions()), load_phrasebook())
    say(s, "I work in industry on embedded vision in C++")
    assert s.state()["prototype"]["id"] == "tensorflow"
    text = say(s, "why not PyTorch?")
    assert re.search(r"ranks #1 of \d+ .*\n  It ranks above TensorFlow on its own, but its best pair "
                     r"\(PyTorch -> [^)]+\) scores [\d.]+ against [\d.]+ for the pick\.", text), text
    assert "Where it loses most" not in text.split("As a deployment runtime")[0]


def test_why_not_names_the_need_a_runtime_really_fails_kotlin_via_java(monkeypatch):
    """Kotlin calls Java APIs natively, so DJL (Java bindings) meets language=kotlin; on Android + iOS
    it fails the OS need, and that is what the why-not must say (the chat once rebuilt the needs
    without the Java route and blamed the language)."""
    from advisor import catalog as kb
    from advisor.knowledge import load as load_knowledge
    from advisor.chat import Session

    monkeypatch.delenv("ADVISOR_KNOWLEDGE", raising=False)
    knowledge = load_knowledge()
    s = Session(Context.prebuilt(kb.catalog(kb.parse_as_of("2026-11", knowledge), knowledge), load_questions()),
                load_phrasebook())
    say(s, "I'm a PhD student doing NLP, we might put it on phones later")
    say(s, "both, the app is Kotlin")
    text = say(s, "why not djl?")
    assert "fails the hard need(s) os=android+ios" in text, text
    assert "language=kotlin" not in text


# ---------------------------------------------------------------- answering like an expert (issue 14)

HELDOUT_2026 = Path(__file__).parent / "data" / "chat_heldout_2026.yaml"
# the blind sets once read: shipped with the package, where the second reading learns from them
PHRASINGS = phrasings_dir()


@pytest.fixture
def real(monkeypatch):
    """A session on the real knowledge as of 2026-11."""
    from advisor import catalog as kb
    from advisor.chat import Session
    from advisor.knowledge import load as load_knowledge

    monkeypatch.delenv("ADVISOR_KNOWLEDGE", raising=False)
    knowledge = load_knowledge()
    ctx = Context.prebuilt(kb.catalog(kb.parse_as_of("2026-11", knowledge), knowledge), load_questions())
    return lambda: Session(ctx, load_phrasebook())


def test_the_fresh_heldout_set_is_understood():
    r = measure(HELDOUT_2026)
    print(f"\nchat understanding (2026 set): {r['share']:.1%} of {r['answers']} answers; "
          f"{r['wrong']} wrong + {r['extra']} not expected ({r['per_100']:.1f} per 100)")
    assert r["phrasings"] >= 80
    assert r["share"] >= 0.92, r["misses"]
    assert r["wrong"] <= 0.01 * r["answers"], [m for m in r["misses"] if m["got"]]
    assert r["per_100"] <= 1.0, r["extras"]
    assert r["per_100_all"] <= 2.5, r["extras"]


@pytest.mark.parametrize("name, floor, ceiling", [
    ("b", 0.97, 2.0), ("c", 0.97, 2.5), ("d", 0.98, 2.5), ("e", 0.97, 2.5), ("f", 0.98, 1.5), ("g", 0.98, 2.0),
    ("h", 0.98, 2.0), ("i", 0.97, 2.5), ("j", 0.96, 3.0), ("k", 0.96, 2.5), ("l", 0.96, 2.0), ("m", 0.95, 3.5),
    ("n", 0.96, 2.0), ("o", 0.97, 3.0), ("p", 0.96, 2.5), ("q", 0.96, 2.5), ("r", 0.94, 2.0), ("s", 0.96, 2.5),
    ("t", 0.95, 3.0), ("u", 0.97, 2.0), ("v", 0.96, 4.0), ("w", 0.96, 3.0), ("x", 0.98, 2.5), ("y", 0.97, 3.0),
    ("z", 0.97, 2.5), ("aa", 0.97, 3.0), ("ab", 0.94, 4.0), ("ac", 0.98, 1.0), ("ad", 0.98, 1.5), ("ae", 0.94, 4.0), ("af", 0.93, 1.5)])
def test_the_blind_sets_do_not_slip(name, floor, ceiling):
    """Sets written blind, each read after its one blind measurement (README): a floor under the share
    filled and a ceiling over the contradictions per 100, a little below and above what was measured at
    the end of session 7."""
    r = measure(PHRASINGS / f"chat_blind_2026{name}.yaml")
    print(f"\nchat understanding (set {name}): {r['share']:.1%} of {r['answers']} answers; "
          f"{r['per_100']:.1f} contradictions per 100 ({r['per_100_all']:.1f} with assumptions)")
    assert r["share"] >= floor, f"set {name}: {r['share']:.1%} filled"
    assert r["per_100"] <= ceiling, f"set {name}: {r['per_100']:.1f} contradictions per 100"


def test_the_set_measured_once_and_not_read_does_not_slip():
    """Set ag (session 8): measured once with that session's final code, 96.0% and 1.2 per 100; not read,
    so not among the sets the second reading learns from."""
    path = Path(__file__).parent / "data" / "chat_blind_2026ag.yaml"
    r = measure(path)
    assert r["share"] >= 0.95 and r["per_100"] <= 1.5, (r["share"], r["per_100"])
    assert not (PHRASINGS / path.name).exists()


def test_the_measure_counts_fills_the_item_does_not_expect(tmp_path):
    f = tmp_path / "set.yaml"
    f.write_text(yaml.safe_dump({"phrasings": [{"text": "a startup on AWS", "expect": {"cloud": "aws"}}]}))
    r = measure(f)
    assert r["understood"] == 1 and r["extra"] == 1
    assert r["extras"] == [{"text": "a startup on AWS", "question": "sector", "got": "industry", "assumed": False}]
    assert r["contradictions"] == 1 and r["per_100"] == 100.0


def test_the_measure_counts_answers_assumed_from_hints_apart(tmp_path):
    """'our backend' suggests a server without saying it: right when expected, counted apart when not,
    and a contradiction when the item expects another option."""
    f = tmp_path / "set.yaml"
    f.write_text(yaml.safe_dump({"phrasings": [
        {"text": "our backend is written in Go", "expect": {"language": "go", "target": "server"}},
        {"text": "our backend is written in Go", "expect": {"language": "go"}},
        {"text": "our backend is written in Go", "expect": {"language": "go", "target": "mobile"}}]}))
    r = measure(f)
    assert (r["understood"], r["assumed_right"], r["wrong"], r["extra"], r["assumed_extra"]) == (4, 1, 1, 0, 1)
    assert r["answers"] == 5 and r["contradictions"] == 1 and r["per_100"] == 20.0
    assert r["per_100_all"] == 40.0


def test_an_unstated_sector_is_assumed_and_said(real):
    s = real()
    text = say(s, "we serve a BERT model from our Java backend on AWS")
    assert "Assuming sector=industry: nothing said academia" in text
    assert "say otherwise" in text and "Where will you build it?" not in text
    st = s.state()
    assert st["ready"] and st["answers"]["sector"] == "industry" and st["assumed_by_chat"] == {"sector": "industry"}
    say(s, "actually this is for my PhD")
    assert s.state()["answers"]["sector"] == "academia" and s.state()["assumed_by_chat"] == {}


def test_python_for_an_android_app_is_resolved_not_a_dead_end(real):
    s = real()
    say(s, "I teach at a university")
    say(s, "we deploy to android phones")
    text = say(s, "mostly python")
    assert ("Python is for training and prototyping here; an Android app calls the model from Kotlin: "
            "assuming Kotlin, say otherwise.") in text
    text = say(s, "no cloud")
    assert "No workable recommendation" not in text
    st = s.state()
    assert st["ready"] and st["answers"]["language"] == "kotlin" and st["prototype"] is not None


def test_why_not_and_compare_before_all_answers(real):
    s = real()
    say(s, "hello")
    text = say(s, "why not TensorFlow?")
    assert text.startswith("Not all answers are in yet; on your answers so far (none) and these assumed for the rest (")
    assert "sector=academia" in text and "TensorFlow" in text and "ranks #" in text
    text = say(s, "compare pytorch and jax")
    assert "Not all answers are in yet" in text and "CRITERION" in text and "JAX" in text
    assert s.state()["ready"] is False  # nothing was set by asking


def test_why_names_what_separates_the_pick_from_the_runner_up(real):
    s = real()
    say(s, "PhD student, NLP models served from Python on our own servers")
    text = say(s, "why?")
    assert "the runner-up:" in text and "ahead on " in text and "weight " in text
    # every criterion named differs between the two (a criterion both score 100 on separates nothing)
    for a, b in re.findall(r": (\d+) vs (\d+)/100", text):
        assert a != b, text
    text = say(s, "why Keras and not PyTorch?")
    assert "Keras" in text and "PyTorch" in text and "ranks #" in text and "is ahead on" in text
    # the first-ranked one's value comes first, on the lines where it is ahead and where it is behind
    s = real()
    say(s, "small fintech, backend is spring boot on aws, a BERT model for the free-text of transactions")
    text = say(s, "why pytorch and not jax?")
    lines = re.findall(r"  (\w+) is (ahead|behind) on [^:]+: (\d+) vs (\d+)/100", text)
    assert {where for _, where, _, _ in lines} == {"ahead", "behind"}, text
    for name, where, a, b in lines:
        assert name == "PyTorch" and (int(a) > int(b)) == (where == "ahead"), text


def test_two_platforms_and_two_languages(real):
    s = real()
    text = say(s, "The Android app is in Kotlin and we have an iOS app in Swift")
    assert "mobile_os=both" in text
    assert "You named Kotlin and Swift (one for each platform)" in text and "assuming Kotlin" in text
    assert s.state()["answers"]["mobile_os"] == "both"
    s2 = real()
    say(s2, "cross-platform app (android+ios) in Kotlin Multiplatform")
    assert s2.state()["answers"]["mobile_os"] == "both"


def test_a_mac_app_is_a_desktop_app(real):
    s = real()
    say(s, "i'm building a Mac app (SwiftUI) that removes backgrounds from photos")
    assert s.state()["answers"]["target"] == "desktop" and s.state()["answers"]["language"] == "swift"


BLIND = {name: PHRASINGS / f"chat_blind_2026{name}.yaml"
         for name in [*"bcdefghijklmnopqrstuvwxyz", "aa", "ab", "ac", "ad", "ae", "af"]}


@pytest.mark.parametrize("path", [HELDOUT, HELDOUT_2026, *BLIND.values()], ids=["old", "2026", *BLIND])
def test_the_chat_and_advisor_recommend_agree_on_every_heldout_item(real, cli, monkeypatch, path):
    """Each held-out first message, then "skip" until the chat recommends: the answers it used give
    the same pair through `advisor recommend`."""
    monkeypatch.delenv("ADVISOR_KNOWLEDGE", raising=False)
    for item in yaml.safe_load(path.read_text(encoding="utf-8"))["phrasings"]:
        if item.get("pending"):
            continue
        s = real()
        say(s, item["text"])
        for _ in range(6):
            if s.state()["ready"]:
                break
            say(s, "skip")
        st = s.state()
        assert st["ready"], item["text"]
        sets = [a for q, o in st["answers"].items() for a in ("--set", f"{q}={o}")]
        rec = json.loads(cli("recommend", "--format", "json", "--as-of", "2026-11", *sets).out)
        assert rec["answers"] == {**st["answers"], **st["assumed"]}, item["text"]
        for side in ("prototype", "deployment"):
            assert (rec[side] or {}).get("id") == (st[side] or {}).get("id"), (item["text"], side)


# ---------------------------------------------------------------- what words only suggest

def test_a_reading_the_second_reading_doubts_is_said_and_left_open(real):
    s = real()
    text = say(s, "question answering over company documents")
    assert "Not sure I read task=nlp (" in text and "say it if it holds" in text
    assert "task" not in s.state()["answers"]
    say(s, "it's an LLM assistant")
    assert s.state()["answers"]["task"] == "llm"


def test_a_suggested_answer_is_assumed_aloud_and_can_be_corrected(real):
    s = real()
    text = say(s, "our backend services are Java Spring Boot, we score card transactions for fraud")
    assert "Understood: language=java" in text
    assert re.search(r"Assuming from your words: [^\n]*\btarget=server \(", text) and "say otherwise" in text
    st = s.state()
    assert st["ready"] and st["answers"]["target"] == "server" and st["assumed_by_chat"]["target"] == "server"
    say(s, "no, the model runs on the phones, android only")
    st = s.state()
    assert st["answers"]["target"] == "mobile" and "target" not in st["assumed_by_chat"]


def test_an_assumption_that_cannot_hold_gives_way_to_what_the_person_says(real):
    s = real()
    say(s, "a startup, our GPU boxes run everything, python")
    assert s.state()["assumed_by_chat"]["hardware"] == "nvidia_gpu"
    text = say(s, "it has to run in an android app written in kotlin")
    assert "My assumption hardware=nvidia_gpu cannot hold with target=mobile" in text
    assert text.count("My assumption hardware=nvidia_gpu") == 1
    st = s.state()
    assert st["answers"]["hardware"] != "nvidia_gpu" and st["ready"], st
    assert st["deployment"] is not None


def test_a_suggestion_never_overrides_what_the_person_said(real):
    s = real()
    say(s, "we are a startup and the model runs on iPhones, the app is Swift")
    text = say(s, "our backend is in Go by the way")
    st = s.state()
    assert st["answers"]["target"] == "mobile" and "target=server" not in text


def test_one_message_is_one_step_of_undo(real):
    s = real()
    say(s, "a startup, our GPU boxes run everything, python")
    before = dict(s.state()["answers"])
    say(s, "it has to run in an android app written in kotlin")  # answers, and an assumption given way
    say(s, "undo")
    assert s.state()["answers"] == before
