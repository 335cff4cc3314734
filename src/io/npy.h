// NumPy .npy files (format versions 1.0, 2.0 and 3.0) <-> Tensor.
//
// Reads little-endian (or byte-order-free '|') f2 (half), f4, f8, i1, i2, i4,
// i8, u1, u2, u4, u8 and b1 arrays in C order. Fortran order (rank >= 2),
// big-endian data, object arrays, structured and other dtypes are refused
// with an error naming the file; a truncated header or data is an error, never
// an out-of-bounds read, and a shape over kMaxTensorBytes is refused before
// anything is allocated.
//
// Writes version 1.0 (2.0 when the header does not fit in 64 KiB), C order,
// header padded so the data starts at a multiple of 64 bytes. Quantised types
// are written as their integer storage (quint8 as u1, ...) and bfloat16 as f4
// (exact), since NumPy has no such types; strings cannot be written.
#pragma once

#include <string>

#include "graph/tensor.h"

namespace frost {

Tensor read_npy(const std::string& path);
void write_npy(const std::string& path, const Tensor& tensor);

// The same on memory: `name` stands for the file in error messages.
Tensor npy_from_bytes(const std::string& bytes, const std::string& name = "<npy bytes>");
std::string npy_to_bytes(const Tensor& tensor);

}  // namespace frost
