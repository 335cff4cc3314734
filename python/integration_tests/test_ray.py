"""frost.integrations.ray for real: Ray Data on a local two-CPU Ray, a pool of
two actors each loading the model once, scoring the Fashion-MNIST test set."""
import os

import numpy as np
import pytest
import ray

import frost.integrations.ray as frost_ray
from conftest import MODEL, check_scores


class CountingPredictor(frost_ray.Predictor):
    """Predictor that records, per actor process, each time it loads the model."""

    def __init__(self, load_log, **kwargs):
        super().__init__(**kwargs)
        with open(load_log, "a") as log:
            log.write(f"{os.getpid()}\n")


@pytest.fixture(scope="module")
def local_ray():
    # The actors import CountingPredictor from this folder.
    here = os.path.dirname(os.path.abspath(__file__))
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False,
             runtime_env={"env_vars": {"PYTHONPATH": here}})
    yield
    ray.shutdown()


def test_ray_data_scores_fashion_mnist_like_keras(local_ray, fashion_test_set, tmp_path):
    images, labels, keras = fashion_test_set
    ray.data.DataContext.get_current().execution_options.preserve_order = True
    # 28x28 rows: the Predictor reshapes them to the model's [N,28,28,1].
    ds = ray.data.from_numpy(images.reshape(-1, 28, 28))
    load_log = tmp_path / "loads.txt"
    scored = ds.map_batches(
        CountingPredictor, batch_format="numpy", batch_size=500,
        compute=ray.data.ActorPoolStrategy(size=2),
        fn_constructor_kwargs={"load_log": str(load_log), "path": str(MODEL),
                               "outputs": {"activation_3/Softmax": "probs"}})
    probs = np.stack([row["probs"] for row in scored.select_columns(["probs"]).iter_rows()])
    assert probs.shape == (10000, 10)
    check_scores(np.argmax(probs, axis=1), labels, keras)
    loads = load_log.read_text().split()
    assert 1 <= len(loads) <= 2 and len(set(loads)) == len(loads)  # once per actor

