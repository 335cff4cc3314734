"""Which models the peer benchmark runs, and their inputs and TensorFlow's
expected outputs, read from each model's reference.txt (models/README.md).

Three groups, in the report's order:
  models   every models/<name>/ with a frozen_graph.pb (committed)
  large    models/large/<name>/ (git-ignored; tools/models/large.py makes them)
  corpus   tests/corpus/<name>/ whose graph is a frozen .pb of
           ../shared/corpus/graphs (read in place, never copied)
The first stanza of a reference.txt is the one benchmarked.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

# Corpus graphs that are convolution networks (MANIFEST.md of the corpus);
# `--corpus all` takes every corpus graph with a reference instead, `--corpus
# other` every one but these (the recurrent, text and small dense graphs).
CORPUS_CNNS = ["teachable_handwriting", "sbd_yolo_inzapp", "ultraface_frozen",
               "mobilenet_v1_025_128_quantized", "opencv_face_detector_uint8",
               "cae_mnist_autoencoder", "captcha_cnn"]


@dataclasses.dataclass
class ModelSpec:
    name: str                          # row label: "models/resnet_small", ...
    graph: Path                        # the frozen GraphDef
    inputs: list[tuple[str, Path]]     # (tensor name "x:0", .npy or raw file)
    outputs: list[tuple[str, Path]]    # (tensor name, TensorFlow's .npy)

    @property
    def key(self) -> str:
        """File-safe name, for the conversion cache."""
        return self.name.replace("/", "__")

    def to_json(self) -> dict:
        return {"name": self.name, "graph": str(self.graph),
                "inputs": [[t, str(p)] for t, p in self.inputs],
                "outputs": [[t, str(p)] for t, p in self.outputs]}

    @staticmethod
    def from_json(d: dict) -> "ModelSpec":
        return ModelSpec(d["name"], Path(d["graph"]),
                         [(t, Path(p)) for t, p in d["inputs"]],
                         [(t, Path(p)) for t, p in d["outputs"]])


def read_reference(name: str, folder: Path) -> ModelSpec | None:
    """The first stanza of folder/reference.txt, or None without one."""
    ref = folder / "reference.txt"
    if not ref.is_file():
        return None
    graph, inputs, outputs = None, [], []
    for line in ref.read_text().splitlines():
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        if fields[0] == "graph":
            if graph is not None:
                break
            graph = (folder / fields[1]).resolve()
        elif fields[0] == "input":
            inputs.append((fields[1], (folder / fields[2]).resolve()))
        elif fields[0] == "output":
            outputs.append((fields[1], (folder / fields[2]).resolve()))
    if graph is None:
        return None
    return ModelSpec(name, graph, inputs, outputs)


def corpus_graphs_dir() -> Path:
    env = os.environ.get("FROST_CORPUS")
    return Path(env) / "graphs" if env else REPO_ROOT.parent / "shared" / "corpus" / "graphs"


def find_models(corpus: str = "cnn") -> list[ModelSpec]:
    """Every model of the three groups that has a reference; corpus is
    "cnn" (CORPUS_CNNS), "other" (all but CORPUS_CNNS), "all" or "none"."""
    specs = []
    for folder in sorted((REPO_ROOT / "models").iterdir()):
        if (folder / "frozen_graph.pb").is_file():
            spec = read_reference(f"models/{folder.name}", folder)
            if spec and spec.graph.name == "frozen_graph.pb":
                specs.append(spec)
    large = REPO_ROOT / "models" / "large"
    if large.is_dir():
        for folder in sorted(large.iterdir()):
            spec = read_reference(f"large/{folder.name}", folder)
            if spec:
                specs.append(spec)
    if corpus != "none":
        root = REPO_ROOT / "tests" / "corpus"
        names = sorted(p.name for p in root.iterdir() if p.is_dir()) if corpus in ("all", "other") else CORPUS_CNNS
        if corpus == "other":
            names = [n for n in names if n not in CORPUS_CNNS]
        graphs = corpus_graphs_dir()
        for name in names:
            spec = read_reference(f"corpus/{name}", root / name)
            if spec is None:
                continue
            spec.graph = graphs / spec.graph.name  # the corpus read in place, wherever it is
            if spec.graph.suffix == ".pb" and spec.graph.is_file():
                specs.append(spec)
    return specs
