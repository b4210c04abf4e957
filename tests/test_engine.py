"""The engine end to end on the mini fixture: pairing, needs, determinism, bad input."""

from __future__ import annotations

import json
import re

import pytest

from advisor import knowledge as kb


@pytest.fixture(autouse=True)
def _fresh_cache():
    kb._load.cache_clear()
    yield
    kb._load.cache_clear()


def rec(cli, *args):
    r = cli("recommend", "--format", "json", *args)
    return r, (json.loads(r.out) if r.out else None)


def test_recommendation_has_the_contract_fields(cli, mini_kb):
    r, d = rec(cli, "--as-of", "2018-06")
    assert r.code == 0
    for key in ("as_of", "answers", "weights", "prototype", "deployment", "bridge", "prototype_ranking",
                "deployment_ranking", "warnings", "robustness"):
        assert key in d
    assert d["as_of"] == "2018-06-30"
    assert (d["prototype"]["id"], d["deployment"]["id"]) == ("alpha", "rt-one")
    assert d["bridge"]["format"] == "onnx" and d["bridge"]["exporter"] == "torch.onnx"
    assert "torch.onnx.export" in d["bridge"]["steps"][0] and "opset_version=18" in d["bridge"]["steps"][0]
    assert d["showdown_route"]["applies"] is True
    for r_ in d["prototype_ranking"] + d["deployment_ranking"]:
        assert {"id", "name", "rank", "score", "contributions"} <= set(r_)
    assert [x["rank"] for x in d["prototype_ranking"]] == list(range(1, len(d["prototype_ranking"]) + 1))
    assert 0 <= d["robustness"]["stays_first"] <= 1


def test_discontinued_projects_are_not_recommended_but_warned(cli, mini_kb):
    _, then = rec(cli, "--as-of", "2019-06")
    _, now = rec(cli, "--as-of", "2026-11")
    assert "beta" in [r["id"] for r in then["prototype_ranking"]]
    assert "beta" not in [r["id"] for r in now["prototype_ranking"]]
    assert "beta" not in [r["id"] for r in now["deployment_ranking"]]
    assert any("Beta" in w and "discontinued" in w for w in now["warnings"])


def test_hard_needs_filter_and_unmet_needs_say_what_to_relax(cli, mini_kb):
    r, d = rec(cli, "--as-of", "2019-06", "--set", "target=browser", "--set", "language=javascript")
    assert r.code == 0 and d["deployment"]["id"] == "rt-web"
    assert d["bridge"]["format"] == "native"
    r, d = rec(cli, "--as-of", "2019-06", "--set", "target=browser", "--set", "language=rust")
    assert r.code == 1 and d["prototype"] is None
    assert d["unmet"]["relax"][0]["need"] == "language"
    assert "Relax language=rust" in d["unmet"]["message"]


def test_same_answers_same_bytes(cli, mini_kb, tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text("sector: industry\ntarget: server\n")
    a = cli("recommend", "--format", "json", "--answers", answers, "--set", "task=nlp")
    b = cli("recommend", "--format", "json", "--set", "task=nlp", "--answers", answers)
    assert a.code == 0 and a.out == b.out
    t1 = cli("recommend", "--answers", answers)
    t2 = cli("recommend", "--answers", answers)
    assert t1.out == t2.out and "Prototype in" in t1.out


def test_set_wins_over_the_answers_file(cli, mini_kb, tmp_path):
    answers = tmp_path / "a.json"
    answers.write_text('{"target": "browser"}')
    _, d = rec(cli, "--answers", answers, "--set", "target=server")
    assert d["answers"]["target"] == "server"
    assert d["answers"]["sector"] == "academia"  # the default
    assert d["given"] == ["target"]


def test_mobile_os_is_only_asked_for_mobile(cli, mini_kb):
    _, d = rec(cli, "--set", "mobile_os=ios")
    assert "mobile_os" not in d["answers"]
    assert any("mobile_os" in w for w in d["warnings"])


@pytest.mark.parametrize(
    "args,words",
    [
        (["--set", "colour=blue"], "unknown question 'colour' (did you mean 'cloud'?); valid questions: sector, target"),
        (["--set", "target=moon"], "'moon' is not an option of question 'target'; valid: server, mobile"),
        (["--set", "target"], "expected KEY=VALUE"),
        (["--as-of", "2018-13"], "--as-of"),
        (["--as-of", "1990-01"], "before any knowledge"),
        (["--answers", "/nonexistent/answers.yaml"], "no such file"),
        (["--format", "xml"], "invalid choice"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli, mini_kb, args, words):
    r = cli("recommend", *args)
    assert r.code == 2
    assert words in r.err
    assert r.err.count("\n") == 1 and "Traceback" not in r.err


@pytest.mark.parametrize(
    "content,words",
    [
        ("target: [server, mobile]\n", "question 'target' takes one of"),
        ("- target\n- server\n", "expected a mapping"),
        ("target: server\n  bad: indent\n", "malformed YAML"),
        ("target: 7\n", "'7' is not an option"),
        ("target:\n", "got nothing"),
    ],
)
def test_bad_answers_files(cli, mini_kb, tmp_path, content, words):
    f = tmp_path / "answers.yaml"
    f.write_text(content)
    r = cli("recommend", "--answers", f)
    assert r.code == 2 and words in r.err and r.err.count("\n") == 1


def test_malformed_json_answers(cli, mini_kb, tmp_path):
    f = tmp_path / "answers.json"
    f.write_text("{target: ")
    r = cli("recommend", "--answers", f)
    assert r.code == 2 and "malformed JSON" in r.err


def test_debug_shows_the_traceback(cli, mini_kb):
    r = cli("--debug", "recommend", "--set", "target=moon")
    assert r.code == 2 and "Traceback" in r.err


def test_questions_lists_ids_and_options(cli):
    r = cli("questions", "--format", "json")
    qs = json.loads(r.out)
    ids = [q["id"] for q in qs]
    assert ids[:8] == ["sector", "target", "mobile_os", "language", "cloud", "hardware", "task", "experience"]
    target = next(q for q in qs if q["id"] == "target")
    assert [o["id"] for o in target["options"]] == ["server", "mobile", "embedded", "microcontroller", "browser", "desktop"]
    assert next(q for q in qs if q["id"] == "mobile_os")["ask_if"] == {"target": ["mobile"]}
    text = cli("questions").out
    assert "mobile_os" in text and "only when target is mobile" in text


def test_answers_that_cannot_work_together_are_explained(cli):
    import json as _json

    r = cli("recommend", "--format", "json", "--set", "target=browser", "--set", "language=python")
    d = _json.loads(r.out)
    assert r.code == 1 and d["prototype"] is None and d["deployment_ranking"] == []
    assert d["unmet"]["conflict"] == {"question": "language", "answer": "python", "with": "target=browser",
                                      "allowed": ["javascript", "c", "cpp", "rust"]}
    assert d["unmet"]["relax"][0]["instead"] == "javascript"
    text = cli("recommend", "--set", "target=browser", "--set", "language=python").out
    assert "language=python cannot work with target=browser (with it, language is one of: javascript" in text


def test_kotlin_is_served_by_a_java_binding_and_swift_by_objective_c():
    from advisor.engine import meets
    from advisor.weights import Needs

    class S:
        capabilities = {"targets": ("mobile",), "languages": ("java", "objc")}

    assert meets(S, Needs(target="mobile", language="kotlin", language_via=("java",))) == []
    assert meets(S, Needs(target="mobile", language="swift", language_via=("objc",))) == []
    assert meets(S, Needs(target="mobile", language="kotlin")) == ["language"]
    assert meets(S, Needs(target="mobile", language="rust")) == ["language"]


def test_why_not_is_measured_against_the_pick_on_each_side(cli):
    """Embedded vision in mid-2018: TensorFlow deploying itself wins the pair although PyTorch ranks first as a
    prototype. Each runner-up's why-not compares it with the pick, and a candidate that outranks the pick on its
    own side says which pair it would have made and by how much that pair lost."""
    r, d = rec(cli, "--as-of", "2018-06", "--set", "sector=industry", "--set", "target=embedded",
               "--set", "task=vision", "--set", "language=cpp")
    assert r.code == 0 and d["prototype"]["id"] == "tensorflow"
    for side in ("prototype", "deployment"):
        ranking = d[f"{side}_ranking"]
        pick = next(x for x in ranking if x["id"] == d[side]["id"])
        assert pick["why_not"] == []
        for x in ranking:
            if x["rank"] < pick["rank"]:
                assert x["why_not"][0].startswith("it ranks above TensorFlow on its own, but its best pair (")
                theirs, ours = map(float, re.search(r"scores ([\d.]+) against ([\d.]+) for the pick", x["why_not"][0]).groups())
                assert theirs < ours and abs(ours - d["pair_score"]) <= 0.051
            elif x is not pick:
                assert all(w.endswith("for TensorFlow") for w in x["why_not"]), x
    assert d["prototype_ranking"][0]["id"] == "pytorch"


def test_text_names_the_sides_and_the_flip_for_people(cli):
    r = cli("recommend", "--set", "target=mobile", "--set", "sector=industry")
    assert r.code == 0
    assert "\n  Prototype: PyTorch (score " in r.out and "\n  Deployment: ONNX Runtime (score " in r.out
    _, d = rec(cli, "--set", "target=mobile", "--set", "sector=industry")
    flip = d["robustness"]["smallest_flip"]
    p, q = flip["new_pick"].split(" + ")
    assert flip["new_pick_name"] == f"{_name(d, p)} + {_name(d, q)}"
    assert f"the {flip['side']} weight of “{flip['label']}”" in r.out and flip["criterion"] not in r.out.split("How firm")[1]


def _name(d, sid):
    return next(x["name"] for x in d["prototype_ranking"] + d["deployment_ranking"] if x["id"] == sid)


def test_thin_facts_at_the_as_of_date_are_warned(cli, mini_kb):
    """The fixture's facts were last checked in 2018: read in 2018 they are fresh, read in 2026 they are not,
    and each contribution says when its fact was last checked."""
    _, fresh = rec(cli, "--as-of", "2018-06")
    assert not any(w.startswith("Facts are thin") for w in fresh["warnings"])
    _, late = rec(cli, "--as-of", "2026-10")
    thin = [w for w in late["warnings"] if w.startswith("Facts are thin")]
    assert thin == ["Facts are thin at 2026-10-31: Alpha and RuntimeOne lean on facts mostly last checked in 2018. "
                    "The ranking may not show the state at that date: read it with care."]
    alpha = next(r for r in late["prototype_ranking"] if r["id"] == "alpha")
    assert alpha["contributions"]["sponsor"]["checked"].startswith("2018")
    assert alpha["contributions"]["lifecycle"]["checked"] is None  # from the status, not an observation


def test_no_thin_facts_today_but_mid_2023_leans_on_2018(cli):
    _, today = rec(cli, "--set", "sector=academia")
    assert not any(w.startswith("Facts are thin") for w in today["warnings"])
    r, mid = rec(cli, "--as-of", "2023-06", "--set", "sector=academia")
    thin = next(w for w in mid["warnings"] if w.startswith("Facts are thin"))
    assert "PyTorch" in thin and "last checked in 2018" in thin
    assert "Facts are thin at 2023-06-30" in cli("recommend", "--as-of", "2023-06", "--set", "sector=academia").out


def test_the_flip_never_turns_a_knob_the_answers_set_to_zero():
    """With no cloud, the cloud weights are zero: no jitter moves them and the smallest flip is not one of them."""
    from advisor.context import Context

    ctx = Context()
    for values in ({"target": "browser"}, {"sector": "industry", "target": "mobile", "language": "kotlin"},
                   {"sector": "industry", "cloud": "none", "hardware": "nvidia_gpu"}):
        rec = ctx.recommend({"cloud": "none", **values})
        flip = rec.firmness.flip
        if flip is not None:
            weights = rec.weights.prototype if flip.side == "prototype" else rec.weights.deployment
            assert weights[flip.criterion] > 0 and flip.criterion not in ("aws", "gcp", "azure")


def test_a_change_of_answer_that_flips_the_pick_is_named():
    from advisor import present
    from advisor.context import Context

    ctx = Context()
    found = 0
    for sector in ("academia", "industry"):
        for target in ("server", "browser", "desktop"):
            rec = ctx.recommend({"sector": sector, "target": target})
            f = rec.firmness.answer_flip
            if f is None:
                continue
            found += 1
            other = ctx.recommend({"sector": sector, "target": target, f.question: f.instead})
            assert (other.prototype.id, other.deployment.id) == f.new_pick  # the named answer really flips it
            assert f.question not in ("target", "language", "hardware", "mobile_os")  # weights only, not needs
            assert present.answer_flip_sentence(rec).startswith(f"Had you answered “{f.instead_label}”")
    assert found
