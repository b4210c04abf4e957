"""weights: answers -> criterion weights (base + each answer's deltas, never below 0), hard needs,
pair shares and conflicts, computed by hand from prompts/questions.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.answers import resolve
from advisor.questions import load, parse
from advisor.weights import Conflict, Needs, Profile, derive

QS = load()


def profile(**given) -> Profile:
    return derive(resolve(QS, given), QS)


def test_the_defaults_by_hand():
    p = profile()
    # base + academia (graph +2, documentation +1, ootb_ops +1, numerics +.5) + server (scalability +1)
    # + cloud none (os_support +.5) + vision (ootb_ops +1, ecosystem +.5); intermediate adds nothing
    assert p.prototype == {
        "sponsor": 1, "activity": 1, "ecosystem": 1.5, "documentation": 2, "graph": 3, "numerics": 1.5,
        "ootb_ops": 3, "languages": 0.5, "scalability": 1.5, "os_support": 1.0, "aws": 0, "gcp": 0, "azure": 0,
        "onnx": 1, "lifecycle": 2,
    }
    # base + hardware any (hardware_breadth +1.5) + vision (ecosystem +1.5, task_fit +.5)
    assert p.deployment == {
        "sponsor": 1, "activity": 1, "ecosystem": 2.5, "documentation": 1, "target_fit": 3,
        "language_fit": 1, "hardware_use": 0, "hardware_breadth": 1.5, "task_fit": 0.5, "onnx_import": 0.5,
        "lifecycle": 1,
    }
    assert p.pair == {"prototype": 0.6, "deployment": 0.3, "bridge": 10}  # academia's shares, the base bridge
    assert p.needs == Needs(target="server", language="python", task="vision")
    assert p.conflicts == ()


def test_an_industry_ios_team_by_hand():
    p = profile(sector="industry", target="mobile", mobile_os="ios", cloud="aws", hardware="apple_silicon",
                task="generative", experience="beginner")
    # industry: sponsor +1, ecosystem +1, scalability +1, onnx +.5; aws: aws +2;
    # generative: scalability +1.5, activity +1, numerics +.5; beginner: documentation +1.5, ecosystem +1
    assert p.prototype == {
        "sponsor": 2, "activity": 2, "ecosystem": 3, "documentation": 2.5, "graph": 1, "numerics": 1.5,
        "ootb_ops": 1, "languages": 0.5, "scalability": 3.0, "os_support": 0.5, "aws": 2, "gcp": 0, "azure": 0,
        "onnx": 1.5, "lifecycle": 2,
    }
    # industry: sponsor +1, ecosystem +.5, target_fit +1; mobile: target_fit +2; generative: activity +.5;
    # beginner: documentation +1; a named hardware: hardware_use +3 (breadth stops counting);
    # generative: task_fit +1.5
    assert p.deployment == {
        "sponsor": 2, "activity": 1.5, "ecosystem": 1.5, "documentation": 2, "target_fit": 6,
        "language_fit": 1, "hardware_use": 3, "hardware_breadth": 0, "task_fit": 1.5, "onnx_import": 0.5,
        "lifecycle": 1,
    }
    assert p.pair == {"prototype": 0.35, "deployment": 0.55, "bridge": 10}
    assert p.needs == Needs(target="mobile", os=("ios",), language="swift", hardware="apple_silicon",
                            language_via=("objc",), task="generative")
    assert p.conflicts == ()


def test_derive_leaves_the_question_set_alone():
    before = {s: dict(w) for s, w in QS.base_weights.items()}, dict(QS.pair)
    profile(sector="industry", target="mobile", experience="beginner")
    assert ({s: dict(w) for s, w in QS.base_weights.items()}, dict(QS.pair)) == before


def _tiny():
    return parse({
        "base_weights": {"prototype": {"speed": 1, "docs": 2}, "deployment": {"fit": 1}},
        "pair": {"prototype": 0.5, "deployment": 0.5, "bridge": 10},
        "questions": [
            {"id": "mood", "default": "calm", "options": [
                {"id": "calm"},
                {"id": "rushed", "weights": {"prototype": {"speed": 2, "docs": -3}, "deployment": {"fit": -0.5}},
                 "pair": {"bridge": 4}},
            ]},
            {"id": "care", "default": "none", "options": [
                {"id": "none"},
                {"id": "docs", "weights": {"prototype": {"docs": 2}}, "pair": {"prototype": 0.7}},
            ]},
        ],
    }, Path("q.yaml"))


def test_a_weight_never_goes_below_zero_and_later_answers_add_to_the_floor():
    qs = _tiny()
    p = derive(resolve(qs, {"mood": "rushed"}), qs)
    assert p.prototype == {"speed": 3, "docs": 0.0} and p.deployment == {"fit": 0.5}
    # docs: max(0, 2 - 3) = 0, then + 2 = 2 (the floor applies per answer, in question order)
    p = derive(resolve(qs, {"mood": "rushed", "care": "docs"}), qs)
    assert p.prototype == {"speed": 3, "docs": 2}
    assert p.needs == Needs() and p.needs.items() == []


def test_an_options_pair_replaces_only_the_shares_it_names():
    qs = _tiny()
    assert derive(resolve(qs, {}), qs).pair == {"prototype": 0.5, "deployment": 0.5, "bridge": 10}
    p = derive(resolve(qs, {"mood": "rushed", "care": "docs"}), qs)
    assert p.pair == {"prototype": 0.7, "deployment": 0.5, "bridge": 4}  # replaced, not added


# ---------------------------------------------------------------- needs


def test_needs_items_in_fixed_order_without_empty_ones():
    n = Needs(target="mobile", os=("android", "ios"), language="kotlin", hardware="arm", language_via=("java",))
    assert n.items() == [("target", "mobile"), ("os", ("android", "ios")), ("language", "kotlin"), ("hardware", "arm")]
    assert Needs(hardware="arm", target="server").items() == [("target", "server"), ("hardware", "arm")]
    assert Needs().items() == []


def test_needs_without_one_key():
    n = Needs(target="mobile", os=("android",), language="kotlin", hardware="arm", language_via=("java",))
    assert n.without("language") == Needs(target="mobile", os=("android",), hardware="arm")  # and its via
    assert n.without("os") == Needs(target="mobile", language="kotlin", hardware="arm", language_via=("java",))
    assert n.without("os").os == ()
    assert n.without("target").items() == [("os", ("android",)), ("language", "kotlin"), ("hardware", "arm")]
    assert n.without("hardware").hardware is None
    assert n == Needs(target="mobile", os=("android",), language="kotlin", hardware="arm", language_via=("java",))


def test_needs_json():
    n = Needs(target="browser", language="javascript")
    assert n.to_json() == {"target": "browser", "os": (), "language": "javascript", "hardware": None,
                           "language_via": (), "task": None}


@pytest.mark.parametrize("given, language, via, os", [
    ({"target": "mobile", "mobile_os": "android"}, "kotlin", ("java",), ("android",)),
    ({"target": "mobile"}, "kotlin", ("java",), ("android", "ios")),
    ({"target": "mobile", "mobile_os": "ios"}, "swift", ("objc",), ("ios",)),
    ({"target": "server", "language": "kotlin"}, "kotlin", ("java",), ()),
    ({"target": "server", "language": "java"}, "java", (), ()),
])
def test_language_via_for_kotlin_and_swift(given, language, via, os):
    n = profile(**given).needs
    assert (n.language, n.language_via, n.os) == (language, via, os)


def test_hardware_any_is_no_need_and_a_named_one_is():
    assert profile(hardware="any").needs.hardware is None
    assert profile(hardware="nvidia_gpu").needs.hardware == "nvidia_gpu"


# ---------------------------------------------------------------- conflicts


def test_python_in_the_browser_is_a_conflict():
    p = profile(target="browser", language="python")
    assert p.conflicts == (Conflict("language", "python", "target=browser", ("javascript", "c", "cpp", "rust")),)
    assert p.needs == Needs(target="browser", language="python", task="vision")  # still derived; the engine decides


def test_an_nvidia_gpu_on_an_iphone_conflicts_twice():
    p = profile(target="mobile", mobile_os="ios", hardware="nvidia_gpu")
    assert [(c.question, c.answer, c.by) for c in p.conflicts] == [
        ("hardware", "nvidia_gpu", "target=mobile"), ("hardware", "nvidia_gpu", "mobile_os=ios")]


def test_no_conflict_for_compatible_answers():
    assert profile(target="browser").conflicts == ()
    assert profile(target="mobile", mobile_os="android", language="java", hardware="arm").conflicts == ()


def test_derive_records_which_answer_moved_each_weight():
    p = profile()
    assert p.moved_by[("prototype", "graph")][0] == ("sector", "academia", 2.0)
    assert ("deployment", "sponsor") not in p.moved_by  # academia leaves the deployment side's sponsor alone
    for (side, crit), moves in p.moved_by.items():
        for qid, oid, delta in moves:
            assert delta != 0 and QS.get(qid).option(oid).weights[side][crit] == delta
