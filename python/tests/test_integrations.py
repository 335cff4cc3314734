"""frost.integrations without Ray or Spark: the Ray Data callable and the
Spark predict function are plain Python over frost.load, so what they do
with a batch (column mapping, dtype and row-shape conversion, output
columns) is checked here; scripts/integrations runs them inside Ray and Spark."""
import numpy as np
import pytest

import frost
from frost.integrations.ray import Predictor
from frost.integrations.spark import make_predict_fn

INPUT, OUTPUT = "conv2d_input", "activation_3/Softmax"


@pytest.fixture(scope="module")
def images(root):
    return np.load(root / "models/fashion_cnn/inputs.npy")  # [4,28,28,1] float32


@pytest.fixture(scope="module")
def expected(root):
    return np.load(root / "models/fashion_cnn/expected.npy")


def test_ray_predictor_reshapes_rows_and_keeps_the_other_columns(root, images, expected):
    predictor = Predictor(root / "models/fashion_cnn/frozen_graph.pb", inputs={"image": INPUT},
                          outputs={OUTPUT: "probs"})
    labels = np.arange(4)
    scored = predictor({"image": images.reshape(4, 28, 28).astype(np.float64), "label": labels})
    assert sorted(scored) == ["image", "label", "probs"]
    assert scored["label"] is labels
    np.testing.assert_allclose(scored["probs"], expected, rtol=1e-4, atol=1e-6)


def test_ray_predictor_defaults_to_the_only_column_and_the_model_outputs(root, images, expected):
    predictor = Predictor(root / "models/fashion_cnn/frozen_graph.pb")
    scored = predictor({"data": images})
    np.testing.assert_allclose(scored[OUTPUT], expected, rtol=1e-4, atol=1e-6)


def test_ray_predictor_names_columns_it_cannot_match(root):
    predictor = Predictor(root / "models/fashion_cnn/frozen_graph.pb")
    with pytest.raises(frost.Error, match="pass inputs="):
        predictor({"a": np.zeros((1, 784), np.float32), "b": np.zeros(1)})


def test_spark_predict_fn_takes_flat_rows(root, images, expected):
    predict = make_predict_fn(str(root / "models/fashion_cnn/frozen_graph.pb"))()
    np.testing.assert_allclose(predict(images.reshape(4, 784)), expected, rtol=1e-4, atol=1e-6)


def test_spark_predict_fn_with_named_outputs_returns_fields(root, images, expected):
    predict = make_predict_fn(str(root / "models/fashion_cnn/frozen_graph.pb"), outputs={OUTPUT: "probs"})()
    out = predict(images.reshape(4, 784))
    assert list(out) == ["probs"]
    np.testing.assert_allclose(out["probs"], expected, rtol=1e-4, atol=1e-6)


def test_spark_predict_fn_refuses_a_wrong_column_count(root, images):
    predict = make_predict_fn(str(root / "models/fashion_cnn/frozen_graph.pb"))()
    with pytest.raises(frost.Error, match="2 column"):
        predict(images, images)


def test_rows_that_do_not_fit_the_input_are_not_reshaped(root):
    predict = make_predict_fn(str(root / "models/fashion_cnn/frozen_graph.pb"))()
    with pytest.raises(frost.Error):
        predict(np.zeros((2, 783), np.float32))  # 783 != 28*28*1: fed as is, the model refuses it
