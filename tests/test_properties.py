"""Property: as of today no recommendation ever breaks a hard need or leans on a dead project."""

from __future__ import annotations


import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.present import recommendation_json
from advisor import answers as answers_mod
from advisor import knowledge as kb
from advisor.catalog import Catalog, catalog
from advisor.engine import meets, recommend
from advisor.paths import packaged_dir
from advisor.questions import load as load_questions

QS = load_questions()


@pytest.fixture(scope="module")
def today():
    kb._load.cache_clear()
    k = kb.load(packaged_dir("knowledge"))
    return catalog(k.latest, k)


answer_sets = st.fixed_dictionaries({q.id: st.sampled_from(q.option_ids) for q in QS})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=answer_sets)
def test_no_recommendation_breaks_a_hard_need_or_leans_on_a_dead_project(today, raw):
    answers = answers_mod.resolve(QS, raw)
    rec = recommendation_json(recommend(answers, QS, today))
    if rec["prototype"] is None:
        assert rec["unmet"]["message"]
        if rec["unmet"].get("conflict"):
            c = rec["unmet"]["conflict"]
            assert rec["answers"][c["question"]] not in c["allowed"]
        for r in rec["unmet"]["relax"]:
            assert today.subjects[r["nearest"]].status != "discontinued"
        return
    proto = today.subjects[rec["prototype"]["id"]]
    deploy = today.subjects[rec["deployment"]["id"]]
    assert proto.kind == "framework"
    assert proto.status != "discontinued" and deploy.status != "discontinued"
    caps = deploy.capabilities
    a = rec["answers"]
    assert a["target"] in caps["targets"]
    via = QS.get("language").option(a["language"]).needs.get("language_via") or []
    # its own binding, one it calls natively, a community binding, or a model server's HTTP/gRPC API
    assert {a["language"], *via, "http"} & set(caps["languages"]) or a["language"] in caps.get("community", ())
    if "tasks" in caps:  # a specialist serves only the tasks it lists
        assert a["task"] in caps["tasks"]
    if a["hardware"] != "any":
        assert a["hardware"] in caps["hardware"]
    if a["target"] == "mobile":
        wanted = {"android": {"android"}, "ios": {"ios"}, "both": {"android", "ios"}}[a["mobile_os"]]
        assert wanted <= set(caps["os"])
    from advisor.weights import derive

    profile = derive(answers, QS)
    assert meets(deploy, profile.needs) == []
    assert profile.conflicts == ()  # e.g. never Python code "running" in a browser
    target = QS.get("target").option(a["target"])
    if "language" in target.allows:
        assert a["language"] in target.allows["language"]
    for ranking in (rec["prototype_ranking"], rec["deployment_ranking"]):
        assert all(today.subjects[r["id"]].status != "discontinued" for r in ranking)


def test_every_target_has_a_workable_default_pair(today):
    for target in ("server", "mobile", "embedded", "browser", "desktop"):
        lang = "javascript" if target == "browser" else "python" if target != "mobile" else "kotlin"
        raw = {"target": target, "language": lang}
        rec = recommendation_json(recommend(answers_mod.resolve(QS, raw), QS, today))
        assert rec["prototype"] is not None, (target, rec["unmet"])


def test_removing_a_candidate_never_reorders_the_others(today):
    answers = answers_mod.resolve(QS, {"sector": "industry", "target": "mobile"})
    full = recommendation_json(recommend(answers, QS, today))
    order = [r["id"] for r in full["deployment_ranking"]]
    dropped = order[1]
    smaller = Catalog(today.as_of, today.knowledge, {k: v for k, v in today.subjects.items() if k != dropped},
                         [r for r in today.native_bridges if dropped not in (r["from"], r["to"])])
    less = recommendation_json(recommend(answers, QS, smaller))
    assert [r["id"] for r in less["deployment_ranking"]] == [i for i in order if i != dropped]
    p_order = [r["id"] for r in full["prototype_ranking"]]
    assert [r["id"] for r in less["prototype_ranking"]] == [i for i in p_order if i != dropped]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=answer_sets)
def test_same_answers_same_bytes(today, raw):
    import json

    answers = answers_mod.resolve(QS, raw)
    first = json.dumps(recommendation_json(recommend(answers, QS, today)), sort_keys=False)
    again = json.dumps(recommendation_json(recommend(answers_mod.resolve(QS, dict(reversed(list(raw.items())))), QS, today)))
    assert first == again


def test_defaults_follow_the_target(today):
    for target, os_, lang in (("browser", None, "javascript"), ("mobile", "ios", "swift"), ("mobile", "android", "kotlin"),
                              ("server", None, "python")):
        raw = {"target": target, **({"mobile_os": os_} if os_ else {})}
        answers = answers_mod.resolve(QS, raw)
        assert answers["language"] == lang
        assert recommendation_json(recommend(answers, QS, today))["prototype"] is not None


# The hardware named, and how each runtime reaches it through a provider, delegate or device option:
# when the pick runs there this way, the steps must say how (not the plain CPU path).
ACCELERATORS = {
    ("onnxruntime", "nvidia_gpu"): ("CUDA", "TensorRT"),
    ("onnxruntime", "amd_gpu"): ("MIGraphX", "ROCm"),
    ("onnxruntime", "apple_silicon"): ("CoreML", "Core ML execution provider"),
    ("tflite", "apple_silicon"): ("Core ML delegate", "CoreMLDelegate", "Metal"),
    ("executorch", "apple_silicon"): ("CoreMLPartitioner", "Core ML partitioner"),
    ("triton", "nvidia_gpu"): ("KIND_GPU",),
    ("tf-serving", "nvidia_gpu"): ("latest-gpu",),
    ("llama-cpp", "nvidia_gpu"): ("GGML_CUDA",),
    ("llama-cpp", "amd_gpu"): ("GGML_HIP",),
    ("llama-cpp", "apple_silicon"): ("Metal",),
    ("opencv-dnn", "nvidia_gpu"): ("DNN_BACKEND_CUDA",),
    ("tensorrt", "nvidia_gpu"): ("engine",),
}
accelerated = st.fixed_dictionaries({
    **{q.id: st.sampled_from(q.option_ids) for q in QS},
    "hardware": st.sampled_from(["nvidia_gpu", "amd_gpu", "apple_silicon"]),
})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=accelerated)
def test_steps_name_the_accelerator_the_pick_reaches(today, raw):
    rec = recommendation_json(recommend(answers_mod.resolve(QS, raw), QS, today))
    if rec["prototype"] is None:
        return
    words = ACCELERATORS.get((rec["deployment"]["id"], rec["answers"]["hardware"]))
    if words:
        steps = " ".join(rec["bridge"]["steps"])
        assert any(w.lower() in steps.lower() for w in words), (rec["deployment"]["id"], rec["answers"], rec["bridge"]["steps"])


def test_every_accelerated_pick_in_the_table_is_reachable_in_the_steps_data():
    """Each (runtime, hardware) the property checks has its step in prompts/steps.yaml (else the property
    would pass vacuously for a pair the engine never picks)."""
    from advisor.present import _steps_data

    acc = _steps_data()["accelerate"]
    for runtime, hardware in ACCELERATORS:
        if runtime == "tensorrt":
            continue  # its load step builds the engine on the GPU
        assert hardware in acc.get(runtime, {}), (runtime, hardware)
