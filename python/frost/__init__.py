"""Frost: run frozen TensorFlow graphs (and Keras .h5/.keras files) on a CPU
without TensorFlow.

    import frost
    model = frost.load("models/fashion_cnn/frozen_graph.pb")
    probs = model({"conv2d_1_input": images})["dense_2/Softmax"]
"""
import json as _json
import os as _os

import numpy as _np

from . import _frost
from .errors import Error

if _frost.pybind11_version < (2, 12) and int(_np.__version__.split(".")[0]) >= 2:
    raise ImportError(f"frost was built with pybind11 {_frost.pybind11_version}, which reads NumPy 1's array "
                      f"layout, and NumPy {_np.__version__} is loaded: install it with `pip install .` "
                      "(pybind11 2.13) or use NumPy 1.x (Debian's python3-numpy)")

Model = _frost.Model
TensorInfo = _frost.TensorInfo

__all__ = ["Error", "Model", "TensorInfo", "empty", "inspect", "load"]

_ALIGNMENT = 64  # what Frost's kernels assume; see empty()


def load(path, *, backend="cpu", threads=None, outputs=None, inputs=None, set=None, optimize=True):
    """Loads a frozen graph (.pb/.pbtxt) or a Keras .h5/.keras file and
    prepares it for inference, as the ``frost`` command does.

    backend: "cpu" (Frost's kernels) or "reference" (the slow oracle).
    threads: OpenMP threads for each run (None: OMP_NUM_THREADS, else one per core).
    outputs, inputs: tensor names to fetch / feed (default: the detected ones);
        the optimiser keeps every one of them.
    set: {placeholder: value} fixed for inference, e.g. {"keras_learning_phase": "false"}.
    optimize: False runs the graph as written.
    Raises frost.Error naming the file, node and op."""
    options = _frost.LoadOptions()
    options.outputs = _names(outputs)
    options.inputs = _names(inputs)
    options.set = {str(k): _value_text(v) for k, v in (set or {}).items()}
    options.optimize = bool(optimize)
    return _frost.Model(_os.fspath(path), backend, int(threads or 0), options)


def inspect(path):
    """What ``frost inspect PATH --json`` says, as a dict: inputs (dtype and
    shape), likely outputs with the reason each was chosen, op histogram,
    parameters by dtype and training leftovers with what to do about each."""
    return _json.loads(_frost.inspect_json(_os.fspath(path)))


def empty(shape, dtype=_np.float32):
    """An uninitialised array whose memory Frost reads in place when fed
    (C-contiguous, 64-byte aligned). numpy.empty's memory is usually only
    16-byte aligned, so feeding it costs one copy."""
    dtype = _np.dtype(dtype)
    count = int(_np.prod(shape, dtype=_np.int64))
    raw = _np.empty(count * dtype.itemsize + _ALIGNMENT, dtype=_np.uint8)
    start = -raw.ctypes.data % _ALIGNMENT
    return raw[start:start + count * dtype.itemsize].view(dtype).reshape(shape)


def _names(value):
    if value is None:
        return []
    if isinstance(value, str):
        return [name for name in value.split(",") if name]
    return [str(name) for name in value]


def _value_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
