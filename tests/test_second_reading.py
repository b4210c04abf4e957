"""advisor.second_reading: a classifier over the read phrasing sets that doubts the words' readings."""

from __future__ import annotations

import os
import pickle

import pytest

from advisor import second_reading as sr
from advisor.questions import load as load_questions
from advisor.understand import Understander, load_phrasebook

QUESTIONS = ("target", "task")
TINY = """phrasings:
""" + "".join(f"""  - text: "{t}"
    expect: {e}
""" for t, e in [
    ("the model runs in the browser, a web page", "{target: browser}"),
    ("a web app in the browser tab, client side", "{target: browser}"),
    ("in the browser with WebGPU", "{target: browser, task: vision}"),
    ("on the phone, an Android app", "{target: mobile}"),
    ("our iPhone app runs it on device", "{target: mobile, task: vision}"),
    ("phones only, offline, in the app", "{target: mobile}"),
    ("photos of cracks in walls", "{task: vision}"),
    ("a chatbot over our documents", "{task: llm}"),
    ("a chatbot for customers in the browser", "{target: browser, task: llm}"),
    ("hello", "{}"),
])


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    folder = tmp_path / "phrasings"
    folder.mkdir()
    (folder / "chat_tiny.yaml").write_text(TINY, encoding="utf-8")
    monkeypatch.setenv("ADVISOR_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(sr, "_LOADED", {})
    return folder


def test_the_read_sets_ship_with_the_package():
    folder = sr.phrasings_dir()
    assert len(list(folder.glob("chat_blind_2026*.yaml"))) >= 31
    if os.environ.get("ADVISOR_TEST_INSTALLED"):
        assert folder.parent.name == "_prompts"  # inside the installed package, not the checkout


@pytest.mark.parametrize("probabilities, verdict", [
    ({"browser": 0.9, "mobile": 0.05, sr.NONE: 0.05}, None),  # it agrees
    ({"browser": sr.DOUBT, "mobile": 0.7, sr.NONE: 0.1}, None),  # unsure, but not below the line
    ({"browser": 0.1, "mobile": 0.8, sr.NONE: 0.1}, "set aside"),  # it favours another option
    ({"browser": 0.1, "mobile": 0.3, sr.NONE: 0.6}, "assume"),  # it finds the message silent on it
    ({"mobile": 0.9, sr.NONE: 0.1}, "set aside"),  # an option it never saw
])
def test_verdict(tiny, probabilities, verdict):
    reading = sr.load(QUESTIONS, str.lower, folder=tiny)
    assert reading.verdict(probabilities, "browser") == verdict


LONG = "we want to sort the photos of the parts coming off the line into good and bad"


@pytest.mark.parametrize("question, probabilities, text, guess", [
    ("task", {"vision": 0.95, sr.NONE: 0.05}, LONG, "vision"),
    ("task", {"vision": 0.95, sr.NONE: 0.05}, "C++ on a Jetson", None),  # too short to guess from
    ("task", {"vision": 0.85, sr.NONE: 0.15}, LONG, None),  # not sure enough
    ("task", {"vision": 0.02, sr.NONE: 0.98}, LONG, None),  # sure the message says nothing
    ("sector", {"academia": 0.95, sr.NONE: 0.05}, LONG, "academia"),
    ("sector", {"industry": 0.95, sr.NONE: 0.05}, LONG, None),  # the chat assumes it anyway
    ("target", {"server": 0.99, sr.NONE: 0.01}, LONG, None),  # where it runs hinges on grammar
    ("cloud", {"aws": 0.99, sr.NONE: 0.01}, LONG, None),
])
def test_guess(question, probabilities, text, guess):
    assert sr.SecondReading.guess(question, probabilities, text) == guess


def test_it_learns_from_the_sets_and_is_the_same_every_time(tiny):
    a = sr.SecondReading(sr._examples(tiny, str.lower), QUESTIONS)
    b = sr.SecondReading(sr._examples(tiny, str.lower), QUESTIONS)
    p = a.probabilities("an app on the phone")
    assert max(p["target"], key=p["target"].get) == "mobile"
    assert p == b.probabilities("an app on the phone")
    assert set(p) == set(QUESTIONS)


def test_the_fitted_reading_is_cached_and_fitted_anew_when_the_cache_is_damaged(tiny, tmp_path, monkeypatch):
    sr.load(QUESTIONS, str.lower, folder=tiny)
    cached = list((tmp_path / "cache").glob("second-reading-*.pickle"))
    assert len(cached) == 1 and not list((tmp_path / "cache").glob(".*.tmp"))
    monkeypatch.setattr(sr, "_LOADED", {})

    def no_fit(*args):
        raise AssertionError("fitted again")

    monkeypatch.setattr(sr.SecondReading, "__init__", no_fit)
    assert isinstance(sr.load(QUESTIONS, str.lower, folder=tiny), sr.SecondReading)  # from the cache
    monkeypatch.undo()
    monkeypatch.setenv("ADVISOR_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(sr, "_LOADED", {})
    cached[0].write_bytes(b"not a pickle")
    assert isinstance(sr.load(QUESTIONS, str.lower, folder=tiny), sr.SecondReading)
    assert pickle.loads(cached[0].read_bytes()).models  # written again, whole


def test_other_data_or_another_preparation_is_another_cache_entry_and_replaces_it(tiny, tmp_path):
    def entries():
        return sorted(p.name for p in (tmp_path / "cache").glob("second-reading-*.pickle"))

    names = []
    sr.load(QUESTIONS, str.lower, folder=tiny)
    names += entries()
    sr.load(QUESTIONS, str.lower, b"another phrasebook", folder=tiny)
    names += entries()
    (tiny / "chat_tiny.yaml").write_text(TINY.replace("hello", "hello there"), encoding="utf-8")
    sr.load(QUESTIONS, str.lower, folder=tiny)
    names += entries()
    assert len(names) == len(set(names)) == 3  # one entry at a time, each under its own name


def test_an_unwritable_cache_or_none_costs_only_the_fitting(tiny, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("ADVISOR_CACHE", str(blocker / "cache"))  # a folder that cannot be made
    assert isinstance(sr.load(QUESTIONS, str.lower, folder=tiny), sr.SecondReading)
    monkeypatch.setattr(sr, "_LOADED", {})
    monkeypatch.setenv("ADVISOR_CACHE", "")  # no cache at all
    assert isinstance(sr.load(QUESTIONS, str.lower, folder=tiny), sr.SecondReading)
    assert not (tmp_path / "cache").exists()


def test_no_home_folder_means_no_cache(monkeypatch):
    monkeypatch.delenv("ADVISOR_CACHE", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)

    def no_home():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(sr.Path, "home", staticmethod(no_home))
    assert sr._cache_dir() is None


def test_without_sets_there_is_no_second_reading(tmp_path):
    assert sr.load(QUESTIONS, str.lower, folder=tmp_path / "nowhere") is None


# ---------------------------------------------------------------- in the understanding

@pytest.fixture(scope="module")
def u():
    return Understander(load_questions(), load_phrasebook())


def test_a_reading_the_message_as_a_whole_contradicts_is_set_aside(u):
    # the words read text classification; the sets call answering questions over documents LLM work
    r = u.understand("question answering over company documents")
    assert r.doubted == {"task": "nlp"} and "task" not in r.answers and "task" not in r.assumed
    r = Understander(load_questions(), load_phrasebook(), doubt=False).understand("question answering over company documents")
    assert r.answers["task"] == "nlp" and not r.doubted


def test_what_the_words_weigh_out_on_purpose_is_not_doubted(u):
    # a correction, a place said as where the model runs, a longer name read as a whole: the
    # classifier reads no grammar, so it does not overrule them
    for text, q, o in [("it runs on android, err, I meant iOS", "mobile_os", "ios"),
                       ("our backend is in Go but the model runs on the phone", "target", "mobile"),
                       ("fibre orientations from diffusion MRI volumes with a 3D CNN", "task", "vision")]:
        r = u.understand(text)
        assert r.answers.get(q) == o and not r.doubted, text


def test_a_reply_to_a_question_is_not_doubted(u):
    r = u.understand("question answering over company documents", pending="task")
    assert not r.doubted
