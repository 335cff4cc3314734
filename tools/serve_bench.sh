#!/usr/bin/env bash
# docs/bench/serve.md's numbers: `frost serve` beside the Flask + TensorFlow
# recipe (tools/serve_flask_tf.py, gunicorn with 2 workers) on
# models/fashion_cnn, one Fashion-MNIST 28x28 image per request in TF
# Serving's body, the same wrk command for both: wrk -t2 -c8 -d15s --latency
# and -c64. frost serve also runs with --max-batch 1 (no batching) at -c64 to
# show what batching adds, and with --threads 2 (OpenMP threads per run). Both servers stay up for the whole run; each is
# measured while the other idles.
# Usage: tools/serve_bench.sh [SECONDS]   (needs wrk, the venv with flask/gunicorn)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
frost=${FROST_BIN:-build/src/cli/frost}
venv=${VENV:-/work/main/.venv}
model=models/fashion_cnn/frozen_graph.pb
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

/usr/bin/python3 - "$tmp" <<'PY'
import sys
sys.path.insert(0, "tools")
from serve_load_test import request_body, wrk_script
wrk_script(sys.argv[1], request_body())
PY

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 600); do curl -s -o /dev/null -X POST -d @"$tmp/body.json" "$1" && return 0; sleep 0.1; done; return 1; }

frost_port=$(free_port); frost1_port=$(free_port); frost2_port=$(free_port); flask_port=$(free_port)
"$frost" serve --no-access-log --port "$frost_port" --model fashion=$model & pids+=($!)
"$frost" serve --no-access-log --port "$frost1_port" --max-batch 1 --model fashion=$model & pids+=($!)
"$frost" serve --no-access-log --port "$frost2_port" --threads 2 --model fashion=$model & pids+=($!)
"$venv/bin/python" tools/serve_flask_tf.py --model $model --port "$flask_port" 2>"$tmp/flask.log" & pids+=($!)
for p in $frost_port $frost1_port $frost2_port $flask_port; do wait_http "http://127.0.0.1:$p/v1/models/fashion:predict"; done

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
lscpu | grep -m1 "Model name"
run() {  # name port connections
  wrk -t2 -c"$3" -d2s -s "$tmp/post.lua" "http://127.0.0.1:$2/v1/models/fashion:predict" > /dev/null  # warm-up
  echo "## $1, wrk -t2 -c$3 -d${seconds}s (load $(cut -d' ' -f1 /proc/loadavg))"
  wrk -t2 -c"$3" -d"${seconds}s" --latency -s "$tmp/post.lua" "http://127.0.0.1:$2/v1/models/fashion:predict"
}
run "flask+tf" "$flask_port" 8
run "frost serve" "$frost_port" 8
run "flask+tf" "$flask_port" 64
run "frost serve --max-batch 1" "$frost1_port" 64
run "frost serve" "$frost_port" 64
run "frost serve --threads 2" "$frost2_port" 64
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
