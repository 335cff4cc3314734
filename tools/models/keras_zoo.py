"""Keras zoo: one small model per Keras layer and option, saved as Keras 2
HDF5 (.h5, written by tf.keras 2.21 = tf_keras) and Keras 3 (.keras), with
seeded inputs and Keras's own outputs, for Frost's Keras conversion tests
(tests/keras: every stanza of models/keras_zoo/keras_reference.txt within 1e-5
relative). Also writes a few deliberately bad files (models/keras_zoo/bad/)
for the error tests.

Run inside the project venv:  .venv/bin/python tools/models/keras_zoo.py
Weights are random (seeded) and BatchNormalization statistics are made
non-trivial, so a layer that is converted wrongly cannot hide.
"""

from __future__ import annotations

import shutil
import sys
import zipfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import MODELS_DIR, Stanza, save_npy, set_all_seeds, write_reference  # noqa: E402

SEED = 19
OUT = MODELS_DIR / "keras_zoo"


def frameworks():
    import keras
    import tf_keras
    return {"h5": tf_keras, "keras": keras}


def randomize(model, rng):
    """Seeded random weights; variances positive and away from zero."""
    for layer in model.layers:
        if hasattr(layer, "layers") and layer.layers:
            randomize(layer, rng)
            continue
        weights = layer.get_weights()
        if not weights:
            continue
        new = []
        for w, var in zip(weights, layer.weights):
            name = var.name if hasattr(var, "name") else ""
            path = getattr(var, "path", name)
            if "variance" in name or "variance" in path:
                new.append(rng.uniform(0.5, 1.5, w.shape).astype(w.dtype))
            elif w.dtype.kind in "iu":
                new.append(w)
            else:
                new.append((rng.standard_normal(w.shape) * 0.4).astype(w.dtype))
        layer.set_weights(new)


def history(tensor):
    h = tensor._keras_history
    layer = h[0] if not hasattr(h, "operation") else h.operation
    index = h[2] if not hasattr(h, "tensor_index") else h.tensor_index
    return layer.name if index == 0 else f"{layer.name}:{index}"


# ---- the cases: name -> (builder(K) -> model, input kinds) -------------------

def seq(K, shape, *layers):
    x = K.Input(shape, name="x")
    y = x
    for l in layers:
        y = l(y)
    return K.Model(x, y)


CASES = {}


def case(name, only=None):
    def register(f):
        CASES[name] = (f, only)
        return f
    return register


@case("dense")
def _(K): return seq(K, (8,), K.layers.Dense(5, activation="relu"), K.layers.Dense(3))


@case("dense_3d_nobias")
def _(K): return seq(K, (4, 6), K.layers.Dense(3, use_bias=False, activation="tanh"))


for _act in ["relu", "sigmoid", "tanh", "softmax", "softplus", "softsign", "selu", "elu", "exponential",
             "hard_sigmoid", "swish", "relu6", "linear", "mish", "log_softmax", "silu", "leaky_relu", "hard_silu",
             "gelu", "glu", "hard_shrink", "soft_shrink", "squareplus", "sparse_plus", "hard_tanh", "tanh_shrink",
             "log_sigmoid"]:
    def _make(a):
        return lambda K: seq(K, (10,), K.layers.Dense(10), K.layers.Activation(a))
    case(f"activation_{_act}")(_make(_act))


@case("relu_layers")
def _(K):
    return seq(K, (12,), K.layers.Dense(12), K.layers.ReLU(max_value=6.0), K.layers.Dense(12),
               K.layers.ReLU(negative_slope=0.1, threshold=0.5, max_value=2.0), K.layers.Dense(12),
               K.layers.ReLU(threshold=0.2), K.layers.Dense(12), K.layers.ReLU(negative_slope=0.3))


@case("leaky_elu_prelu")
def _(K):
    return seq(K, (6, 6, 3), K.layers.LeakyReLU(0.2), K.layers.Conv2D(4, 3), K.layers.ELU(0.5),
               K.layers.Conv2D(4, 1), K.layers.PReLU(shared_axes=[1, 2]), K.layers.Conv2D(2, 1), K.layers.PReLU(),
               K.layers.ELU())


@case("thresholded_relu", only="h5")
def _(K): return seq(K, (9,), K.layers.ThresholdedReLU(0.3))


@case("softmax_axis")
def _(K): return seq(K, (3, 5), K.layers.Softmax(axis=1))


@case("noops")
def _(K):
    return seq(K, (5, 6), K.layers.Dropout(0.5), K.layers.SpatialDropout1D(0.3), K.layers.GaussianNoise(0.1),
               K.layers.GaussianDropout(0.2), K.layers.ActivityRegularization(0.01), K.layers.Dense(4),
               K.layers.AlphaDropout(0.1))


@case("reshapes")
def _(K):
    return seq(K, (3, 4, 2), K.layers.Permute((2, 1, 3)), K.layers.Reshape((8, 3)), K.layers.Flatten(),
               K.layers.RepeatVector(2), K.layers.Reshape((-1,)))


@case("conv2d_same_strided")
def _(K): return seq(K, (9, 8, 3), K.layers.Conv2D(5, 3, strides=2, padding="same", activation="relu"))


@case("conv2d_valid_dilated_nobias")
def _(K): return seq(K, (10, 9, 2), K.layers.Conv2D(4, (3, 2), dilation_rate=2, use_bias=False))


@case("channels_first", only="keras")
def _(K):
    return seq(K, (3, 8, 6), K.layers.Conv2D(4, 3, padding="same", data_format="channels_first"),
               K.layers.BatchNormalization(axis=1), K.layers.MaxPooling2D(2, data_format="channels_first"),
               K.layers.UpSampling2D(2, data_format="channels_first"),
               # use_bias=False: Keras 3.15 adds a channels_first DepthwiseConv2D's bias
               # along the last (width) axis, not the channels (a Keras bug; Frost
               # adds it per channel, as Keras 2 and the layer's definition do).
               K.layers.DepthwiseConv2D(3, data_format="channels_first", use_bias=False),
               K.layers.GlobalAveragePooling2D(data_format="channels_first"))


@case("conv_groups")
def _(K):
    x = K.Input((7, 6, 4), name="x")
    a = K.layers.Conv2D(6, 3, groups=2, padding="same", activation="relu")(x)
    b = K.layers.Reshape((42, 6))(a)
    return K.Model(x, K.layers.Conv1D(4, 3, groups=2)(b))


@case("conv1d")
def _(K):
    return seq(K, (12, 3), K.layers.Conv1D(4, 3, padding="same"), K.layers.Conv1D(5, 2, strides=2),
               K.layers.Conv1D(3, 3, padding="causal", dilation_rate=2, activation="sigmoid"))


@case("conv2d_transpose")
def _(K):
    return seq(K, (5, 4, 3), K.layers.Conv2DTranspose(4, 3, strides=2, padding="same"),
               K.layers.Conv2DTranspose(3, 2, padding="valid", activation="relu"),
               K.layers.Conv2DTranspose(2, 3, strides=2, padding="same", output_padding=1, use_bias=False))


@case("depthwise_conv2d")
def _(K):
    return seq(K, (9, 9, 3), K.layers.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=2),
               K.layers.DepthwiseConv2D(2, dilation_rate=2, activation="relu6", use_bias=False))


@case("separable_conv")
def _(K):
    x = K.Input((10, 10, 3), name="x")
    a = K.layers.SeparableConv2D(4, 3, padding="same", depth_multiplier=2, activation="relu")(x)
    b = K.layers.Reshape((100, 4))(a)
    c = K.layers.SeparableConv1D(3, 3, strides=2)(b)
    return K.Model(x, c)


@case("batchnorm")
def _(K):
    return seq(K, (6, 6, 3), K.layers.BatchNormalization(), K.layers.BatchNormalization(axis=1),
               K.layers.Reshape((36, 3)), K.layers.BatchNormalization(center=False),
               K.layers.Flatten(), K.layers.BatchNormalization(scale=False, epsilon=0.01))


@case("layernorm")
def _(K):
    return seq(K, (4, 6), K.layers.LayerNormalization(), K.layers.LayerNormalization(axis=[1, 2], epsilon=1e-5),
               K.layers.LayerNormalization(center=False))


@case("pooling2d")
def _(K):
    return seq(K, (9, 8, 3), K.layers.MaxPooling2D(3, strides=1, padding="same"), K.layers.AveragePooling2D(2),
               K.layers.MaxPooling2D((2, 1)), K.layers.AveragePooling2D(2, strides=1, padding="same"))


@case("pooling1d")
def _(K):
    return seq(K, (11, 3), K.layers.MaxPooling1D(2), K.layers.AveragePooling1D(3, strides=1, padding="same"))


@case("global_pooling")
def _(K):
    x = K.Input((5, 6, 3), name="x")
    a = K.layers.GlobalAveragePooling2D()(x)
    b = K.layers.GlobalMaxPooling2D()(x)
    r = K.layers.Reshape((30, 3))(x)
    c = K.layers.GlobalAveragePooling1D()(r)
    d = K.layers.GlobalMaxPooling1D()(r)
    e = K.layers.GlobalMaxPooling2D(keepdims=True)(x)
    return K.Model(x, [K.layers.Concatenate()([a, b, c, d]), e])


@case("padding_cropping")
def _(K):
    x = K.Input((6, 5, 2), name="x")
    a = K.layers.ZeroPadding2D(((1, 2), (0, 1)))(x)
    b = K.layers.Cropping2D(((1, 0), (2, 1)))(a)
    c = K.layers.ZeroPadding2D(1)(b)
    r = K.layers.Reshape((30, 2))(x)
    d = K.layers.ZeroPadding1D(2)(r)
    e = K.layers.Cropping1D((1, 3))(d)
    return K.Model(x, [c, e])


@case("upsampling")
def _(K):
    x = K.Input((4, 3, 2), name="x")
    a = K.layers.UpSampling2D((2, 3))(x)
    b = K.layers.UpSampling2D(2, interpolation="bilinear")(x)
    r = K.layers.Reshape((12, 2))(x)
    c = K.layers.UpSampling1D(3)(r)
    return K.Model(x, [a, b, c])


@case("merges")
def _(K):
    a = K.Input((6,), name="a")
    b = K.Input((6,), name="b")
    outs = [K.layers.Add()([a, b]), K.layers.Subtract()([a, b]), K.layers.Multiply()([a, b]),
            K.layers.Average()([a, b]), K.layers.Maximum()([a, b]), K.layers.Minimum()([a, b]),
            K.layers.Dot(axes=1)([a, b]), K.layers.Dot(axes=1, normalize=True)([a, b])]
    return K.Model([a, b], K.layers.Concatenate(axis=1)(outs))


@case("dot_3d")
def _(K):
    a = K.Input((4, 5), name="a")
    b = K.Input((3, 5), name="b")
    c = K.Input((4, 2), name="c")
    return K.Model([a, b, c], [K.layers.Dot(axes=(2, 2))([a, b]), K.layers.Dot(axes=(1, 1))([a, c])])


@case("embedding", only=None)
def _(K):
    x = K.Input((7,), name="ids", dtype="int32")
    y = K.layers.Embedding(20, 4)(x)
    return K.Model(x, K.layers.Flatten()(y))


@case("simple_rnn")
def _(K):
    x = K.Input((6, 3), name="x")
    a = K.layers.SimpleRNN(4, return_sequences=True, go_backwards=True)(x)
    b = K.layers.SimpleRNN(5, activation="relu")(a)
    return K.Model(x, b)


@case("lstm")
def _(K):
    x = K.Input((7, 3), name="x")
    a = K.layers.LSTM(5, return_sequences=True)(x)
    b, h, c = K.layers.LSTM(4, return_state=True, go_backwards=True)(a)
    return K.Model(x, [b, h, c])


@case("gru_reset_after")
def _(K):
    x = K.Input((6, 3), name="x")
    return K.Model(x, K.layers.GRU(4, return_sequences=True, reset_after=True)(x))


@case("gru_reset_before")
def _(K):
    x = K.Input((6, 3), name="x")
    return K.Model(x, K.layers.GRU(4, reset_after=False, go_backwards=True)(x))


@case("bidirectional")
def _(K):
    x = K.Input((5, 3), name="x")
    a = K.layers.Bidirectional(K.layers.LSTM(4, return_sequences=True))(x)
    b = K.layers.Bidirectional(K.layers.GRU(3, return_sequences=True), merge_mode="sum")(a)
    c = K.layers.Bidirectional(K.layers.SimpleRNN(3), merge_mode="ave")(b)
    d = K.layers.Bidirectional(K.layers.LSTM(2), merge_mode="mul")(b)
    return K.Model(x, [c, d])


@case("time_distributed")
def _(K):
    x = K.Input((4, 6, 6, 2), name="x")
    a = K.layers.TimeDistributed(K.layers.Conv2D(3, 3))(x)
    b = K.layers.TimeDistributed(K.layers.Flatten())(a)
    c = K.layers.TimeDistributed(K.layers.Dense(5, activation="relu"))(b)
    return K.Model(x, c)


@case("rescaling_normalization")
def _(K):
    x = K.Input((5, 3), name="x")
    a = K.layers.Rescaling(1 / 255.0, offset=-1.0)(x)
    b = K.layers.Normalization(mean=[0.1, -0.2, 0.3], variance=[1.5, 0.5, 2.0])(a)
    return K.Model(x, b)


@case("functional_shared_nested")
def _(K):
    inner_in = K.Input((6,), name="inner_in")
    inner = K.Model(inner_in, K.layers.Dense(3, activation="tanh")(K.layers.Dense(4)(inner_in)), name="inner")
    a = K.Input((6,), name="a")
    b = K.Input((6,), name="b")
    shared = K.layers.Dense(6, activation="relu", name="shared")
    sa, sb = shared(a), shared(b)
    y1 = inner(K.layers.Add()([sa, sb]))
    y2 = K.layers.Dense(2, name="head")(K.layers.Concatenate()([sa, y1]))
    return K.Model([a, b], [y1, y2])


@case("sequential_in_functional")
def _(K):
    block = K.Sequential([K.layers.Conv2D(4, 3, padding="same"), K.layers.BatchNormalization(), K.layers.ReLU()],
                         name="block")
    x = K.Input((8, 8, 3), name="x")
    y = K.layers.GlobalAveragePooling2D()(block(x))
    return K.Model(x, K.layers.Dense(3, activation="softmax")(y))


@case("mobilenet_v2", only="h5")
def _(K):
    return K.applications.MobileNetV2(input_shape=(64, 64, 3), alpha=0.35, weights=None, classes=10)


# ---- inputs, saving ----------------------------------------------------------

def make_inputs(model, rng):
    xs = []
    for t in model.inputs:
        shape = [2] + [int(d) for d in t.shape[1:]]
        dtype = t.dtype if isinstance(t.dtype, str) else t.dtype.name
        if "int" in dtype:
            xs.append(rng.integers(0, 20, shape).astype(np.int32))
        else:
            xs.append(rng.standard_normal(shape).astype(np.float32))
    return xs


def bad_files(fw):
    """Files Frost must refuse with one clear line."""
    bad = OUT / "bad"
    bad.mkdir(exist_ok=True)
    K = fw["h5"]
    x = K.Input((4,), name="x")
    K.Model(x, K.layers.Lambda(lambda t: t * 2.0, name="double")(x)).save(bad / "lambda.h5")

    class Scale(K.layers.Layer):
        def call(self, t):
            return t * 3.0
    K.Model(x, Scale(name="scale")(x)).save(bad / "custom_class.h5")

    good = seq(K, (4,), K.layers.Dense(3, name="dense"))
    good.save(bad / "missing_weights.h5")
    import h5py
    with h5py.File(bad / "missing_weights.h5", "r+") as f:
        g = f["model_weights/dense"]
        names = [n for n in g.attrs["weight_names"]]
        g.attrs["weight_names"] = names[:1]  # the bias is no longer listed
    good.save_weights(bad / "weights_only.h5")
    k3 = seq(fw["keras"], (4,), fw["keras"].layers.Dense(3))
    k3.save(bad / "good.keras")
    with zipfile.ZipFile(bad / "no_config.keras", "w") as z:
        z.writestr("metadata.json", '{"keras_version": "3.15.1"}')
        z.writestr("model.weights.h5", (bad / "good.keras").read_bytes()[:0])
    (bad / "good.keras").unlink()


def main():
    fw = frameworks()
    # Everything here is generated except the README.
    if OUT.exists():
        for p in OUT.iterdir():
            if p.name != "README.md":
                shutil.rmtree(p) if p.is_dir() else p.unlink()
    OUT.mkdir(parents=True, exist_ok=True)
    stanzas = []
    only = sys.argv[1:]
    for name, (build, only_fw) in CASES.items():
        if only and name not in only:
            continue
        for ext, K in fw.items():
            if only_fw and ext != only_fw:
                continue
            set_all_seeds(SEED)
            rng = np.random.default_rng(SEED)
            try:
                model = build(K)
            except (ValueError, AttributeError, TypeError) as e:
                print(f"skip {name}.{ext}: {e}")
                continue
            randomize(model, rng)
            xs = make_inputs(model, rng)
            try:
                ys = model(xs if len(xs) > 1 else xs[0], training=False)
            except Exception as e:  # noqa: BLE001 - e.g. an op Keras cannot run on a CPU
                print(f"skip {name}.{ext}: Keras cannot run it here: {str(e).splitlines()[0]}")
                continue
            ys = ys if isinstance(ys, (list, tuple)) else [ys]
            file = f"{name}.{ext}"
            model.save(OUT / file)
            inputs, outputs = [], []
            for t, v in zip(model.inputs, xs):
                npy = f"{name}.{ext}.in_{history(t).replace(':', '_')}.npy"
                save_npy(OUT / npy, v)
                inputs.append((history(t), npy))
            for t, v in zip(model.outputs, ys):
                npy = f"{name}.{ext}.out_{history(t).replace(':', '_')}.npy"
                save_npy(OUT / npy, np.asarray(v))
                outputs.append((history(t), npy))
            version = K.__version__
            stanzas.append(Stanza(file, inputs, outputs, [f"{name}: saved by {K.__name__} {version}"]))
            print(f"{file}: {(OUT / file).stat().st_size} bytes")
    write_reference(OUT, stanzas, [f"Keras zoo made by tools/models/keras_zoo.py (seed {SEED}); outputs are",
                                   "Keras's own (model(x, training=False)) on the inputs beside them."])
    # reference.txt's format, under another name: the suites that run every
    # models/*/reference.txt take frozen graphs; tests/keras runs these.
    (OUT / "reference.txt").rename(OUT / "keras_reference.txt")
    bad_files(fw)


if __name__ == "__main__":
    main()
