"""Frost beside its peers (TensorFlow, ONNX Runtime, OpenVINO, TFLite/LiteRT)
on the same frozen graphs and inputs: tools/bench_peers.py drives it."""
