"""The per-framework halves of `advisor verify`: build a small seeded model, export it to ONNX;
and the runtimes that run the exported file.

Every framework import happens inside the function that needs it: importing this module costs
nothing, and a framework that is not installed is only noticed when its path is asked for.
Each exporter returns an `Exported`: where the ONNX file is, the seeded input, the framework's
own output on that input (the reference), and what was done, in words.
"""

from __future__ import annotations

import contextlib
import io
import logging
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from advisor import errors

# The seeded input every image model sees: batch 4, 3 channels, 16x16 (NCHW; NHWC for TensorFlow).
BATCH, CHANNELS, SIZE = 4, 3, 16


@dataclass
class Exported:
    path: Path  # the .onnx file
    feed: "object"  # numpy array: the one input
    reference: "object"  # numpy array: the framework's own output on `feed`
    model: str  # what was built, in words
    exporter: str  # the tool and mode that wrote the file
    export_s: float
    output: int = 0  # which runtime output to compare with the reference
    steps: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. a fallback that was taken


@dataclass(frozen=True)
class Path_:
    """A prototyping framework's route into ONNX."""

    id: str
    name: str
    requires: tuple[tuple[str, str], ...]  # (import name, what to pip install)
    export: Callable[[Path, int], Exported]


@dataclass(frozen=True)
class Runtime:
    id: str
    name: str
    requires: tuple[tuple[str, str], ...]
    run: Callable[[Path, object], tuple[list, float, float, str]]  # -> outputs, load_s, infer_s, device


@contextlib.contextmanager
def quiet():
    """Silence the exporters' progress prints, warnings and log lines, so stdout stays ours (JSON).

    Python-level output is redirected; so are file descriptors 1 and 2, because some exporters
    print from C++ (paddle2onnx's "[Paddle2ONNX] ..." lines, TensorFlow's logging)."""
    sink = io.StringIO()
    loggers = [logging.getLogger(n) for n in ("torch", "torch.onnx", "torch.export", "torch._dynamo",
                                               "tensorflow", "tf2onnx", "absl", "jax", "jax2onnx", "paddle",
                                               "skl2onnx", "onnxscript")]
    levels = [lg.level for lg in loggers]
    with contextlib.ExitStack() as stack:
        for lg in loggers:
            lg.setLevel(logging.ERROR)
        stack.callback(lambda: [lg.setLevel(level) for lg, level in zip(loggers, levels)])
        stack.enter_context(_quiet_fds())
        stack.enter_context(warnings.catch_warnings())
        warnings.simplefilter("ignore")
        stack.enter_context(contextlib.redirect_stdout(sink))
        stack.enter_context(contextlib.redirect_stderr(sink))
        yield sink


@contextlib.contextmanager
def _quiet_fds():
    import os
    import sys
    import tempfile

    try:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        saved = [os.dup(1), os.dup(2)]
    except (OSError, ValueError, AttributeError):  # no real descriptors (embedded use): nothing to do
        yield
        return
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            _flush_c_stdio()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def _flush_c_stdio() -> None:
    """Flush C's stdio buffers into the sink before the descriptors are restored."""
    try:
        import ctypes

        ctypes.CDLL(None).fflush(None)
    except (OSError, AttributeError, TypeError):
        pass


def _image_input(seed: int, nhwc: bool = False):
    import numpy as np

    shape = (BATCH, SIZE, SIZE, CHANNELS) if nhwc else (BATCH, CHANNELS, SIZE, SIZE)
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def _shape(a) -> str:
    return "x".join(str(d) for d in a.shape)


# ---------------------------------------------------------------------------------------------
# PyTorch -> torch.onnx

TORCH_MODEL = ("Conv2d(3->8)+BatchNorm2d+ReLU, Conv2d(8->16, stride 2)+BatchNorm2d+ReLU, "
               "AdaptiveAvgPool2d(4), Linear(256->32)+LayerNorm+ReLU, Linear(32->10)")


def export_pytorch(workdir: Path, seed: int) -> Exported:
    import torch
    from torch import nn

    # fork_rng: seed the model's initialisation without touching the caller's global torch RNG.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = nn.Sequential(
            nn.Conv2d(CHANNELS, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
            nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.AdaptiveAvgPool2d(4), nn.Flatten(),
            nn.Linear(16 * 4 * 4, 32), nn.LayerNorm(32), nn.ReLU(),
            nn.Linear(32, 10),
        )
        with torch.no_grad():  # non-trivial running statistics, so batch norm is not the identity
            for m in model.modules():
                if isinstance(m, nn.BatchNorm2d):
                    m.running_mean.uniform_(-0.5, 0.5)
                    m.running_var.uniform_(0.5, 2.0)
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.uniform_(-0.2, 0.2)
    model.eval()  # inference mode: batch norm uses the running statistics, as the exported graph does
    x = _image_input(seed)
    with torch.no_grad():
        reference = model(torch.from_numpy(x)).numpy()

    path = workdir / "model.onnx"
    notes: list[str] = []
    # The dynamo (torch.export-based) exporter is torch's default and needs onnxscript; without
    # it, or if it fails on this torch, fall back to the TorchScript exporter and say so.
    has_onnxscript = importable("onnxscript")
    modes = [True, False] if has_onnxscript else [False]
    if not has_onnxscript:
        notes.append("onnxscript is not installed, so the TorchScript exporter (dynamo=False) was used; "
                     "pip install onnxscript for torch's default dynamo exporter")
    last_error: Exception | None = None
    for dynamo in modes:
        try:
            start = time.perf_counter()
            with quiet():
                torch.onnx.export(model, (torch.from_numpy(x),), str(path), dynamo=dynamo, verbose=False,
                                  input_names=["input"], output_names=["output"], opset_version=opset("torch.onnx"))
            export_s = time.perf_counter() - start
            break
        except Exception as exc:  # noqa: BLE001 - an exporter failure is a finding, reported below
            if isinstance(exc, ImportError) and not dynamo:
                raise  # the TorchScript exporter needs only torch and onnx: say what to install
            last_error = exc
            if dynamo:
                notes.append(f"the dynamo exporter failed ({type(exc).__name__}: {_first_line(exc)}), "
                             "so the TorchScript exporter (dynamo=False) was tried")
    else:
        raise ExportFailed(f"torch.onnx.export failed: {type(last_error).__name__}: {_first_line(last_error)}", notes)
    exporter = "torch.onnx.export (dynamo exporter)" if dynamo else "torch.onnx.export (TorchScript exporter, dynamo=False)"
    return Exported(
        path=path, feed=x, reference=reference, model=TORCH_MODEL, exporter=exporter, export_s=export_s,
        steps=[f"built a small CNN in PyTorch {torch.__version__} with seed {seed}: {TORCH_MODEL}; "
               "randomised batch-norm statistics; model.eval()",
               f"ran it in PyTorch on a seeded input ({_shape(x)}, float32, numpy default_rng({seed}))",
               f"exported it with {exporter} in {export_s:.2f} s"],
        notes=notes,
    )


# ---------------------------------------------------------------------------------------------
# scikit-learn -> skl2onnx

SKLEARN_MODEL = "Pipeline(StandardScaler, PCA(8), LogisticRegression) on 3 classes, 12 features"


def export_sklearn(workdir: Path, seed: int) -> Exported:
    import numpy as np
    import sklearn
    from skl2onnx import to_onnx
    from sklearn.datasets import make_classification
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = make_classification(n_samples=300, n_features=12, n_informative=6, n_classes=3, random_state=seed)
    X = X.astype(np.float32)
    pipe = make_pipeline(StandardScaler(), PCA(n_components=8, random_state=seed), LogisticRegression(max_iter=1000))
    pipe.fit(X[:200], y[:200])
    x = X[200:250]  # 50 held-out rows
    reference = pipe.predict_proba(x)
    path = workdir / "model.onnx"
    start = time.perf_counter()
    with quiet():
        onx = to_onnx(pipe, X[:1], options={"zipmap": False}, target_opset=opset("skl2onnx"))  # plain probability tensor, not a list of dicts
    path.write_bytes(onx.SerializeToString())
    export_s = time.perf_counter() - start
    return Exported(
        path=path, feed=x, reference=reference, model=SKLEARN_MODEL, exporter="skl2onnx.to_onnx (zipmap=False)",
        export_s=export_s, output=1,  # outputs: label, probabilities
        steps=[f"fitted {SKLEARN_MODEL} in scikit-learn {sklearn.__version__} on 200 seeded rows "
               f"(make_classification, random_state={seed})",
               f"took predict_proba on 50 held-out rows ({_shape(x)}, float32)",
               f"converted it with skl2onnx.to_onnx in {export_s:.2f} s"],
    )


# ---------------------------------------------------------------------------------------------
# TensorFlow -> tf2onnx (a tf.function over plain TensorFlow ops; no Keras version games)

TF_MODEL = "tf.function: conv 3x3 (3->8) + batch norm + ReLU, global average pool, dense (8->10)"


def export_tensorflow(workdir: Path, seed: int) -> Exported:
    import numpy as np
    import tensorflow as tf
    import tf2onnx

    # numpy arrays, not eager tf.constants: traced into the graph as Const nodes. (Captured eager
    # tensors become extra graph inputs that tf2onnx 1.17 on TensorFlow 2.21 leaves unfed.)
    rng = np.random.default_rng(seed)
    w = rng.normal(0, 0.3, (3, 3, CHANNELS, 8)).astype(np.float32)
    mean = rng.uniform(-0.5, 0.5, 8).astype(np.float32)
    var = rng.uniform(0.5, 2.0, 8).astype(np.float32)
    gamma = rng.uniform(0.5, 1.5, 8).astype(np.float32)
    beta = rng.uniform(-0.2, 0.2, 8).astype(np.float32)
    dense = rng.normal(0, 0.3, (8, 10)).astype(np.float32)
    bias = rng.normal(0, 0.1, 10).astype(np.float32)
    spec = [tf.TensorSpec((BATCH, SIZE, SIZE, CHANNELS), tf.float32, name="input")]

    @tf.function(input_signature=spec)
    def model(x):
        h = tf.nn.conv2d(x, w, strides=1, padding="SAME")
        h = tf.nn.relu(tf.nn.batch_normalization(h, mean, var, beta, gamma, 1e-5))
        return tf.matmul(tf.reduce_mean(h, axis=[1, 2]), dense) + bias

    x = _image_input(seed, nhwc=True)
    reference = model(tf.constant(x)).numpy()
    path = workdir / "model.onnx"
    start = time.perf_counter()
    with quiet():
        tf2onnx.convert.from_function(model, input_signature=spec, output_path=str(path), opset=opset("tf2onnx"))
    export_s = time.perf_counter() - start
    return Exported(
        path=path, feed=x, reference=reference, model=TF_MODEL, exporter="tf2onnx.convert.from_function",
        export_s=export_s,
        steps=[f"built a small model in TensorFlow {tf.__version__} with seed {seed}: {TF_MODEL}",
               f"ran it in TensorFlow on a seeded input ({_shape(x)}, NHWC, float32)",
               f"converted it with tf2onnx {tf2onnx.__version__} in {export_s:.2f} s"],
    )


# ---------------------------------------------------------------------------------------------
# Keras 3 -> model.export(format="onnx") (uses the exporter of the active backend)

KERAS_MODEL = "Sequential: Conv2D(8)+BatchNormalization+ReLU, GlobalAveragePooling2D, Dense(16)+LayerNormalization, Dense(10)"


def export_keras(workdir: Path, seed: int) -> Exported:
    import keras
    import numpy as np

    keras.utils.set_random_seed(seed)
    channels_first = keras.config.image_data_format() == "channels_first"
    shape = (CHANNELS, SIZE, SIZE) if channels_first else (SIZE, SIZE, CHANNELS)
    model = keras.Sequential([
        keras.Input(shape, batch_size=BATCH),
        keras.layers.Conv2D(8, 3, padding="same"), keras.layers.BatchNormalization(), keras.layers.ReLU(),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(16), keras.layers.LayerNormalization(), keras.layers.Dense(10),
    ])
    bn = model.layers[1]
    rng = np.random.default_rng(seed)
    bn.moving_mean.assign(rng.uniform(-0.5, 0.5, 8).astype(np.float32))
    bn.moving_variance.assign(rng.uniform(0.5, 2.0, 8).astype(np.float32))
    x = _image_input(seed, nhwc=not channels_first)
    reference = np.asarray(keras.ops.convert_to_numpy(model(x, training=False)))
    path = workdir / "model.onnx"
    start = time.perf_counter()
    with quiet():
        model.export(str(path), format="onnx", verbose=False)
    export_s = time.perf_counter() - start
    backend = keras.backend.backend()
    return Exported(
        path=path, feed=x, reference=reference, model=KERAS_MODEL, exporter=f"keras Model.export(format='onnx'), {backend} backend",
        export_s=export_s,
        steps=[f"built a small model in Keras {keras.__version__} ({backend} backend) with seed {seed}: {KERAS_MODEL}; "
               "randomised batch-norm statistics",
               f"ran it in Keras (training=False) on a seeded input ({_shape(x)}, float32)",
               f"exported it with Model.export(format='onnx') in {export_s:.2f} s"],
    )


# ---------------------------------------------------------------------------------------------
# PaddlePaddle -> paddle.onnx.export (paddle2onnx)

PADDLE_MODEL = "Conv2D(3->8)+BatchNorm2D+ReLU, AdaptiveAvgPool2D(4), Linear(128->32)+LayerNorm+ReLU, Linear(32->10)"


def export_paddlepaddle(workdir: Path, seed: int) -> Exported:
    import numpy as np
    import paddle
    import paddle2onnx  # noqa: F401 - paddle.onnx.export needs it; import first for a clear message
    from paddle import nn

    paddle.seed(seed)
    model = nn.Sequential(
        nn.Conv2D(CHANNELS, 8, 3, padding=1), nn.BatchNorm2D(8), nn.ReLU(),
        nn.AdaptiveAvgPool2D(4), nn.Flatten(),
        nn.Linear(8 * 4 * 4, 32), nn.LayerNorm(32), nn.ReLU(), nn.Linear(32, 10),
    )
    rng = np.random.default_rng(seed)
    bn = model[1]
    bn._mean.set_value(rng.uniform(-0.5, 0.5, 8).astype(np.float32))
    bn._variance.set_value(rng.uniform(0.5, 2.0, 8).astype(np.float32))
    model.eval()
    x = _image_input(seed)
    reference = model(paddle.to_tensor(x)).numpy()
    prefix = workdir / "model"
    start = time.perf_counter()
    with quiet():
        paddle.onnx.export(model, str(prefix), input_spec=[paddle.static.InputSpec(list(x.shape), "float32", "input")],
                           opset_version=opset("paddle2onnx"))
    export_s = time.perf_counter() - start
    return Exported(
        path=workdir / "model.onnx", feed=x, reference=reference, model=PADDLE_MODEL,
        exporter="paddle.onnx.export (paddle2onnx)", export_s=export_s,
        steps=[f"built a small CNN in PaddlePaddle {paddle.__version__} with seed {seed}: {PADDLE_MODEL}; "
               "randomised batch-norm statistics; model.eval()",
               f"ran it in PaddlePaddle on a seeded input ({_shape(x)}, float32)",
               f"exported it with paddle.onnx.export (paddle2onnx {paddle2onnx.__version__}) in {export_s:.2f} s"],
    )


# ---------------------------------------------------------------------------------------------
# JAX -> jax2onnx

JAX_MODEL = "a jax.numpy function: conv 3x3 (3->8) + batch norm + ReLU, mean pool, dense (8->10)"


def export_jax(workdir: Path, seed: int) -> Exported:
    import jax
    import jax.numpy as jnp
    import numpy as np
    from jax2onnx import to_onnx

    rng = np.random.default_rng(seed)
    w = jnp.asarray(rng.normal(0, 0.3, (8, CHANNELS, 3, 3)).astype(np.float32))  # OIHW
    mean = jnp.asarray(rng.uniform(-0.5, 0.5, (1, 8, 1, 1)).astype(np.float32))
    var = jnp.asarray(rng.uniform(0.5, 2.0, (1, 8, 1, 1)).astype(np.float32))
    dense = jnp.asarray(rng.normal(0, 0.3, (8, 10)).astype(np.float32))
    bias = jnp.asarray(rng.normal(0, 0.1, (10,)).astype(np.float32))

    def model(x):
        h = jax.lax.conv_general_dilated(x, w, (1, 1), "SAME", dimension_numbers=("NCHW", "OIHW", "NCHW"))
        h = jax.nn.relu((h - mean) / jnp.sqrt(var + 1e-5))
        return jnp.mean(h, axis=(2, 3)) @ dense + bias

    x = _image_input(seed)
    reference = np.asarray(model(jnp.asarray(x)))
    path = workdir / "model.onnx"
    start = time.perf_counter()
    with quiet():
        to_onnx(model, [x.shape], return_mode="file", output_path=str(path))
    export_s = time.perf_counter() - start
    return Exported(
        path=path, feed=x, reference=reference, model=JAX_MODEL, exporter="jax2onnx.to_onnx", export_s=export_s,
        steps=[f"built a small model in JAX {jax.__version__} with seed {seed}: {JAX_MODEL}",
               f"ran it in JAX on a seeded input ({_shape(x)}, float32)",
               f"converted it with jax2onnx.to_onnx in {export_s:.2f} s"],
    )


# ---------------------------------------------------------------------------------------------
# Runtimes

def run_onnxruntime(path: Path, feed) -> tuple[list, float, float, str]:
    import onnxruntime as ort

    start = time.perf_counter()
    # CPU on purpose: the same numbers on every machine; a GPU provider is a different check.
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    load_s = time.perf_counter() - start
    name = session.get_inputs()[0].name
    start = time.perf_counter()
    outputs = session.run(None, {name: feed})
    return outputs, load_s, time.perf_counter() - start, "CPUExecutionProvider"


def run_openvino(path: Path, feed) -> tuple[list, float, float, str]:
    import openvino as ov

    start = time.perf_counter()
    # f32 on purpose: on CPUs with bf16 units OpenVINO's default precision hint is bf16, which is a
    # different (and far looser) check than "the bridge keeps the model's numbers".
    compiled = ov.Core().compile_model(str(path), "CPU", {"INFERENCE_PRECISION_HINT": "f32"})
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    result = compiled([feed])
    outputs = [result[out] for out in compiled.outputs]
    return outputs, load_s, time.perf_counter() - start, "CPU (f32)"


PATHS: dict[str, Path_] = {
    p.id: p for p in (
        Path_("pytorch", "PyTorch", (("torch", "torch"), ("onnx", "onnx")), export_pytorch),
        Path_("sklearn", "scikit-learn", (("sklearn", "scikit-learn"), ("skl2onnx", "skl2onnx"), ("onnx", "onnx")),
              export_sklearn),
        Path_("tensorflow", "TensorFlow", (("tensorflow", "tensorflow"), ("tf2onnx", "tf2onnx"), ("onnx", "onnx")),
              export_tensorflow),
        Path_("keras", "Keras", (("keras", "keras"), ("onnx", "onnx")), export_keras),
        Path_("paddlepaddle", "PaddlePaddle", (("paddle", "paddlepaddle"), ("paddle2onnx", "paddle2onnx"), ("onnx", "onnx")),
              export_paddlepaddle),
        Path_("jax", "JAX", (("jax", "jax"), ("jax2onnx", "jax2onnx"), ("onnx", "onnx")), export_jax),
    )
}

RUNTIMES: dict[str, Runtime] = {
    r.id: r for r in (
        Runtime("onnxruntime", "ONNX Runtime", (("onnxruntime", "onnxruntime"),), run_onnxruntime),
        Runtime("openvino", "OpenVINO", (("openvino", "openvino"),), run_openvino),
    )
}

# import name -> what to pip install, for an ImportError raised deep inside an exporter
PIP_NAMES = {"torch": "torch", "onnx": "onnx", "onnxscript": "onnxscript", "onnxruntime": "onnxruntime",
             "sklearn": "scikit-learn", "skl2onnx": "skl2onnx", "tensorflow": "tensorflow", "tf2onnx": "tf2onnx",
             "keras": "keras", "paddle": "paddlepaddle", "paddle2onnx": "paddle2onnx", "jax": "jax",
             "jaxlib": "jaxlib", "jax2onnx": "jax2onnx", "openvino": "openvino"}


def opset(exporter: str) -> int:
    """The ONNX opset the recommended steps name for `exporter` (prompts/steps.yaml): verify exports the same."""
    from advisor.present import export_entry

    return int(export_entry(exporter)["opset"])


class ExportFailed(errors.ExportFailed):
    """The exporter ran and failed: a finding about this machine, not a crash of ours."""

    def __init__(self, message: str, notes: list[str] | None = None):
        super().__init__(message)
        self.notes = list(notes or [])


def importable(name: str) -> bool:
    """Whether `import name` would find the package (without importing it)."""
    import importlib.util
    import sys

    if name in sys.modules:
        return sys.modules[name] is not None
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _first_line(exc: BaseException | None) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else ""
