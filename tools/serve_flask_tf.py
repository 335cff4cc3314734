#!/usr/bin/env python3
"""The "Freeze Tensorflow models and serve on web" tutorial's recipe, for the
`frost serve` benchmark (docs/bench/serve.md): a Flask app that loads the
frozen graph once into a TensorFlow session kept in memory and runs it per
request, under gunicorn with 2 workers (a session each). It takes TensorFlow
Serving's request body ({"instances": [...]}) and answers {"predictions": [...]}
so the same wrk script drives both servers.

Run in the project venv (tools/requirements.txt: tensorflow-cpu, flask, gunicorn):
    .venv/bin/python tools/serve_flask_tf.py --model models/fashion_cnn/frozen_graph.pb --port 8600
"""
import argparse
import os
import sys


def create_app(model_path, input_name, output_name):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import numpy as np
    import tensorflow as tf
    from flask import Flask, jsonify, request

    # Load the frozen graph once, at start-up, and keep the session (the tutorial's load_graph).
    graph_def = tf.compat.v1.GraphDef()
    with open(model_path, "rb") as f:
        graph_def.ParseFromString(f.read())
    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.import_graph_def(graph_def, name="")
    session = tf.compat.v1.Session(graph=graph)
    x = graph.get_tensor_by_name(input_name)
    y = graph.get_tensor_by_name(output_name)

    app = Flask(__name__)

    @app.route("/v1/models/<name>:predict", methods=["POST"])
    def predict(name):
        body = request.get_json(force=True)
        images = np.asarray(body["instances"], dtype=np.float32)
        return jsonify(predictions=session.run(y, feed_dict={x: images}).tolist())

    return app


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--input", default="conv2d_input:0")
    parser.add_argument("--output", default="activation_3/Softmax:0")
    parser.add_argument("--port", type=int, default=8600)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"127.0.0.1:{args.port}")
            self.cfg.set("workers", args.workers)
            self.cfg.set("accesslog", None)

        def load(self):  # each worker builds its own app and session
            return create_app(args.model, args.input, args.output)

    Server().run()


if __name__ == "__main__":
    sys.exit(main())
