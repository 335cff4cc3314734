#!/usr/bin/env bash
# `pip install .` as a user does it: a clean clone of the committed HEAD, a
# fresh venv (python3 -m venv), `pip install ".[test]"` (pip downloads the
# pinned build requirements: meson-python, meson, ninja, pybind11 2.13, and
# NumPy 2 for the package), then from outside the clone:
#   - frost.load('models/fashion_cnn/frozen_graph.pb') gives the outputs
#     `frost run` saves for the same inputs, bit for bit (one thread each);
#   - the package's pytest suite passes against the installed package (NumPy 2
#     and pybind11 2.13 here, where the build tree's suite has NumPy 1 and 2.10).
# Needs the network (PyPI). Only committed work is tested (git clone of HEAD).
#
# Usage: pip_install.sh WORK_DIR FROST_BIN   (WORK_DIR is emptied first)
# Leaves WORK_DIR/clone with the wheel's meson build in build-pip/ (kept, so a
# rerun or another `pip install` of the clone rebuilds incrementally).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:?usage: pip_install.sh WORK_DIR FROST_BIN}
frost_bin=$(realpath "${2:?usage: pip_install.sh WORK_DIR FROST_BIN}")
mkdir -p "$work"
work=$(cd "$work" && pwd)
rm -rf "$work/clone" "$work/venv" "$work/run"

git clone -q --no-checkout "$repo" "$work/clone"
git -C "$work/clone" checkout -q "$(git -C "$repo" rev-parse HEAD)"
python3 -m venv "$work/venv"
cd "$work/clone"
echo "pip install .[test] in a fresh venv ($(python3 --version))"
"$work/venv/bin/pip" install --disable-pip-version-check -q ".[test]" --config-settings=build-dir=build-pip

cd "$work"  # not the clone: `import frost` must find the installed package
"$frost_bin" run "$repo/models/fashion_cnn/frozen_graph.pb" \
  --input "conv2d_input=$repo/models/fashion_cnn/inputs.npy" --threads 1 --save "$work/run" > /dev/null
"$work/venv/bin/python" - "$repo" "$work/run" <<'PY'
import pathlib, sys
import numpy as np
import frost
repo, saved = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
assert "site-packages" in frost.__file__, frost.__file__
m = frost.load(repo / "models/fashion_cnn/frozen_graph.pb", threads=1)  # one thread: bit-reproducible sums
out = m({m.inputs[0].name: np.load(repo / "models/fashion_cnn/inputs.npy")})
for name, array in out.items():
    expected = np.load(saved / (name.replace("/", "_").replace(":", "_") + ".npy"))
    assert np.array_equal(array, expected), f"{name}: differs from frost run by {np.abs(array - expected).max()}"
print(f"installed {frost.__file__} (NumPy {np.__version__}): outputs equal to `frost run`'s")
PY
# The clone's tests and models: the committed state, as the package.
FROST_SOURCE_ROOT=$work/clone FROST_BIN=$frost_bin "$work/venv/bin/python" -m pytest -q -p no:cacheprovider \
  "$work/clone/python/tests"
