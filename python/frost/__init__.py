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

__all__ = ["Error", "Model", "TensorInfo", "check", "empty", "freeze", "inspect", "load", "optimize"]

_ALIGNMENT = 64  # what Frost's kernels assume; see empty()


def load(path, *, backend="cpu", threads=None, outputs=None, inputs=None, set=None, optimize=True):
    """Loads a frozen graph (.pb/.pbtxt) or a Keras .h5/.keras file and
    prepares it for inference, as the ``frost`` command does.

    backend: "cpu" (Frost's kernels) or "reference" (the slow oracle).
    threads: threads for each run (None: OMP_NUM_THREADS, else one per core).
    outputs, inputs: tensor names to fetch / feed (default: the detected ones);
        the optimiser keeps every one of them.
    set: {placeholder: value} fixed for inference, e.g. {"keras_learning_phase": "false"}.
    optimize: False runs the graph as written.
    Raises frost.Error naming the file, node and op."""
    options = _frost.LoadOptions()
    options.outputs = _names(outputs)
    options.inputs = _names(inputs)
    options.set = _settings(set)
    options.optimize = bool(optimize)
    return _frost.Model(_os.fspath(path), backend, int(threads or 0), options)


def inspect(path):
    """What ``frost inspect PATH --json`` says, as a dict: inputs (dtype and
    shape), likely outputs with the reason each was chosen, op histogram,
    parameters by dtype and training leftovers with what to do about each."""
    return _json.loads(_frost.inspect_json(_os.fspath(path)))


def freeze(output, *, graph=None, meta=None, saved_model=None, checkpoint=None, tag=None, signature=None,
           outputs=None, set=None):
    """What ``frost freeze`` does: a training graph plus its checkpoint become
    one frozen inference GraphDef written to `output` (.pb or .pbtxt).

    Exactly one of graph (.pb/.pbtxt GraphDef), meta (.meta MetaGraphDef) or
    saved_model (a SavedModel folder; tag and signature choose in it).
    checkpoint: prefix, .index, folder or state file (default: beside the
        .meta / inside the SavedModel).
    outputs: tensors to keep (default: the signature's, else the detected ones).
    set: {placeholder: value} fixed for inference, e.g. {"keras_learning_phase": False}.
    Returns the report as a dict (variables_frozen, checkpoint, nodes_before,
    nodes_after, conditionals_resolved, inputs, outputs, notes)."""
    given = [(kind, p) for kind, p in (("graph", graph), ("meta", meta), ("saved_model", saved_model)) if p]
    if len(given) != 1:
        raise Error("give exactly one of graph=, meta=, saved_model=")
    kind, path = given[0]
    if kind != "saved_model" and (tag or signature):
        raise Error("tag and signature apply to saved_model only")
    return _frost.freeze(kind, _os.fspath(path), _os.fspath(checkpoint or ""), tag or "", signature or "",
                         _names(outputs), _settings(set), _os.fspath(output))


def optimize(path, output, *, outputs=None, inputs=None, set=None, passes=None, verify=True, seed=1, tolerance=0.0):
    """What ``frost optimize PATH -o OUTPUT`` does: the graph rewritten for
    inference (BatchNorm folded, dropout removed, constants folded, fusions)
    and written to `output`, then verified: the reference backend runs both
    graphs on seeded random inputs and the outputs must agree within
    `tolerance` (0: derived from the graph's own float32 rounding noise).

    outputs / inputs: tensors to keep computable / feedable; set: fixed
    placeholders; passes: pass names to run (default all).
    Returns the report as a dict (nodes_before, nodes_after, iterations,
    totals, pipeline_placeholders, verification, table). Raises frost.Error
    when verification fails."""
    return _frost.optimize(_os.fspath(path), _os.fspath(output), _names(outputs), _names(inputs), _settings(set),
                           _names(passes), bool(verify), int(seed), float(tolerance))


def check(path, *, reference=None, inputs=None, expected=None, backend="cpu", rtol=1e-4, atol=0.0, optimize=True,
          threads=None):
    """What ``frost check`` does: runs the model on reference inputs and
    compares every output with its expected (TensorFlow's) value, passing
    within atol + rtol * max|expected|.

    Either reference: a reference.txt whose `graph` entry names `path`; or
    inputs and expected: {tensor: array or .npy path}, or one array / .npy
    path when the model has one input / output.
    Returns {"ok": bool, "outputs": {tensor: {"passed", "max_abs_error",
    "max_abs_expected", "relative_error", "rows", "argmax_agree", "summary", ...}}}.
    Raises frost.Error for a model or file that cannot be used (a mismatch
    is ok=False, as the command's exit code 1)."""
    path = _os.fspath(path)
    if reference is not None:
        if inputs is not None or expected is not None:
            raise Error("give reference= or inputs= and expected=, not both")
        stanza = [s for s in _frost.reference_stanzas(_os.fspath(reference))
                  if _os.path.exists(s[0]) and _os.path.samefile(s[0], path)]
        if not stanza:
            raise Error(f"no `graph` entry names {path}", file=_os.fspath(reference))
        inputs, expected = dict(stanza[0][1]), dict(stanza[0][2])
    elif inputs is None or expected is None:
        raise Error("give reference=, or both inputs= and expected=")
    if not (isinstance(inputs, dict) and isinstance(expected, dict)):  # the names of the detected tensors
        probe = load(path, backend=backend)  # optimised: placeholders with defaults are not inputs
        inputs = _bind(inputs, [i.name for i in probe.inputs], "input")
        expected = _bind(expected, [o.name for o in probe.outputs], "output")
    model = load(path, backend=backend, threads=threads, inputs=list(inputs), outputs=list(expected),
                 optimize=optimize)
    results = model.run({name: _array(value) for name, value in inputs.items()}, outputs=list(expected))
    outputs = {name: _frost.compare(results[name], _array(value), float(rtol), float(atol))
               for name, value in expected.items()}
    return {"ok": all(o["passed"] for o in outputs.values()), "outputs": outputs}


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


def _settings(values):
    return {str(k): _value_text(v) for k, v in (values or {}).items()}


def _bind(values, names, what):
    """{tensor: value}, or one value for a model with exactly one such tensor."""
    if isinstance(values, dict):
        return {str(k): v for k, v in values.items()}
    if len(names) != 1:
        raise Error(f"the model has {len(names)} {what}s ({', '.join(names)}): give {{tensor: value}}")
    return {names[0]: values}


def _array(value):
    if isinstance(value, (str, bytes, _os.PathLike)):
        try:
            return _np.load(value)
        except (OSError, ValueError) as e:
            raise Error(f"cannot read {_os.fspath(value)}: {e}", file=_os.fspath(value)) from None
    return _np.asarray(value)


def _value_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
