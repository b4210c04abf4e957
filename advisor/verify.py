"""`advisor verify`: prove the bridge on this machine, now, with the versions installed.

Build a small seeded model in the prototyping framework, export it to ONNX, validate the file
with `onnx.checker`, run it in the deployment runtime and in the framework on the same seeded
input, and compare. `verify_pair()` is the API (the report calls it); `run()` is the CLI face.

Frameworks and runtimes are imported only when their path runs (see verify_paths.py); none of
them is a dependency of the base install. `pip install "dl-advisor[verify]"` adds onnx,
onnxruntime, onnxscript and skl2onnx; the framework itself (torch, tensorflow, ...) is the user's.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from advisor.errors import BadInput, ExitCode, MissingDependency
from advisor.verify_paths import PATHS, PIP_NAMES, RUNTIMES, ExportFailed, quiet

# Tolerance, per element: |runtime - framework| <= ATOL + RTOL * |framework|.
# Both sides compute in float32 (scikit-learn in float64 against ONNX's float32). float32's
# machine epsilon is 1.19e-7; a dot product of n terms may drift by up to about n * eps * sum|terms|
# when the summation order changes, and it does change: ONNX Runtime folds batch norm into the
# convolution, fuses and tiles the GEMMs. The largest reduction here has 256 terms over values of
# order 1, so a few layers of it stay below ~3e-5 in the worst case; observed differences are
# ~3e-7. 1e-4 absolute plus 1e-4 relative leaves that margin several-fold, while every real fault
# a bridge can introduce (batch norm in training mode, NCHW/NHWC mix-up, a dropped bias, a wrong
# opset translation) moves the outputs by 1e-2 or more.
ATOL = 1e-4
RTOL = 1e-4
TOLERANCE = {"atol": ATOL, "rtol": RTOL}

# What `pip install "dl-advisor[verify]"` brings (keep in step with pyproject.toml; a test checks it).
VERIFY_EXTRA = ("onnx", "onnxruntime", "onnxscript", "skl2onnx")
# Per framework and runtime, an extra with what checking it needs besides [verify]: Keras needs a backend
# and an exporter (TensorFlow and tf2onnx), not keras alone. torch has none: its build (CPU or CUDA) is the
# person's own choice, and an unpinned torch pulls the CUDA wheels.
PAIR_EXTRAS = {
    "keras": ("verify-keras", ("keras", "tensorflow", "tf2onnx")),
    "tensorflow": ("verify-tensorflow", ("tensorflow", "tf2onnx")),
    "jax": ("verify-jax", ("jax", "jax2onnx")),
    "paddlepaddle": ("verify-paddle", ("paddlepaddle", "paddle2onnx")),
    "openvino": ("verify-openvino", ("openvino",)),
}
TORCH_BUILDS = "torch: the build for this machine, e.g. CPU-only: --index-url https://download.pytorch.org/whl/cpu"


def install_line(prototype_id: str, runtime_id: str) -> str:
    """The exact install that lets `advisor verify` check this pair."""
    extras = [PAIR_EXTRAS[i][0] for i in (prototype_id, runtime_id) if i in PAIR_EXTRAS] or ["verify"]
    line = f'pip install "dl-advisor[{",".join(extras)}]"'
    return line + (" torch" if prototype_id == "pytorch" else "")


def supported() -> str:
    return (f"prototypes {', '.join(sorted(PATHS))}; runtimes {', '.join(sorted(RUNTIMES))}")


def _lookup(prototype_id: str, runtime_id: str):
    path = PATHS.get(prototype_id)
    runtime = RUNTIMES.get(runtime_id)
    if path is None:
        raise BadInput(f"verify cannot check prototype '{prototype_id}': it checks {supported()}")
    if runtime is None:
        raise BadInput(f"verify cannot check runtime '{runtime_id}': it checks {supported()}")
    return path, runtime


def _missing_message(path, runtime, missing: list[str]) -> str:
    """One line: what is missing, the exact install for the pair (its extra), and the bare packages."""
    missing = list(dict.fromkeys(missing))
    line = (f"verifying {path.name} -> ONNX -> {runtime.name} needs {', '.join(missing)}, not installed here: "
            f"{install_line(path.id, runtime.id)}")
    covered = set(VERIFY_EXTRA) | {p for i in (path.id, runtime.id) for p in PAIR_EXTRAS.get(i, ("", ()))[1]}
    if path.id == "pytorch":
        covered.add("torch")
    if set(missing) <= covered:
        line += f" (or just the missing: pip install {' '.join(missing)})"
    else:  # something the extras do not bring (a module an exporter imports deep inside)
        line += f" and pip install {' '.join(m for m in missing if m not in covered)}"
    if "torch" in missing:
        line += f"; {TORCH_BUILDS}"
    return line


def _pip_name(exc: ImportError, fallback: str) -> str:
    """What to pip install for an ImportError: its module name, else what its message names
    (Keras raises ImportError("This requires the tf2onnx module ... `pip install tf2onnx`"))."""
    import re

    name = (getattr(exc, "name", None) or "").split(".")[0]
    if name:
        return PIP_NAMES.get(name, name)
    said = re.search(r"pip install ([A-Za-z0-9_.\-]+)", str(exc))
    if said:
        return said.group(1)
    named = [pip for module, pip in PIP_NAMES.items() if re.search(rf"\b{re.escape(module)}\b", str(exc))]
    return named[0] if named else fallback


def _require(path, runtime) -> None:
    """Import what the pair needs; one line saying what to pip install when something is missing."""
    missing: list[str] = []
    for module, pip in path.requires + runtime.requires:
        try:
            with quiet():  # some frameworks warn on import (paddle about ccache, TensorFlow about CPU flags)
                importlib.import_module(module)
        except ModuleNotFoundError as exc:
            missing.append(_pip_name(exc, pip))
        except ImportError as exc:  # installed but broken: still one line, no traceback
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise MissingDependency(f"{pip} is installed but cannot be imported ({first[:200]}); "
                                    f"reinstall it: pip install --force-reinstall {pip}") from None
    if missing:
        raise MissingDependency(_missing_message(path, runtime, missing))


def _version(dist: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _versions(path, runtime) -> dict:
    """Installed versions, keyed by what one would pip install (module __version__ when the
    distribution has another name, e.g. tensorflow-cpu)."""
    import sys

    pairs = [("numpy", "numpy"), ("onnx", "onnx"), *path.requires, *runtime.requires]
    if path.id == "pytorch":
        pairs.append(("onnxscript", "onnxscript"))
    found: dict[str, str] = {}
    for module, pip in pairs:
        version = _version(pip) or getattr(sys.modules.get(module), "__version__", None)
        if version:
            found[pip] = str(version)
    return {"python": platform.python_version(), **dict(sorted(found.items()))}


def _opsets(model) -> dict[str, int]:
    return {(o.domain or "ai.onnx"): int(o.version) for o in model.opset_import}


@dataclass(frozen=True)
class Result:
    """What verify did and found; `to_json()` gives the documented keys in this order."""

    ok: bool
    prototype: str
    prototype_name: str
    runtime: str
    runtime_name: str
    bridge: str
    exporter: str | None
    model: str | None
    seed: int
    opset: int | None
    opsets: dict
    max_abs_diff: float | None
    max_reference: float | None
    tolerance: dict
    export_s: float | None
    load_s: float | None
    infer_s: float | None
    device: str | None
    versions: dict
    steps: list
    notes: list
    failed_at: str | None
    kept: str | None
    message: str

    def to_json(self) -> dict:
        return asdict(self)


def _fail(result: dict, stage: str, message: str) -> Result:
    result["ok"] = False
    result["failed_at"] = stage
    result["message"] = message
    result["steps"].append(f"FAILED at {stage}: {message}")
    return Result(**result)


def _short(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0][:300]}" if lines else type(exc).__name__


def verify_pair(prototype_id: str, runtime_id: str, *, seed: int = 0, keep: str | Path | None = None) -> Result:
    """Export a small seeded model from the prototype framework to ONNX, run it in the runtime, compare.

    Returns a Result (ok, prototype, runtime, opset, max_abs_diff, tolerance, export_s,
    infer_s, versions, steps, message, ...). A failing export, check, load or comparison is a
    result with ok False (and `failed_at`), not an exception. Raises BadInput for a pair it cannot
    check and MissingDependency (saying what to pip install) when a package is not installed.
    `keep`: a folder to copy the exported model into, as PROTOTYPE-RUNTIME.onnx.
    """
    path, runtime = _lookup(prototype_id, runtime_id)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ info lines on stderr; set before it loads
    if keep is not None and not Path(keep).expanduser().is_dir():
        from advisor.safe_text import show

        exists = os.path.lexists(Path(keep).expanduser())
        raise BadInput(f"--keep {show(keep, 160)}: " + ("is a file, not a folder; give a folder (the file is kept as "
                       "PROTOTYPE-RUNTIME.onnx inside it)" if exists else "no such folder; create it or choose another"))
    _require(path, runtime)
    import numpy as np
    import onnx

    result: dict = {
        "ok": False,
        "prototype": path.id,
        "prototype_name": path.name,
        "runtime": runtime.id,
        "runtime_name": runtime.name,
        "bridge": "onnx",
        "exporter": None,
        "model": None,
        "seed": seed,
        "opset": None,
        "opsets": {},
        "max_abs_diff": None,
        "max_reference": None,
        "tolerance": dict(TOLERANCE),
        "export_s": None,
        "load_s": None,
        "infer_s": None,
        "device": None,
        "versions": _versions(path, runtime),
        "steps": [],
        "notes": [],
        "failed_at": None,
        "kept": None,
        "message": "",
    }
    steps = result["steps"]
    with tempfile.TemporaryDirectory(prefix="advisor-verify-") as tmp:
        try:
            exported = path.export(Path(tmp), seed)
        except ImportError as exc:  # an exporter's own optional dependency (e.g. tf2onnx under Keras)
            raise MissingDependency(_missing_message(path, runtime, [_pip_name(exc, path.requires[0][1])])) from None
        except Exception as exc:  # noqa: BLE001 - the exporter failing here is the finding
            result["notes"] = list(getattr(exc, "notes", []))
            result["steps"].extend(f"note: {n}" for n in result["notes"])
            message = str(exc) if isinstance(exc, ExportFailed) else _short(exc)
            return _fail(result, "export", f"{path.name} could not export the model to ONNX: {message}")
        result.update(exporter=exported.exporter, model=exported.model, export_s=round(exported.export_s, 4))
        result["notes"] = list(exported.notes)
        steps.extend(exported.steps)
        steps.extend(f"note: {n}" for n in exported.notes)

        try:
            model = onnx.load(str(exported.path))
            onnx.checker.check_model(model, full_check=True)
        except Exception as exc:  # noqa: BLE001
            return _fail(result, "check", f"the exported file is not valid ONNX: {_short(exc)}")
        opsets = _opsets(model)
        result["opsets"] = opsets
        result["opset"] = opsets.get("ai.onnx")
        others = ", ".join(f"{d} {v}" for d, v in opsets.items() if d != "ai.onnx")
        steps.append(f"validated the file with onnx.checker.check_model(full_check=True) (onnx {onnx.__version__}): "
                     f"IR version {model.ir_version}, opset {result['opset']}{f' (and {others})' if others else ''}, "
                     f"{len(model.graph.node)} nodes")

        try:
            with quiet():
                outputs, load_s, infer_s, device = runtime.run(exported.path, exported.feed)
        except ImportError as exc:
            raise MissingDependency(_missing_message(path, runtime, [_pip_name(exc, runtime.requires[0][1])])) from None
        except Exception as exc:  # noqa: BLE001
            return _fail(result, "run", f"{runtime.name} could not load or run the exported model: {_short(exc)}")
        result.update(load_s=round(load_s, 4), infer_s=round(infer_s, 4), device=device)
        steps.append(f"loaded it in {runtime.name} {result['versions'].get(runtime.requires[0][1], '')} ({device}) "
                     f"in {load_s:.3f} s and ran it on the same input in {infer_s:.4f} s")

        got = np.asarray(outputs[exported.output], dtype=np.float64)
        ref = np.asarray(exported.reference, dtype=np.float64)
        if got.shape != ref.shape:
            return _fail(result, "compare", f"{runtime.name} returned shape {got.shape}, {path.name} {ref.shape}")
        diff = np.abs(got - ref)
        if not np.isfinite(got).all():
            return _fail(result, "compare", f"{runtime.name} returned NaN or infinite values where {path.name} did not")
        max_abs = float(diff.max())
        within = diff <= ATOL + RTOL * np.abs(ref)
        result["max_abs_diff"] = max_abs
        result["max_reference"] = float(np.abs(ref).max())
        result["ok"] = bool(within.all())
        shape = "x".join(map(str, ref.shape))
        steps.append(f"compared the two outputs ({shape}, largest |value| {result['max_reference']:.3g}): "
                     f"max abs diff {max_abs:.3g}; tolerance per element |diff| <= {ATOL:g} + {RTOL:g} * |{path.name} value|: "
                     + ("all within" if result["ok"] else f"{int((~within).sum())} of {within.size} outside"))

        if keep is not None:
            from advisor.files import write_output

            # the loaded model, not the file: an exporter may have put the weights beside it
            # (torch's dynamo exporter writes model.onnx.data); onnx.load took them in, so this is one file
            target = write_output(Path(keep).expanduser() / f"{path.id}-{runtime.id}.onnx", model.SerializeToString())
            result["kept"] = str(target)
            steps.append(f"kept the ONNX file as {target}")

    if result["ok"]:
        result["message"] = (f"{path.name} -> ONNX (opset {result['opset']}) -> {runtime.name} works here: "
                             f"same outputs up to float32 rounding (max abs diff {max_abs:.2g}).")
    else:
        result["failed_at"] = "compare"
        result["message"] = (f"{path.name} -> ONNX -> {runtime.name} runs but changes the numbers: max abs diff "
                             f"{max_abs:.3g} exceeds {ATOL:g} + {RTOL:g} * |value|.")
    return Result(**result)


def render_text(result: Result) -> str:
    r = result.to_json()
    """What was done and what it means, for a person."""
    import textwrap

    def para(text: str, first: str = "  ", rest: str = "  ") -> list[str]:
        return textwrap.wrap(text, 96, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False)

    head = f"{r['prototype_name']} -> ONNX" + (f" (opset {r['opset']})" if r["opset"] else "") + f" -> {r['runtime_name']}"
    lines = [f"Verify {head}: {'OK' if r['ok'] else 'FAILED'}", "", "What was done:"]
    for i, step in enumerate(r["steps"], 1):
        lines += para(step, f"  {i}. ", "     ")
    versions = ", ".join(f"{k} {v}" for k, v in r["versions"].items())
    lines += ["", "What it means:"]
    if r["ok"]:
        lines += para(
            f"The bridge works on this machine with these versions ({versions}): a model made of these "
            f"parts exports from {r['prototype_name']}, passes the ONNX checker, loads in {r['runtime_name']} and "
            f"gives {r['prototype_name']}'s numbers up to float32 rounding (max abs diff {r['max_abs_diff']:.2g}; "
            f"allowed {ATOL:g} + {RTOL:g} * |value|). It does not prove that your own model exports: operators "
            "this small model does not use may not. Run the same steps on your model before you commit "
            "(--keep DIR keeps this ONNX file to compare with)."
        )
    else:
        lines += para(
            f"{r['message'].rstrip('.')}. With these versions ({versions}) the bridge does not hold as checked. Try the "
            "versions the exporter and runtime document as tested together, another opset, or the "
            "recommendation's alternative route; `--format json` gives the figures for a bug report."
        )
    return "\n".join(lines) + "\n"


def _pair_from_recommendation(args: argparse.Namespace, ctx) -> tuple[str, str]:
    from advisor.present import recommendation_json

    rec = recommendation_json(ctx.recommend_args(args))
    if rec["prototype"] is None:
        raise BadInput("nothing to verify: no pair meets these answers (`advisor recommend` says which need to relax); "
                       "or name one: --prototype ID --runtime ID")
    p, d, bridge = rec["prototype"], rec["deployment"], rec["bridge"]
    proto = args.prototype or p["id"]
    runtime = args.runtime or d["id"]
    recommended_route = args.prototype is None and args.runtime is None
    if recommended_route and (bridge["kind"] != "onnx" or proto not in PATHS or runtime not in RUNTIMES):
        route = f"{bridge['exporter']} -> {bridge['importer']}"
        kind = "over ONNX" if bridge["kind"] == "onnx" else f"over a {bridge['kind']} route ({route})"
        hint = proto if proto in PATHS else "pytorch"
        raise BadInput(f"the recommended pair, {p['name']} -> {d['name']} {kind}, is not one verify can check: "
                       f"it checks ONNX bridges from {', '.join(sorted(PATHS))} into {', '.join(sorted(RUNTIMES))}; "
                       f"e.g. advisor verify --prototype {hint} --runtime onnxruntime")
    return proto, runtime


def run(args: argparse.Namespace, ctx) -> int:
    from advisor.output import emit, to_json

    prototype, runtime = getattr(args, "prototype", None), getattr(args, "runtime", None)
    if prototype and not runtime:
        runtime = "onnxruntime"  # the runtime every supported prototype reaches
    if not (prototype and runtime):
        prototype, runtime = _pair_from_recommendation(args, ctx)
    _lookup(prototype, runtime)  # bad ids fail before any heavy import
    result = verify_pair(prototype, runtime, seed=getattr(args, "seed", 0), keep=getattr(args, "keep", None))
    emit(to_json(result.to_json()) if getattr(args, "format", "text") == "json" else render_text(result))
    return ExitCode.OK if result.ok else ExitCode.BRIDGE_FAILED
