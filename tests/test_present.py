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

    fields = dict(prototype="P", runtime="R", exporter="E", importer="I", language="L", opset=17,
                  prototype_id="p", runtime_id="r")
    data = _steps()
    texts = [e["step"] for e in data["export"]] + [data["check"], data["verify"]]
    texts += [t for loaders in data["load"].values() for t in loaders.values()] + list(data["native"].values())
    texts += [e["step"] for e in data["native_export"]]
    for t in texts:
        out = t.format(**fields)  # a stray brace would raise here
        assert "{prototype" not in out and "{runtime" not in out


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



