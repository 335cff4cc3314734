"""frost.load / Model.run on the bundled Fashion-MNIST CNN against
TensorFlow's outputs committed in models/fashion_cnn (reference.txt)."""
import threading

import numpy as np
import pytest

import frost

INPUT, OUTPUT = "conv2d_input", "activation_3/Softmax"


def test_inputs_and_outputs_describe_the_model(fashion_model):
    (inp,) = fashion_model.inputs
    assert inp.name == INPUT
    assert inp.dtype == np.dtype(np.float32)
    assert inp.shape == (None, 28, 28, 1)
    (out,) = fashion_model.outputs
    assert out.name == OUTPUT
    assert out.dtype == np.dtype(np.float32)
    assert out.shape == (None, 10)


def test_run_matches_tensorflow(root, fashion_model):
    x = np.load(root / "models/fashion_cnn/inputs.npy")
    expected = np.load(root / "models/fashion_cnn/expected.npy")
    result = fashion_model.run({INPUT: x})
    assert list(result) == [OUTPUT]
    np.testing.assert_allclose(result[OUTPUT], expected, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(fashion_model({INPUT: x})[OUTPUT], result[OUTPUT], rtol=1e-4, atol=1e-6)


def test_reference_backend_and_named_fetch_agree(root, fashion_model):
    x = np.load(root / "models/fashion_cnn/inputs.npy")
    reference = frost.load(root / "models/fashion_cnn/frozen_graph.pb", backend="reference", optimize=False)
    ref = reference.run({INPUT + ":0": x}, outputs=[OUTPUT + ":0"])[OUTPUT + ":0"]
    np.testing.assert_allclose(fashion_model({INPUT: x})[OUTPUT], ref, rtol=1e-4, atol=1e-6)


def test_keras_file_loads_directly(root):
    model = frost.load(root / "models/fashion_cnn/keras_model.h5", threads=1)
    x = np.load(root / "models/fashion_cnn/inputs.npy")
    expected = np.load(root / "models/fashion_cnn/expected.npy")
    (out,) = model.run({model.inputs[0].name: x}).values()
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-6)


def test_lists_are_converted_to_the_input_dtype(root, fashion_model):
    x = np.load(root / "models/fashion_cnn/inputs.npy")
    out = fashion_model({INPUT: x[:1].astype(np.float64).tolist()})[OUTPUT]
    # Not bit-equal: OpenMP's split of the work can differ between runs.
    np.testing.assert_allclose(out, fashion_model({INPUT: x[:1]})[OUTPUT], rtol=1e-4, atol=1e-6)


def test_one_model_shared_by_threads(root, fashion_model):
    x = np.load(root / "models/fashion_cnn/inputs.npy")
    expected = fashion_model({INPUT: x})[OUTPUT]
    failures = []

    def worker(seed):
        rng = np.random.default_rng(seed)
        for _ in range(5):
            batch = x[rng.permutation(len(x))]
            got = fashion_model({INPUT: batch})[OUTPUT]
            want = expected[[int(np.flatnonzero((x == row).all(axis=(1, 2, 3)))[0]) for row in batch]]
            if not np.allclose(got, want, rtol=1e-4, atol=1e-6):
                failures.append(seed)

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


def test_errors_name_file_node_and_op(root, tmp_path, fashion_model):
    with pytest.raises(frost.Error) as missing:
        frost.load(tmp_path / "missing.pb")
    assert "missing.pb" in str(missing.value)

    with pytest.raises(frost.Error) as wrong_shape:
        fashion_model({INPUT: np.zeros((1, 27, 28, 1), np.float32)})
    assert wrong_shape.value.node is not None
    assert INPUT in str(wrong_shape.value) or wrong_shape.value.node

    with pytest.raises(frost.Error) as unknown:
        fashion_model({"no_such_tensor": np.zeros(1, np.float32)})
    assert "no_such_tensor" in str(unknown.value)

    with pytest.raises(frost.Error):
        frost.load(root / "models/fashion_cnn/frozen_graph.pb", backend="tpu")


def test_inspect_says_what_the_cli_says(root):
    import json
    import os
    import subprocess
    path = root / "models/fashion_cnn/frozen_graph.pb"
    info = frost.inspect(path)
    assert info["inputs"][0]["name"] == INPUT  # then keras_learning_phase, which has a default
    assert info["inputs"][0]["shape"] == [-1, 28, 28, 1]
    assert info["outputs"][0]["name"] == OUTPUT
    cli = os.environ.get("FROST_BIN")
    if cli:
        printed = subprocess.run([cli, "inspect", str(path), "--json"], check=True, capture_output=True, text=True)
        assert json.loads(printed.stdout) == info
    with pytest.raises(frost.Error):
        frost.inspect(root / "models/fashion_cnn/README.md")
