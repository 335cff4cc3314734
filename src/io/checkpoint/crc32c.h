// CRC-32C (Castagnoli polynomial, reflected 0x82f63b78), the checksum of
// LevelDB tables and TensorFlow tensor bundles, plus their "masking".
//
// Why masking: a CRC stored next to the data it covers makes CRC-of-CRC
// computations degenerate, so LevelDB (and TensorFlow after it) stores
// rotate_right(crc, 15) + 0xa282ead8 instead of the raw value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace frost {

// Continues a CRC-32C over `size` more bytes: crc32c_extend(crc32c(a), b) ==
// crc32c(a + b). Uses the SSE4.2 crc32 instruction when the CPU has it
// (checked once at run time), else a table-driven loop; both give equal results.
uint32_t crc32c_extend(uint32_t crc, const void* data, std::size_t size);

inline uint32_t crc32c(const void* data, std::size_t size) { return crc32c_extend(0, data, size); }
inline uint32_t crc32c(std::string_view bytes) { return crc32c(bytes.data(), bytes.size()); }

// The portable table-driven version, exposed so tests can compare it with the
// hardware path.
uint32_t crc32c_extend_portable(uint32_t crc, const void* data, std::size_t size);
// Whether crc32c_extend uses the SSE4.2 instruction on this machine.
bool crc32c_hardware_available();

constexpr uint32_t kCrc32cMaskDelta = 0xa282ead8u;

constexpr uint32_t crc32c_mask(uint32_t crc) {
  return ((crc >> 15) | (crc << 17)) + kCrc32cMaskDelta;
}

constexpr uint32_t crc32c_unmask(uint32_t masked) {
  const uint32_t rotated = masked - kCrc32cMaskDelta;
  return (rotated >> 17) | (rotated << 15);
}

}  // namespace frost
