"""What the Ray and Spark adapters share: turning the columns a distributed
engine hands over into the arrays a model's inputs take."""
import numpy as _np


def conform(array, info):
    """`array` as `info` (a frost.TensorInfo) wants it: the input's dtype, and
    its shape when the engine flattened or squeezed the rows (Spark hands
    28x28x1 images over as 784 floats, Ray as 28x28) and the input's shape
    beyond the batch is fully known and holds the same number of elements.
    Arrays that already fit are passed on untouched (no copy)."""
    array = _np.asarray(array)
    if array.dtype == object:  # a column of per-row arrays (ragged storage of equal-sized rows)
        array = _np.stack([_np.asarray(row) for row in array])
    if info.dtype is not None and array.dtype != info.dtype:
        array = array.astype(info.dtype)
    row_shape = info.shape[1:] if info.shape is not None else None
    if row_shape and all(d is not None for d in row_shape) and array.ndim >= 1 and \
            tuple(array.shape[1:]) != tuple(row_shape):
        if int(_np.prod(array.shape[1:], dtype=_np.int64)) == int(_np.prod(row_shape, dtype=_np.int64)):
            array = array.reshape((array.shape[0],) + tuple(row_shape))
    return _np.ascontiguousarray(array)
