"""Zero copy: outputs are arrays over Frost's own buffers (base object
frost._frost.Buffer at the same address), and an aligned C-contiguous input
is read in place (the binding's copy counter stays put) and the call
allocates nothing of the tensors' size in Python's heap (tracemalloc sees
NumPy's allocations)."""
import gc
import tracemalloc

import numpy as np

import frost

INPUT, OUTPUT = "conv2d_input", "activation_3/Softmax"
BATCH = 256  # input 784 KiB, output 10 KiB: either copied would show


def test_output_owns_frosts_buffer(fashion_model):
    out = fashion_model({INPUT: frost.empty((4, 28, 28, 1))})[OUTPUT]
    assert isinstance(out.base, frost._frost.Buffer)
    assert out.base.address == out.ctypes.data
    assert out.base.nbytes == out.nbytes
    assert out.flags.c_contiguous and out.ctypes.data % 64 == 0


def test_output_outlives_the_model(root):
    model = frost.load(root / "models/fashion_cnn/frozen_graph.pb")
    out = model({INPUT: np.ones((2, 28, 28, 1), np.float32)})[OUTPUT]
    del model
    gc.collect()
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-5)


def peak_python_allocation(model, x):
    model({INPUT: x})  # plans compiled outside the measurement
    gc.collect()
    tracemalloc.start()
    try:
        result = model({INPUT: x})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return peak


def test_aligned_input_is_read_in_place(root, fashion_model):
    rng = np.random.default_rng(17)
    print("seed 17")
    x = frost.empty((BATCH, 28, 28, 1))
    x[...] = rng.random(x.shape, dtype=np.float32)
    assert x.ctypes.data % 64 == 0
    copies = frost._frost._input_copies()
    peak = peak_python_allocation(fashion_model, x)
    assert frost._frost._input_copies() == copies
    output_bytes = BATCH * 10 * 4
    assert peak < output_bytes, f"{peak} bytes allocated in the call"


def test_unaligned_input_is_copied_once_and_still_right(fashion_model):
    rng = np.random.default_rng(18)
    print("seed 18")
    raw = np.empty(BATCH * 784 * 4 + 64 + 4, np.uint8)
    offset = (-raw.ctypes.data % 64) + 4  # 4 bytes past a 64-byte boundary
    x = raw[offset:offset + BATCH * 784 * 4].view(np.float32).reshape(BATCH, 28, 28, 1)
    x[...] = rng.random(x.shape, dtype=np.float32)
    aligned = frost.empty(x.shape)
    aligned[...] = x
    copies = frost._frost._input_copies()
    fashion_model({INPUT: x})
    assert frost._frost._input_copies() == copies + 1
    np.testing.assert_allclose(fashion_model({INPUT: x})[OUTPUT], fashion_model({INPUT: aligned})[OUTPUT], rtol=1e-4, atol=1e-6)
    # Strided and byte-swapped inputs take the same one copy.
    np.testing.assert_allclose(fashion_model({INPUT: aligned[::-1]})[OUTPUT],
                               fashion_model({INPUT: aligned})[OUTPUT][::-1], rtol=1e-4, atol=1e-6)
    swapped = aligned.astype(aligned.dtype.newbyteorder(">"))
    np.testing.assert_allclose(fashion_model({INPUT: swapped})[OUTPUT], fashion_model({INPUT: aligned})[OUTPUT], rtol=1e-4, atol=1e-6)


def test_fed_array_is_not_modified(fashion_model):
    x = frost.empty((8, 28, 28, 1))
    x[...] = 0.5
    fashion_model({INPUT: x})
    assert (x == 0.5).all()
