"""The presenter: the words of a recommendation, and the steps it gives."""

from __future__ import annotations

import pytest

from advisor import present


def test_firmness_in_words_names_the_flip():
    from types import SimpleNamespace

    from advisor.recommendation import Firmness, Flip

    flip = Flip("deployment", "onnx_import", 1.0, 0.35, 0.65, ("beta", "rt-web"), ("Beta", "RuntimeWeb"))
    rb = Firmness(400, 1, 0.25, 0.634, 0.9, 0.7, "leaning", flip)
    rec = SimpleNamespace(firmness=rb, labels={"onnx_import": "ONNX import"})
    assert present.flip_sentence(rec, "report") == (
        "The smallest single change that flips it: if the deployment weight of “ONNX import” falls "
        "from 1 to 0.35, Beta + RuntimeWeb becomes the pick.")
    assert present.flip_sentence(rec) == ("Smallest change that flips it: the deployment weight of “ONNX import” "
                                          "1 -> 0.35 makes Beta + RuntimeWeb the pick.")
    assert present.firmness_line(rec, "report").startswith("The pair stays first in 63% of 400 runs with every "
                                                           "weight jittered by about ±25% (")
    still = SimpleNamespace(firmness=Firmness(400, 1, 0.25, 1.0, 1.0, 1.0, "firm", None), labels={})
    assert "No single weight" in present.flip_sentence(still, "report")
    assert "often change it" in present.FIRMNESS_WORDS["leaning"]


def test_listing_and_need_text():
    assert present.listing(["a"]) == "a"
    assert present.listing(["a", "b", "c"]) == "a, b and c"
    assert present.need_text("os", ("android", "ios")) == "os=android+ios"
    assert present.need_text("target", "server") == "target=server"


@pytest.mark.parametrize("x, digits, text", [(2.0, 1, "2"), (2.5, 2, "2.5"), (0.0001, 2, "0"), (-0.01, 1, "0"),
                                             (None, 1, "-"), (74.649, 1, "74.6")])
def test_num_is_fixed_and_never_exponent(x, digits, text):
    assert present.num(x, digits) == text


def test_bridge_steps_offer_verify_exactly_for_pairs_verify_can_check():
    from advisor.present import _steps_data as _steps
    from advisor.verify_paths import PATHS, RUNTIMES

    can = _steps()["verifiable"]
    assert set(can["prototypes"]) == set(PATHS) - {"sklearn"}  # sklearn is a verify-only id
    assert set(can["runtimes"]) == set(RUNTIMES)


def test_every_step_template_formats():
    from advisor.present import _steps_data as _steps

    """prompts/steps.yaml goes through str.format: a literal brace must be doubled, or a step crashes."""
    fields = dict(prototype="P", runtime="R", exporter="E", importer="I", language="L", opset=17,
                  prototype_id="p", runtime_id="r", device="CPU")
    data = _steps()
    texts = [e["step"] for e in data["export"]] + [data["check"], data["verify"]]
    texts += [t for loaders in data["load"].values() for t in loaders.values()] + list(data["native"].values())
    texts += [t for loaders in data["native_load"].values() for t in loaders.values()]
    texts += [t for by_hw in data["accelerate"].values() for langs in by_hw.values() for t in langs.values()]
    texts += [e["step"] for e in data["native_export"]]
    for t in texts:
        out = t.format(**fields)  # a stray brace would raise here
        assert "{prototype" not in out and "{runtime" not in out
    for t in data["other_half"].values():
        t.format(runtime="R", step="s")
    assert 'sess.run(None, {"input": x})' in data["load"]["onnxruntime"]["python"].format(**fields)


def test_native_bridges_get_concrete_conversion_calls():
    from advisor.present import route_steps
    from advisor.recommendation import Bridge

    def bridge_steps(route, p, d, language):
        return route_steps(Bridge("native", route[0], route[1], route[2], route[3], None, (), language, None), p, d)

    def Route(kind, exporter, importer, maturity, *_):
        return (kind, exporter, importer, maturity)

    class S:
        def __init__(self, id, name):
            self.id, self.name = id, name

    keras, litert, pt, et = S("keras", "Keras"), S("tflite", "LiteRT"), S("pytorch", "PyTorch"), S("executorch", "ExecuTorch")
    steps = bridge_steps(Route("native", "keras.Model.export(format='litert')", "LiteRT", "stable", 1.0, ()), keras, litert, "kotlin")
    assert 'format="litert"' in steps[0] and "`kotlin`" in steps[1]
    steps = bridge_steps(Route("native", "torch.export + ExecuTorch exporter (.pte)", "ExecuTorch", "stable", 1.0, ()), pt, et, "swift")
    assert "to_executorch()" in steps[0] and "model.pte" in steps[0]
    steps = bridge_steps(Route("native", "some new tool", "X", "beta", 0.8, ()), pt, et, "cpp")
    assert steps == ["Convert the trained model from PyTorch with some new tool, then load the result with X and run it "
                     "through ExecuTorch's `cpp` API."]





def _bridge(**changes):
    from advisor.recommendation import Bridge

    fields = dict(format="onnx", kind="onnx", exporter="torch.onnx", importer="X ONNX import", maturity="stable",
                  alternative=None, sources=(), language="python", hardware=None, os=())
    return Bridge(**{**fields, **changes})


class _S:
    def __init__(self, id, name):
        self.id, self.name = id, name


PT, ORT = _S("pytorch", "PyTorch"), _S("onnxruntime", "ONNX Runtime")


def test_steps_reach_the_hardware_named():
    gpu = " ".join(present.route_steps(_bridge(hardware="nvidia_gpu"), PT, ORT))
    assert "onnxruntime-gpu" in gpu and "CUDAExecutionProvider" in gpu
    cpp = " ".join(present.route_steps(_bridge(hardware="nvidia_gpu", language="cpp"), PT, ORT))
    assert "AppendExecutionProvider_CUDA" in cpp and "Ort::SessionOptions" in cpp
    mac = " ".join(present.route_steps(_bridge(hardware="apple_silicon", language="swift"), PT, ORT))
    assert "appendCoreMLExecutionProvider" in mac
    cpu = " ".join(present.route_steps(_bridge(), PT, ORT))
    assert "ExecutionProvider" not in cpu  # nothing named: the plain path


def test_openvino_steps_name_the_device():
    ov = _S("openvino", "OpenVINO")
    assert '"CPU"' in present.route_steps(_bridge(hardware="intel_cpu"), PT, ov)[-1]
    assert '"AUTO"' in present.route_steps(_bridge(), PT, ov)[-1]


def test_both_mobile_platforms_get_their_own_language():
    steps = present.route_steps(_bridge(language="kotlin", os=("android", "ios")), PT, ORT)
    assert "Kotlin" in steps[-2] and steps[-1].startswith("The iOS app calls ONNX Runtime from Swift: ")
    assert "onnxruntime-objc" in steps[-1]
    steps = present.route_steps(_bridge(language="swift", os=("android", "ios")), PT, ORT)
    assert steps[-1].startswith("The Android app calls ONNX Runtime from Kotlin: ")
    assert not present.route_steps(_bridge(language="cpp", os=("android", "ios")), PT, ORT)[-1].startswith("The ")


def test_llm_servers_get_their_launch_command():
    b = _bridge(format="native", kind="native", exporter="Hugging Face checkpoint (save_pretrained, safetensors)",
                importer="vLLM", language="go")
    steps = present.route_steps(b, PT, _S("vllm", "vLLM"))
    assert "save_pretrained" in steps[0] and "vllm serve" in steps[1] and "`go`" in steps[1]


def test_the_steps_opset_is_the_one_verify_exports():
    from advisor.verify_paths import opset

    entry = present.export_entry("torch.onnx")
    assert opset("torch.onnx") == entry["opset"] and f"opset_version={entry['opset']}" in entry["step"]
