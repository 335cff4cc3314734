"""frost.freeze / frost.optimize / frost.check: the `frost freeze`,
`frost optimize` and `frost check` commands from Python, on the bundled
Fashion-MNIST CNN (its TF1 training graph + checkpoint, TensorFlow's frozen
graph and reference outputs)."""
import os
import subprocess

import numpy as np
import pytest

import frost

INPUT, OUTPUT = "conv2d_input", "activation_3/Softmax"


def test_freeze_training_graph_and_checkpoint(root, tmp_path):
    model = root / "models/fashion_cnn"
    out = tmp_path / "frozen.pb"
    report = frost.freeze(out, graph=model / "tf_complete_model.pb", checkpoint=model / "tf_chkpt.ckpt",
                          set={"keras_learning_phase": False})
    # 2 conv + 2 dense kernels and biases, 2 BatchNorms' gamma/beta/mean/variance.
    assert report["variables_frozen"] == 16
    assert report["inputs"] == [INPUT] and report["outputs"] == [OUTPUT]
    assert report["conditionals_resolved"] > 0 and report["nodes_after"] < report["nodes_before"]
    frozen = frost.load(out, threads=1)
    np.testing.assert_allclose(frozen({INPUT: np.load(model / "inputs.npy")})[OUTPUT],
                               np.load(model / "expected.npy"), rtol=1e-4, atol=1e-6)


def test_freeze_reports_what_is_wrong(root, tmp_path):
    model = root / "models/fashion_cnn"
    with pytest.raises(frost.Error, match="exactly one"):
        frost.freeze(tmp_path / "x.pb", graph=model / "tf_complete_model.pb", meta=model / "tf_chkpt.ckpt.meta")
    with pytest.raises(frost.Error) as missing:
        frost.freeze(tmp_path / "x.pb", graph=model / "tf_complete_model.pb", checkpoint=tmp_path / "nothing")
    assert "nothing" in str(missing.value)
    assert not (tmp_path / "x.pb").exists()


def test_optimize_writes_a_verified_smaller_graph(root, tmp_path):
    model = root / "models/fashion_cnn"
    out = tmp_path / "optimized.pb"
    report = frost.optimize(model / "frozen_graph.pb", out)
    assert report["nodes_after"] < report["nodes_before"] and report["totals"]["fusions"] > 0
    # The BatchNorms became scale-and-shift (then fused): no BatchNorm op is left.
    assert "bn_to_scale_shift=2" in report["table"]
    assert report["verification"]["ran"] and report["verification"]["passed"]
    assert report["verification"]["max_relative_error"] <= report["verification"]["tolerance"]
    as_written = frost.load(out, optimize=False, threads=1)
    np.testing.assert_allclose(as_written({INPUT: np.load(model / "inputs.npy")})[OUTPUT],
                               np.load(model / "expected.npy"), rtol=1e-4, atol=1e-6)


def test_optimize_reports_what_the_command_prints(root, tmp_path):
    frost_bin = os.environ.get("FROST_BIN")
    if not frost_bin:
        pytest.skip("FROST_BIN (the frost command) not given")
    graph = root / "models/fashion_cnn/frozen_graph.pb"
    printed = subprocess.run([frost_bin, "optimize", str(graph), "-o", str(tmp_path / "cli.pb")], check=True,
                             capture_output=True, text=True).stdout
    report = frost.optimize(graph, tmp_path / "py.pb")
    assert f"{report['nodes_before']} -> {report['nodes_after']} nodes in {report['iterations']} iteration(s)" in printed
    assert f"fusions {report['totals']['fusions']}" in printed
    assert (tmp_path / "cli.pb").read_bytes() == (tmp_path / "py.pb").read_bytes()


def test_optimize_names_an_unknown_output(root, tmp_path):
    with pytest.raises(frost.Error, match="no_such_tensor"):
        frost.optimize(root / "models/fashion_cnn/frozen_graph.pb", tmp_path / "o.pb", outputs=["no_such_tensor"])


def test_check_against_the_reference_file(root):
    model = root / "models/fashion_cnn"
    result = frost.check(model / "frozen_graph.pb", reference=model / "reference.txt")
    assert result["ok"]
    (name,) = result["outputs"]
    assert name == OUTPUT + ":0"
    out = result["outputs"][name]
    assert out["passed"] and out["rows"] == 4 and out["argmax_agree"] == 4
    assert out["max_abs_error"] <= 1e-4 * out["max_abs_expected"]


def test_check_finds_a_mismatch(root):
    model = root / "models/fashion_cnn"
    wrong = np.load(model / "expected.npy")[::-1].copy()  # the rows of other images
    result = frost.check(model / "frozen_graph.pb", inputs=model / "inputs.npy", expected=wrong)
    assert not result["ok"]
    (out,) = result["outputs"].values()
    assert not out["passed"] and out["max_abs_error"] > 0.1


def test_check_names_the_reference_file_without_the_model(root, tmp_path):
    reference = tmp_path / "reference.txt"
    reference.write_text("graph other.pb\ninput x:0 x.npy\noutput y:0 y.npy\n")
    with pytest.raises(frost.Error) as e:
        frost.check(root / "models/fashion_cnn/frozen_graph.pb", reference=reference)
    assert e.value.file == str(reference)
