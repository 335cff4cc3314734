#!/usr/bin/env bash
# Creates the project-local virtual environment ./.venv (git-ignored) with the
# exact versions pinned in tools/requirements.txt. Only the model generators and
# the peer benchmark (tools/bench_peers.py) in tools/ use it; building, running
# and testing Frost never does.
#
# Usage: tools/setup_venv.sh            (from anywhere inside the repo)
# Then:  .venv/bin/python tools/models/fashion_cnn.py
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
requirements="$repo_root/tools/requirements.txt"
venv="$repo_root/.venv"

python3 -m venv "$venv"
"$venv/bin/python" -m pip install --upgrade pip

# Everything except tf-keras, with dependencies.
"$venv/bin/python" -m pip install -r <(grep -v '^tf-keras' "$requirements")
# tf-keras requires the `tensorflow` distribution by name; tensorflow-cpu
# already provides the same package, so install it without dependencies.
"$venv/bin/python" -m pip install --no-deps "$(grep '^tf-keras==' "$requirements")"

"$venv/bin/python" - <<'PY'
import tensorflow as tf, tf_keras, numpy, h5py
print("tensorflow", tf.__version__, "tf_keras", tf_keras.__version__,
      "numpy", numpy.__version__, "h5py", h5py.__version__)
# The peers of tools/bench_peers.py.
import onnxruntime, openvino, tf2onnx, ai_edge_litert.interpreter, matplotlib
print("onnxruntime", onnxruntime.__version__, "openvino", openvino.__version__.split("-")[0],
      "tf2onnx", tf2onnx.__version__, "matplotlib", matplotlib.__version__)
PY
