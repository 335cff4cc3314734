"""Generates bench-sized models into models/large/ (git-ignored: ~100 MB of
weights; for benchmarks only, never needed by tests).

    .venv/bin/python tools/models/large.py [mobilenet_v2_224 resnet50_224 inception_v3_299]

Each model is a tf.keras.applications architecture with weights=None,
random-initialised from numpy with a fixed seed exactly like
random_models.py (BatchNorm statistics included), frozen in TF1 graph mode,
with a batch-1 seeded input, TensorFlow's output and a reference.txt.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import random_models  # noqa: E402  (enters TF1 graph mode on import)

tf_keras = random_models.tf_keras

LARGE = {
    "mobilenet_v2_224": lambda: tf_keras.applications.MobileNetV2(
        input_shape=(224, 224, 3), alpha=1.0, weights=None),
    # Logits, not Softmax: with random weights ResNet50's logits are so large
    # that its softmax is exactly one-hot, and every engine would match it.
    "resnet50_224": lambda: tf_keras.applications.ResNet50(
        input_shape=(224, 224, 3), weights=None, classifier_activation=None),
    "inception_v3_299": lambda: tf_keras.applications.InceptionV3(
        input_shape=(299, 299, 3), weights=None),
}


def generate(name: str) -> None:
    out_dir = common.MODELS_DIR / "large" / name
    out_dir.mkdir(parents=True, exist_ok=True)
    frozen, input_name, output_name, model = random_models.build_and_freeze(
        name, LARGE[name])
    common.write_graph_def(frozen, out_dir / "frozen_graph.pb")
    rng = np.random.default_rng([random_models.SEED, 2, sum(name.encode())])
    shape = [1] + model.input.shape.as_list()[1:]
    inputs = rng.uniform(-1.0, 1.0, shape).astype(np.float32)
    common.save_npy(out_dir / "inputs.npy", inputs)
    (expected,) = common.run_graph_def(frozen, {input_name: inputs},
                                       [output_name])
    common.save_npy(out_dir / "expected.npy", expected.astype(np.float32))
    common.write_reference(out_dir, [common.Stanza(
        graph="frozen_graph.pb", inputs=[(input_name, "inputs.npy")],
        outputs=[(output_name, "expected.npy")])], header=[
        f"{name}: bench model, random weights (tools/models/large.py)"])
    (out_dir / "README.md").write_text(
        f"# {name}\n\nBench model from tools/models/large.py (not committed).\n"
        f"Input `{input_name}` {shape}, output `{output_name}` "
        f"{list(expected.shape)}.\n\nOps: {common.describe_graph(frozen)}\n")
    print(f"{name}: {len(frozen.node)} nodes, "
          f"{common.dir_size_bytes(out_dir / 'frozen_graph.pb'):,} bytes",
          flush=True)


def main() -> None:
    for name in sys.argv[1:] or list(LARGE):
        generate(name)


if __name__ == "__main__":
    main()
