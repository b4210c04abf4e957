"""`advisor verify`: the real PyTorch and scikit-learn bridges, the missing-package line, bad ids,
the JSON fields, the tolerance, and the exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

import advisor
from advisor import verify
from advisor.errors import BadInput, MissingDependency
from advisor.verify_paths import RUNTIMES, importable

INSTALLED = os.environ.get("ADVISOR_TEST_INSTALLED") == "1"
FIELDS = {"ok", "prototype", "runtime", "opset", "max_abs_diff", "tolerance", "export_s", "infer_s",
          "versions", "steps", "message"}


def need(module: str) -> None:
    """Skip in a dev environment without `module`; under ./scripts/test (which installs torch==2.13.0
    and .[test,verify]) a missing one is a failure, never a skip."""
    if not importable(module):
        if INSTALLED:
            pytest.fail(f"{module} must be installed for the installed-package test run")
        pytest.skip(f"{module} is not installed here (./scripts/test installs it)")


@pytest.fixture(scope="module")
def torch_run(tmp_path_factory):
    need("torch")
    keep = tmp_path_factory.mktemp("keep")
    return verify.verify_pair("pytorch", "onnxruntime", seed=0, keep=keep).to_json(), keep


@pytest.fixture(scope="module")
def sklearn_run():
    need("skl2onnx")
    return verify.verify_pair("sklearn", "onnxruntime", seed=0).to_json()


# --- the real bridges ----------------------------------------------------------------------------

def test_pytorch_to_onnxruntime_really_runs(torch_run):
    r, keep = torch_run
    assert FIELDS <= set(r)
    assert r["ok"] is True, r["message"]
    assert (r["prototype"], r["runtime"], r["bridge"]) == ("pytorch", "onnxruntime", "onnx")
    assert 0 <= r["max_abs_diff"] <= verify.ATOL
    assert r["tolerance"] == {"atol": 1e-4, "rtol": 1e-4}
    assert {"torch", "onnx", "onnxruntime", "numpy", "python"} <= set(r["versions"])
    assert r["exporter"].startswith("torch.onnx.export")
    assert isinstance(r["export_s"], float) and isinstance(r["infer_s"], float)  # figures, not asserted on
    assert r["failed_at"] is None
    text = " ".join(r["steps"])
    for word in ("BatchNorm2d", "Linear", "model.eval()", "onnx.checker", "ONNX Runtime", "max abs diff"):
        assert word in text


def test_reported_opset_is_the_files_own(torch_run):
    import onnx

    r, keep = torch_run
    kept = Path(r["kept"])
    assert kept == keep / "pytorch-onnxruntime.onnx" and kept.is_file()
    model = onnx.load(str(kept))
    onnx.checker.check_model(model, full_check=True)
    default = [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")]
    assert r["opset"] == default[0] and r["opset"] >= 13
    ops = {n.op_type for n in model.graph.node}
    assert {"Conv", "Gemm"} & ops or {"Conv", "MatMul"} & ops  # a real CNN went through, not a stub


def test_pytorch_without_onnxscript_falls_back_to_the_torchscript_exporter(monkeypatch):
    need("torch")
    import torch

    monkeypatch.setitem(sys.modules, "onnxscript", None)
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    r = verify.verify_pair("pytorch", "onnxruntime", seed=7).to_json()
    assert r["ok"] is True, r["message"]
    assert "dynamo=False" in r["exporter"]
    assert any("onnxscript" in n for n in r["notes"])
    assert any("dynamo=False" in s for s in r["steps"])
    assert torch.equal(torch.rand(3), expected)  # the model was seeded without touching the caller's RNG


def test_sklearn_to_onnxruntime_really_runs(sklearn_run):
    r = sklearn_run
    assert FIELDS <= set(r)
    assert r["ok"] is True, r["message"]
    assert r["prototype"] == "sklearn" and r["opset"] >= 9
    assert r["opsets"]["ai.onnx.ml"] >= 1
    assert r["max_abs_diff"] <= verify.ATOL
    assert {"scikit-learn", "skl2onnx", "onnx", "onnxruntime"} <= set(r["versions"])
    assert "torch" not in r["versions"]


def test_same_seed_same_figures_other_seed_other_model(sklearn_run):
    again = verify.verify_pair("sklearn", "onnxruntime", seed=0).to_json()
    timing = {"export_s", "load_s", "infer_s", "steps"}
    assert {k: v for k, v in again.items() if k not in timing} == {k: v for k, v in sklearn_run.items() if k not in timing}
    other = verify.verify_pair("sklearn", "onnxruntime", seed=1).to_json()
    assert other["ok"] and other["max_reference"] != sklearn_run["max_reference"]


# --- the tolerance -------------------------------------------------------------------------------

def _shifted_runtime(monkeypatch, offset: float):
    real = RUNTIMES["onnxruntime"]

    def run(path, feed):
        outputs, load_s, infer_s, device = real.run(path, feed)
        return [o + offset if o.dtype.kind == "f" else o for o in outputs], load_s, infer_s, device

    monkeypatch.setitem(RUNTIMES, "onnxruntime", type(real)(real.id, real.name, real.requires, run))


def test_a_real_numerical_difference_fails_and_exits_1(cli, monkeypatch):
    need("skl2onnx")
    _shifted_runtime(monkeypatch, 1e-3)  # ten times the tolerance: what a broken bridge looks like
    r = verify.verify_pair("sklearn", "onnxruntime").to_json()
    assert r["ok"] is False and r["failed_at"] == "compare"
    assert r["max_abs_diff"] == pytest.approx(1e-3, rel=1e-2)
    res = cli("verify", "--prototype", "sklearn")
    assert res.code == 1
    assert "FAILED" in res.out and "changes the numbers" in res.out


def test_float32_rounding_noise_is_within_tolerance(monkeypatch):
    need("skl2onnx")
    _shifted_runtime(monkeypatch, 1e-6)  # ~10 float32 ulps at 1.0: rounding, not a fault
    assert verify.verify_pair("sklearn", "onnxruntime").to_json()["ok"] is True


def test_an_exporter_that_fails_is_a_failed_check_not_a_crash(cli, monkeypatch):
    need("torch")
    import torch

    def refuse(*args, **kwargs):
        raise RuntimeError("Unsupported: aten::frobnicate" if kwargs.get("dynamo") else "no symbolic for frobnicate")

    monkeypatch.setattr(torch.onnx, "export", refuse)
    r = verify.verify_pair("pytorch", "onnxruntime").to_json()
    assert r["ok"] is False and r["failed_at"] == "export" and r["opset"] is None
    assert "no symbolic for frobnicate" in r["message"]
    assert any("dynamo exporter failed" in n and "frobnicate" in n for n in r["notes"])
    json.dumps(r, allow_nan=False)
    res = cli("verify", "--prototype", "pytorch", "--format", "json")
    assert res.code == 1 and json.loads(res.out)["failed_at"] == "export" and "Traceback" not in res.err


def test_a_runtime_that_cannot_load_the_model_is_a_failed_check(monkeypatch):
    need("skl2onnx")
    real = RUNTIMES["onnxruntime"]

    def broken(path, feed):
        raise RuntimeError("[ONNXRuntimeError] : 10 : INVALID_GRAPH : opset 99 not supported")

    monkeypatch.setitem(RUNTIMES, "onnxruntime", type(real)(real.id, real.name, real.requires, broken))
    r = verify.verify_pair("sklearn", "onnxruntime").to_json()
    assert r["ok"] is False and r["failed_at"] == "run"
    assert "INVALID_GRAPH" in r["message"] and r["opset"] is not None


# --- missing packages ----------------------------------------------------------------------------

def test_missing_runtime_says_what_to_pip_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with pytest.raises(MissingDependency) as err:
        verify.verify_pair("sklearn", "onnxruntime").to_json()
    msg = str(err.value)
    assert re.search(r"needs [^:]*onnxruntime, not installed here: pip install \"dl-advisor\[verify\]\" "
                     r"\(or just the missing: pip install [^)]*\bonnxruntime\b", msg), msg
    assert "\n" not in msg and err.value.exit_code == 3


def test_missing_framework_names_it_and_never_offers_it_in_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(MissingDependency) as err:
        verify.verify_pair("pytorch", "onnxruntime").to_json()
    msg = str(err.value)
    assert 'not installed here: pip install "dl-advisor[verify]" torch (or just the missing: pip install torch onnx)' in msg
    assert msg.endswith("--index-url https://download.pytorch.org/whl/cpu")  # torch's build is the user's own choice


def test_missing_package_on_the_command_line_is_one_line_exit_3(cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorflow", None)
    monkeypatch.setitem(sys.modules, "tf2onnx", None)
    res = cli("verify", "--prototype", "tensorflow", "--format", "json")
    assert res.code == 3
    assert res.out == ""
    assert res.err.strip().splitlines() == [res.err.strip()]
    assert res.err.startswith("advisor: ") and 'pip install "dl-advisor[verify-tensorflow]"' in res.err
    assert "pip install tensorflow tf2onnx" in res.err
    assert "Traceback" not in res.err


def test_an_import_error_without_a_module_name_is_read_for_what_to_install():
    keras_style = ImportError("This requires the tf2onnx module. You can install it via `pip install tf2onnx`")
    assert verify._pip_name(keras_style, "keras") == "tf2onnx"
    assert verify._pip_name(ImportError("paddle2onnx could not be found"), "paddlepaddle") == "paddle2onnx"
    assert verify._pip_name(ModuleNotFoundError("x", name="sklearn.linear_model"), "?") == "scikit-learn"
    assert verify._pip_name(ImportError("something odd"), "keras") == "keras"


@pytest.mark.parametrize("prototype, module", [("tensorflow", "tf2onnx"), ("keras", "keras"),
                                               ("paddlepaddle", "paddle2onnx"), ("jax", "jax2onnx")])
def test_other_frameworks_run_when_installed_or_say_what_to_install(prototype, module):
    path = verify.PATHS[prototype]
    if all(importable(m) for m, _ in path.requires):
        r = verify.verify_pair(prototype, "onnxruntime").to_json()
        assert r["ok"] is True, r["message"]
        assert r["max_abs_diff"] <= verify.ATOL
    else:
        with pytest.raises(MissingDependency, match=r"pip install [a-z0-9 -]+"):
            verify.verify_pair(prototype, "onnxruntime").to_json()


def test_openvino_runs_when_installed_or_says_what_to_install():
    need("skl2onnx")
    if importable("openvino"):
        assert verify.verify_pair("sklearn", "openvino").to_json()["ok"] is True
    else:
        with pytest.raises(MissingDependency, match="pip install openvino"):
            verify.verify_pair("sklearn", "openvino").to_json()


# --- bad input and the recommended pair ----------------------------------------------------------

@pytest.mark.parametrize("proto, runtime, named", [("scikit-learn", "onnxruntime", "prototype 'scikit-learn'"),
                                                   ("pytorch", "tensorrt", "runtime 'tensorrt'"),
                                                   ("theano", "onnxruntime", "prototype 'theano'")])
def test_unsupported_ids_name_the_supported_ones(cli, proto, runtime, named):
    with pytest.raises(BadInput) as err:
        verify.verify_pair(proto, runtime).to_json()
    assert named in str(err.value)
    for supported in ("pytorch", "sklearn", "tensorflow", "keras", "paddlepaddle", "jax", "onnxruntime", "openvino"):
        assert supported in str(err.value)
    res = cli("verify", "--prototype", proto, "--runtime", runtime)
    assert res.code == 2 and named in res.err and "Traceback" not in res.err


def test_keep_needs_an_existing_folder(cli, tmp_path):
    res = cli("verify", "--prototype", "sklearn", "--keep", tmp_path / "nope")
    assert res.code == 2 and "--keep" in res.err and "nope" in res.err


def _fake_recommendation(monkeypatch, proto, runtime, kind="onnx"):
    rec = {"prototype": {"id": proto, "name": proto.title()}, "deployment": {"id": runtime, "name": runtime.title()},
           "bridge": {"kind": kind, "exporter": "coremltools" if kind == "native" else "torch.onnx",
                      "importer": "Core ML" if kind == "native" else "ONNX Runtime"}}
    from advisor.context import Context

    import advisor.present

    monkeypatch.setattr(Context, "recommend_args", lambda self, args: SimpleNamespace())
    monkeypatch.setattr(advisor.present, "recommendation_json", lambda r: rec)


def _capture_pair(monkeypatch) -> list:
    calls: list = []

    def fake(prototype, runtime, *, seed=0, keep=None):
        calls.append((prototype, runtime, seed))
        import dataclasses

        return verify.Result(**{**{f.name: None for f in dataclasses.fields(verify.Result)}, "ok": True, "steps": [], "notes": [], "versions": {},
                                "opsets": {}, "tolerance": {}, "prototype_name": prototype, "runtime_name": runtime,
                                "opset": 20, "max_abs_diff": 0.0, "message": ""})

    monkeypatch.setattr(verify, "verify_pair", fake)
    return calls


def test_no_ids_verifies_the_recommended_pair(cli, monkeypatch):
    _fake_recommendation(monkeypatch, "pytorch", "onnxruntime")
    calls = _capture_pair(monkeypatch)
    res = cli("verify", "--seed", "5", "--format", "json")
    assert res.code == 0 and calls == [("pytorch", "onnxruntime", 5)]


def test_prototype_alone_goes_to_onnxruntime(cli, monkeypatch):
    calls = _capture_pair(monkeypatch)
    assert cli("verify", "--prototype", "jax").code == 0
    assert calls == [("jax", "onnxruntime", 0)]


def test_a_native_recommended_bridge_is_refused_with_the_pairs_it_can_check(cli, monkeypatch):
    _fake_recommendation(monkeypatch, "pytorch", "coreml", kind="native")
    calls = _capture_pair(monkeypatch)
    res = cli("verify")
    assert res.code == 2 and calls == []
    assert "coremltools" in res.err and "not one verify can check" in res.err
    assert "advisor verify --prototype pytorch --runtime onnxruntime" in res.err


def test_an_unverifiable_recommendation_from_the_knowledge(cli, mini_kb):
    res = cli("verify")  # the mini knowledge recommends Alpha -> RuntimeOne: fictional, not checkable
    assert res.code == 2
    assert "Alpha -> RuntimeOne" in res.err and "onnxruntime" in res.err


# --- the faces -----------------------------------------------------------------------------------

def test_cli_json_and_text(cli, sklearn_run):
    res = cli("verify", "--prototype", "sklearn", "--runtime", "onnxruntime", "--format", "json")
    assert res.code == 0
    data = json.loads(res.out)
    assert FIELDS <= set(data) and data["ok"] is True and data["opset"] == sklearn_run["opset"]
    json.dumps(data, allow_nan=False)  # strict JSON: no NaN or Infinity anywhere
    res = cli("verify", "--prototype", "sklearn")
    assert res.code == 0
    assert res.out.startswith("Verify scikit-learn -> ONNX (opset ")
    assert "What was done:" in res.out and "What it means:" in res.out and "does not prove" in res.out


def test_installed_command_prints_clean_json(run_advisor):
    need("torch")
    res = run_advisor("verify", "--prototype", "pytorch", "--format", "json", timeout=300)
    assert res.code == 0, res.err
    data = json.loads(res.out)  # the exporter's progress lines must not reach stdout
    assert data["ok"] is True and data["versions"]["torch"].startswith("2.")
    assert "Traceback" not in res.err


def test_importing_verify_imports_no_framework(tmp_path):
    root = Path(advisor.__file__).parent.parent
    code = ("import sys, advisor.verify, advisor.cli; "
            "print(sorted(m for m in ('torch', 'onnx', 'onnxruntime', 'sklearn', 'numpy', 'tensorflow') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(root)}, check=True).stdout
    assert out.strip() == "[]"


def _extras():
    """The installed package's extras: name -> the packages it brings (skipped outside an install)."""
    from importlib import metadata

    try:
        requires = metadata.requires("dl-advisor") or []
    except metadata.PackageNotFoundError:
        if INSTALLED:
            raise
        pytest.skip("dl-advisor is not installed here (./scripts/test installs it)")
    names = metadata.metadata("dl-advisor").get_all("Provides-Extra") or []
    return {n: {re.split(r"[<>=!~ ;\[]", r)[0].lower() for r in requires if f'extra == "{n}"' in r} for n in names}


def test_the_verify_extra_is_what_the_missing_package_line_promises():
    extra = _extras()["verify"]
    assert extra == set(verify.VERIFY_EXTRA)
    assert "torch" not in extra  # the user's own framework install is theirs


def test_each_pair_extra_in_the_installed_metadata_is_what_the_missing_line_names():
    extras = _extras()
    for fid, (name, packages) in verify.PAIR_EXTRAS.items():
        assert extras[name] == set(verify.VERIFY_EXTRA) | set(packages), name
    assert {"keras", "tensorflow", "tf2onnx"} <= extras["verify-keras"]  # a backend and an exporter, not keras alone
    assert all("torch" not in packages for packages in extras.values())


@pytest.mark.parametrize("prototype, runtime, line", [
    ("keras", "onnxruntime", 'pip install "dl-advisor[verify-keras]"'),
    ("pytorch", "onnxruntime", 'pip install "dl-advisor[verify]" torch'),
    ("sklearn", "onnxruntime", 'pip install "dl-advisor[verify]"'),
    ("jax", "openvino", 'pip install "dl-advisor[verify-jax,verify-openvino]"'),
    ("paddlepaddle", "onnxruntime", 'pip install "dl-advisor[verify-paddle]"'),
])
def test_the_install_line_names_the_pairs_extra(prototype, runtime, line):
    assert verify.install_line(prototype, runtime) == line


def test_a_missing_keras_names_the_extra_with_its_backend_and_exporter(monkeypatch):
    monkeypatch.setitem(sys.modules, "keras", None)
    with pytest.raises(MissingDependency) as err:
        verify.verify_pair("keras", "onnxruntime").to_json()
    msg = str(err.value)
    assert 'needs keras, not installed here: pip install "dl-advisor[verify-keras]"' in msg and "\n" not in msg
