"""Shared by the Ray and Spark scorings: the 10,000 Fashion-MNIST test images
(Debian's dataset-fashion-mnist, read as `frost eval` reads them) normalised
as models/fashion_cnn/README.md says, and what Keras got on them."""
import gzip
import os
import pathlib

import numpy as np
import pytest

ROOT = pathlib.Path(os.environ.get("FROST_SOURCE_ROOT", pathlib.Path(__file__).resolve().parents[2]))
DATASET = pathlib.Path(os.environ.get("FROST_FASHION_MNIST", "/usr/share/datasets/fashion-mnist"))
MODEL = ROOT / "models/fashion_cnn/frozen_graph.pb"


def read_idx(path, header_bytes):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=header_bytes)


@pytest.fixture(scope="session")
def fashion_test_set():
    """(images float32 [10000,28,28,1] = pixel / 255 in float32, labels uint8
    [10000], Keras's predicted classes uint8 [10000])."""
    pixels = read_idx(DATASET / "t10k-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28, 1)
    labels = read_idx(DATASET / "t10k-labels-idx1-ubyte.gz", 8)
    images = pixels.astype(np.float32) / np.float32(255)
    keras = np.load(ROOT / "models/fashion_cnn/keras_predictions.npy")
    assert images.shape[0] == labels.shape[0] == keras.shape[0] == 10000
    return images, labels, keras


def check_scores(predicted, labels, keras):
    """Accuracy 91.15% and not one class different from Keras's."""
    accuracy = float(np.mean(predicted == labels))
    differing = int(np.sum(predicted != keras))
    print(f"accuracy {100 * accuracy:.2f}%, {differing} predictions differ from Keras")
    assert differing == 0
    assert round(100 * accuracy, 2) == 91.15
