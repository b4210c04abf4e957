"""answers: --set parsing, validation with one clear line, defaults by context, files + --set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor.answers import Answers, check, from_sources, parse_sets, resolve
from advisor.errors import BadInput
from advisor.questions import load, parse

QS = load()
ALL_BUT_MOBILE_OS = tuple(q for q in QS.ids if q != "mobile_os")


# ---------------------------------------------------------------- parse_sets


def test_parse_sets_keeps_order_and_the_last_one_wins():
    got = parse_sets(["target=mobile", "language=java", "target=browser"])
    assert got == {"target": "browser", "language": "java"}
    assert list(got) == ["target", "language"]  # a key keeps its first place


def test_parse_sets_strips_blanks_and_splits_at_the_first_equals():
    assert parse_sets([" target = mobile "]) == {"target": "mobile"}
    assert parse_sets(["note=a=b"]) == {"note": "a=b"}
    assert parse_sets(["target="]) == {"target": ""}  # empty: refused later, by check
    assert parse_sets([]) == {} and parse_sets(None) == {}


@pytest.mark.parametrize("item", ["target", "=mobile", " =mobile", ""])
def test_parse_sets_refuses_an_item_without_a_key_and_equals(item):
    with pytest.raises(BadInput) as err:
        parse_sets(["sector=industry", item])
    assert str(err.value) == f"--set '{item}': expected KEY=VALUE, e.g. --set target=mobile"


# ---------------------------------------------------------------- check


def test_check_accepts_known_answers_and_strips_them():
    assert check(QS, {"target": " mobile ", "mobile_os": "ios"}) == {"target": "mobile", "mobile_os": "ios"}
    assert check(QS, {}) == {}


def test_check_refuses_an_unknown_question_listing_the_valid_ones():
    with pytest.raises(BadInput) as err:
        check(QS, {"target": "server", "planet": "mars"}, origin="a.yaml")
    assert str(err.value) == f"a.yaml: unknown question 'planet'; valid questions: {', '.join(QS.ids)}"


def test_check_refuses_an_unknown_option_listing_the_valid_ones():
    with pytest.raises(BadInput) as err:
        check(QS, {"target": "moon"})
    assert str(err.value) == ("answers: 'moon' is not an option of question 'target'; "
                              "valid: server, mobile, embedded, microcontroller, browser, desktop")
    assert check(QS, {"target": "Mobile"}, origin="--set") == {"target": "mobile"}  # ids in any case (a note says so)
    with pytest.raises(BadInput, match="^--set: '' is not an option of question 'target'"):
        check(QS, {"target": ""}, origin="--set")


@pytest.mark.parametrize("value, kind", [
    (None, "nothing"), (["mobile"], "list"), ({"a": 1}, "dict"), (True, "bool"), (False, "bool"),
])
def test_check_refuses_values_that_are_not_one_scalar(value, kind):
    with pytest.raises(BadInput) as err:
        check(QS, {"sector": value}, origin="f.yaml")
    assert str(err.value) == f"f.yaml: question 'sector' takes one of academia, industry; got {kind}"


def _numbered():
    """A question set whose option ids are numbers (as YAML reads `gpus: 2`)."""
    return parse({
        "base_weights": {"prototype": {"a": 1}, "deployment": {"b": 1}},
        "pair": {"prototype": 0.5, "deployment": 0.5, "bridge": 10},
        "questions": [{"id": "gpus", "options": [{"id": 1}, {"id": 2}]}],
    }, Path("q.yaml"))


def test_check_reads_ints_as_their_text():
    qs = _numbered()
    assert qs.get("gpus").option_ids == ("1", "2")
    assert check(qs, {"gpus": 2}) == {"gpus": "2"}
    assert check(qs, {"gpus": "1"}) == {"gpus": "1"}
    with pytest.raises(BadInput, match="'3' is not an option of question 'gpus'; valid: 1, 2"):
        check(qs, {"gpus": 3})
    with pytest.raises(BadInput, match="got bool"):  # True is an int to Python, not to the advisor
        check(qs, {"gpus": True})


# ---------------------------------------------------------------- resolve


def test_resolve_with_nothing_given_takes_every_default():
    a = resolve(QS, {})
    assert isinstance(a, Answers)
    assert tuple(a.values) == ALL_BUT_MOBILE_OS  # mobile_os applies only to mobile
    assert a.values == {"sector": "academia", "target": "server", "language": "python", "cloud": "none",
                        "hardware": "any", "task": "vision", "experience": "intermediate"}
    assert a.given == frozenset() and a.ignored == ()


@pytest.mark.parametrize("given, language, mobile_os", [
    ({"target": "browser"}, "javascript", None),
    ({"target": "mobile"}, "kotlin", "both"),
    ({"target": "mobile", "mobile_os": "android"}, "kotlin", "android"),
    ({"target": "mobile", "mobile_os": "ios"}, "swift", "ios"),
    ({"target": "embedded"}, "python", None),
    ({"target": "browser", "language": "rust"}, "rust", None),  # an answer beats the context default
])
def test_resolve_takes_the_context_default(given, language, mobile_os):
    a = resolve(QS, given)
    assert a["language"] == language
    assert a.get("mobile_os") == mobile_os
    assert a.given == frozenset(given)


def test_resolve_ignores_answers_to_questions_that_do_not_apply():
    a = resolve(QS, {"target": "server", "mobile_os": "ios", "sector": "industry"})
    assert "mobile_os" not in a.values
    assert a.ignored == ("mobile_os",)
    assert a.given == frozenset({"target", "sector"})
    assert a["language"] == "python"  # the ignored iOS does not make Swift the default


def test_answers_lookups_and_json():
    a = resolve(QS, {"target": "mobile"})
    assert a["target"] == "mobile" and a.get("planet") is None and a.get("planet", "x") == "x"
    with pytest.raises(KeyError):
        a["planet"]
    j = a.to_json()
    assert j == a.values and j is not a.values
    assert json.loads(json.dumps(j)) == j


# ---------------------------------------------------------------- from_sources


def test_from_sources_file_then_set_and_set_wins(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("target: mobile\nlanguage: java\nsector: industry\n", encoding="utf-8")
    a = from_sources(QS, str(f), ["target=browser", "cloud=gcp"])
    assert a["target"] == "browser" and a["language"] == "java" and a["sector"] == "industry"
    assert a["cloud"] == "gcp"
    assert "mobile_os" not in a.values  # the file's mobile target lost to --set
    assert a.given == frozenset({"target", "language", "sector", "cloud"})


def test_from_sources_reads_json_and_works_without_a_file(tmp_path):
    f = tmp_path / "a.json"
    f.write_text(json.dumps({"target": "mobile", "mobile_os": "ios"}), encoding="utf-8")
    a = from_sources(QS, str(f), [])
    assert a["language"] == "swift" and a.given == frozenset({"target", "mobile_os"})
    assert from_sources(QS, None, []) == resolve(QS, {})
    assert from_sources(QS, None, ["target=desktop"])["target"] == "desktop"


def test_from_sources_names_the_file_or_set_that_is_wrong(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("target: moon\n", encoding="utf-8")
    with pytest.raises(BadInput) as err:
        from_sources(QS, str(f), [])
    assert str(err.value).startswith(f"{f}: 'moon' is not an option of question 'target'")
    f.write_text("sector: yes\n", encoding="utf-8")  # YAML reads yes as true
    with pytest.raises(BadInput, match="question 'sector' takes one of academia, industry; got bool"):
        from_sources(QS, str(f), [])
    f.write_text("- target\n", encoding="utf-8")
    with pytest.raises(BadInput, match="expected a mapping of question id to answer, got a list"):
        from_sources(QS, str(f), [])
    with pytest.raises(BadInput, match="no such file"):
        from_sources(QS, str(tmp_path / "missing.yaml"), [])
    f.write_text("target: mobile\n", encoding="utf-8")
    with pytest.raises(BadInput, match="^--set: unknown question 'planet'"):
        from_sources(QS, str(f), ["planet=mars"])
    with pytest.raises(BadInput, match="^--set 'target': expected KEY=VALUE"):
        from_sources(QS, str(f), ["target"])


def test_an_empty_answers_file_means_all_defaults(tmp_path):
    f = tmp_path / "empty.yaml"
    f.write_text("", encoding="utf-8")
    assert from_sources(QS, str(f), []) == resolve(QS, {})
