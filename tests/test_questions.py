"""prompts/questions.yaml is data; the loader refuses malformed questions with one clear line."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from advisor.errors import BadInput
from advisor.files import load_yaml
from advisor.paths import packaged_dir
from advisor.questions import load, parse

RAW = load_yaml((packaged_dir("prompts") / "questions.yaml").read_text(encoding="utf-8"))
PATH = Path("questions.yaml")


def q(data, qid):
    return next(x for x in data["questions"] if x["id"] == qid)


def test_the_fixed_ids_and_options_are_there():
    qs = load()
    assert qs.ids[:8] == ("sector", "target", "mobile_os", "language", "cloud", "hardware", "task", "experience")
    assert qs.get("sector").option_ids == ("academia", "industry")
    assert set(qs.get("language").option_ids) >= {"python", "cpp", "java", "javascript", "csharp"}
    assert qs.get("cloud").option_ids == ("aws", "gcp", "azure", "none")
    assert set(qs.get("hardware").option_ids) >= {"nvidia_gpu", "intel_cpu", "arm", "apple_silicon", "any"}
    assert qs.get("task").option_ids == ("vision", "nlp", "speech", "tabular", "llm", "generative", "other")
    assert qs.get("target").option_ids == ("server", "mobile", "embedded", "microcontroller", "browser", "desktop")
    assert qs.get("experience").option_ids == ("beginner", "intermediate", "expert")


def test_conditions_and_context_defaults():
    qs = load()
    assert not qs.get("mobile_os").applies({"target": "server"})
    assert qs.get("mobile_os").applies({"target": "mobile"})
    lang = qs.get("language")
    assert lang.default_for({"target": "server"}) == "python"
    assert lang.default_for({"target": "browser"}) == "javascript"
    assert lang.default_for({"target": "mobile", "mobile_os": "ios"}) == "swift"
    assert lang.default_for({"target": "mobile", "mobile_os": "android"}) == "kotlin"


def test_conflicts_name_the_answer_that_rules_another_out():
    qs = load()
    assert qs.conflicts({"target": "browser", "language": "python"})[0][:3] == ("language", "python", "target=browser")
    assert qs.conflicts({"target": "server", "language": "python"}) == []
    assert any(c[0] == "hardware" for c in qs.conflicts({"target": "mobile", "hardware": "nvidia_gpu"}))
    # every context default is itself allowed: the defaults never conflict
    for when, default in qs.get("language").default_if:
        values = {k: v[0] for k, v in when.items()}
        if "mobile_os" in values:
            values["target"] = "mobile"
        assert not qs.conflicts({**values, "language": default})


def _broken(mutate):
    data = copy.deepcopy(RAW)
    mutate(data)
    return data


@pytest.mark.parametrize(
    "mutate,words",
    [
        (lambda d: q(d, "sector")["options"][0]["weights"]["prototype"].update(charm=1), "unknown prototype criterion 'charm'"),
        (lambda d: q(d, "sector").update(default="nowhere"), "default 'nowhere' is not one of its options"),
        (lambda d: q(d, "target").update(ask_if={"language": ["python"]}), "not an earlier question"),
        (lambda d: q(d, "target")["options"][3]["allows"].update(language=["cobol"]), "'cobol' is not an option of 'language'"),
        (lambda d: q(d, "target")["options"][0]["needs"].update(target="moon"), "'moon' is not a known targets"),
        (lambda d: q(d, "language")["default_if"][0].update(default="cobol"), "default_if default 'cobol'"),
        (lambda d: d["questions"].append(copy.deepcopy(d["questions"][0])), "duplicate id"),
        (lambda d: d.pop("pair"), "pair: needs numbers"),
        (lambda d: q(d, "sector")["options"][0]["weights"]["prototype"].update(graph="lots"), "must be a number"),
    ],
)
def test_malformed_questions_are_refused(mutate, words):
    with pytest.raises(BadInput) as err:
        parse(_broken(mutate), PATH)
    assert words in str(err.value) and str(err.value).startswith("questions.yaml: ")
