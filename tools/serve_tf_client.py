#!/usr/bin/env python3
"""Clients written for TensorFlow Serving, used unchanged against `frost serve`.

1. The curl commands of TF Serving's REST API guide (its half_plus_three
   example: status, metadata, predict) - only host and port differ.
2. The Python client of TensorFlow's "Train and serve a TensorFlow model with
   TensorFlow Serving" tutorial (Fashion-MNIST, `requests`, row format with
   signature_name, then the /versions/1 URL), on models/fashion_cnn: the
   predicted classes must be the ones Keras predicted for those test images.

Starts `frost serve` on a free loopback port ($FROST_BIN, else build/src/cli/frost),
stops it with SIGTERM and checks it exits 0. Runs with Debian's python3 and
python3-requests (no numpy). Exit code 0 when everything matched.
Usage: tools/serve_tf_client.py [--frost PATH]
"""
import argparse
import gzip
import json
import os
import signal
import struct
import subprocess
import sys
import time

import requests

from serve_checks import Checks, free_port

ROOT = os.environ.get("FROST_SOURCE_ROOT", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FASHION_TEST_IMAGES = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"


def test_images(count):
    """The first `count` Fashion-MNIST test images as [28][28][1] lists of pixel/255."""
    with gzip.open(FASHION_TEST_IMAGES, "rb") as f:
        magic, n, rows, cols = struct.unpack(">IIII", f.read(16))
        assert magic == 2051 and rows == 28 and cols == 28, "not an IDX image file"
        raw = f.read(count * 784)
    # float32(pixel) / 255.0f, as models/fashion_cnn/README.md says: JSON carries the float's shortest text.
    to_f32 = lambda p: struct.unpack("<f", struct.pack("<f", p / 255.0))[0]
    return [[[[to_f32(raw[i * 784 + y * 28 + x])] for x in range(28)] for y in range(28)] for i in range(count)]


def keras_predictions(count):
    """The first `count` classes Keras predicted (models/fashion_cnn/keras_predictions.npy, uint8)."""
    with open(os.path.join(ROOT, "models/fashion_cnn/keras_predictions.npy"), "rb") as f:
        data = f.read()
    header_len = struct.unpack("<H", data[8:10])[0]
    assert b"'|u1'" in data[10:10 + header_len], "expected uint8 predictions"
    return list(data[10 + header_len:10 + header_len + count])


def curl(*args):
    out = subprocess.run(["curl", "-s", *args], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frost", default=os.environ.get("FROST_BIN", os.path.join(ROOT, "build/src/cli/frost")))
    args = parser.parse_args()
    port = free_port()
    server = subprocess.Popen(
        [args.frost, "serve", "--port", str(port), "--no-access-log",
         "--model", "half_plus_three=" + os.path.join(ROOT, "tests/serve/half_plus_three.pbtxt"),
         "--model", "fashion_model=" + os.path.join(ROOT, "models/fashion_cnn/frozen_graph.pb")],
        stderr=subprocess.PIPE, text=True)
    check = Checks()

    try:
        base = f"http://localhost:{port}"
        for _ in range(200):  # wait until it listens (loading takes a moment)
            try:
                requests.get(base + "/healthz", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.05)

        # --- TF Serving's REST API guide, half_plus_three ---
        status = curl(f"{base}/v1/models/half_plus_three")
        check("curl status", status["model_version_status"][0]["state"] == "AVAILABLE", status)
        meta = curl(f"{base}/v1/models/half_plus_three/metadata")
        sig = meta["metadata"]["signature_def"]["signature_def"]["serving_default"]
        check("curl metadata", sig["inputs"]["x"]["dtype"] == "DT_FLOAT", meta)
        pred = curl("-d", '{"instances": [1.0,2.0,5.0]}', "-X", "POST", f"{base}/v1/models/half_plus_three:predict")
        check("curl predict", pred == {"predictions": [3.5, 4.0, 5.5]}, pred)

        # --- TensorFlow's Fashion-MNIST serving tutorial, its client code ---
        test = test_images(3)
        data = json.dumps({"signature_name": "serving_default", "instances": test[0:3]})
        headers = {"content-type": "application/json"}
        json_response = requests.post(f"{base}/v1/models/fashion_model:predict", data=data, headers=headers)
        predictions = json.loads(json_response.text)["predictions"]
        classes = [max(range(10), key=p.__getitem__) for p in predictions]
        check("requests predict (tutorial)", classes == keras_predictions(3), classes)
        json_response = requests.post(f"{base}/v1/models/fashion_model/versions/1:predict", data=data, headers=headers)
        predictions = json.loads(json_response.text)["predictions"]
        classes = [max(range(10), key=p.__getitem__) for p in predictions]
        check("requests predict /versions/1", classes == keras_predictions(3), classes)
        # A burst of concurrent requests (batched runs start the runtime's
        # threads) before the SIGTERM below: it must still stop cleanly.
        import concurrent.futures
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(lambda _: requests.post(f"{base}/v1/models/fashion_model:predict", data=data,
                                                          headers=headers).status_code, range(64)))
        check("64 concurrent requests", codes == [200] * 64, codes)
        bad = requests.post(f"{base}/v1/models/fashion_model:predict", data='{"instances": [[1]]}', headers=headers)
        check("requests 400 with error", bad.status_code == 400 and "conv2d_input" in bad.json()["error"], bad.text)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            code = "timeout"
        check("SIGTERM: exit 0", code == 0, f"{code}: {server.stderr.read()}")
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
