"""frameworks / runtimes / scores / questions as tables for people and JSON for machines."""

from __future__ import annotations

import json

import pytest

from advisor import knowledge as kb


@pytest.fixture(autouse=True)
def _fresh():
    kb._load.cache_clear()


def test_frameworks_json_at_two_dates(cli, mini_kb):
    then = {f["id"]: f for f in json.loads(cli("frameworks", "--as-of", "2018-06", "--format", "json").out)}
    now = {f["id"]: f for f in json.loads(cli("frameworks", "--as-of", "2026-11-01", "--format", "json").out)}
    assert set(then) == {"alpha", "beta"}  # gamma is not released yet
    assert set(now) == {"alpha", "beta", "gamma"}
    assert then["beta"]["status"] == "active" and now["beta"]["status"] == "discontinued"
    for f in now.values():
        assert {"id", "name", "status", "sources"} <= set(f)
        assert f["sources"] and all({"id", "ref", "date"} <= set(s) for s in f["sources"])
    assert now["alpha"]["onnx_export"] == "builtin" and now["alpha"]["onnx_export_tool"] == "torch.onnx"


def test_frameworks_table_is_aligned(cli, mini_kb):
    out = cli("frameworks", "--as-of", "2026-11").out.splitlines()
    header, rule = out[2], out[3]
    assert header.startswith("ID") and "STATUS" in header
    assert set(rule.replace(" ", "")) == {"-"}
    status_col = header.index("STATUS")
    rows = out[4:out.index("", 4)]
    assert len(rows) == 3 and all(line[status_col - 2:status_col] == "  " for line in rows)
    assert "--format json" in out[-1]


def test_runtimes_json(cli, mini_kb):
    rts = {r["id"]: r for r in json.loads(cli("runtimes", "--format", "json").out)}
    assert rts["rt-one"]["imports_onnx"] is True and rts["rt-web"]["imports_onnx"] is False
    assert rts["rt-web"]["targets"] == ["browser"] and rts["rt-web"]["languages"] == ["javascript"]
    for r in rts.values():
        assert {"id", "name", "status", "targets", "languages", "imports_onnx", "sources"} <= set(r)


def test_bad_date_on_list_commands(cli, mini_kb):
    for cmd in ("frameworks", "runtimes", "scores"):
        r = cli(cmd, "--as-of", "June 2018")
        assert r.code == 2 and "YYYY-MM" in r.err and r.err.count("\n") == 1


def test_real_knowledge_frameworks_and_runtimes_cover_the_required_ids(cli):
    fw = {f["id"]: f for f in json.loads(cli("frameworks", "--format", "json").out)}
    assert {"bigdl", "caffe", "caffe2", "chainer", "cntk", "dl4j", "mxnet", "neon", "paddlepaddle", "pytorch",
            "tensorflow", "torch", "theano", "keras", "jax"} <= set(fw)
    rt = {r["id"]: r for r in json.loads(cli("runtimes", "--format", "json").out)}
    assert {"onnxruntime", "tensorrt", "openvino", "tflite", "coreml", "executorch", "tfjs", "tvm", "triton",
            "tf-serving", "torchserve", "djl", "ncnn", "mnn"} <= set(rt)
    assert fw["theano"]["status"] == "discontinued" and fw["pytorch"]["status"] == "active"
    assert fw["mxnet"]["status"] == "discontinued"
    assert rt["torchserve"]["status"] == "discontinued"
    assert rt["onnxruntime"]["imports_onnx"] and not rt["tflite"]["imports_onnx"]
    in_2018 = {f["id"] for f in json.loads(cli("frameworks", "--as-of", "2018-06", "--format", "json").out)}
    assert "jax" not in in_2018 and "mindspore" not in in_2018 and "pytorch" in in_2018
    rt_2018 = {r["id"] for r in json.loads(cli("runtimes", "--as-of", "2018-06", "--format", "json").out)}
    assert "executorch" not in rt_2018 and "onnxruntime" not in rt_2018 and "tensorrt" in rt_2018
