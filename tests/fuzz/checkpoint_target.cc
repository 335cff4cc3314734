// A tensor-bundle checkpoint: the input is a 4-byte little-endian length L,
// then L bytes of PREFIX.index (an SSTable), then the bytes of the one data
// shard PREFIX.data-00000-of-00001. Every tensor the index lists is read
// (size, CRC-32C, slices reassembled).
#include <algorithm>
#include <cstdint>

#include "fuzz_target.h"
#include "io/checkpoint/tensor_bundle.h"
#include "scratch_file.h"

namespace frost::fuzz {

void checkpoint(const std::string& bytes) {
  if (bytes.size() < 4) return;
  uint32_t index_size = 0;
  for (int i = 0; i < 4; ++i) index_size |= uint32_t{static_cast<unsigned char>(bytes[i])} << (8 * i);
  const std::string rest = bytes.substr(4);
  const size_t split = std::min<size_t>(index_size, rest.size());
  write_scratch("ckpt.index", rest.substr(0, split));
  write_scratch("ckpt.data-00000-of-00001", rest.substr(split));
  const CheckpointReader reader(scratch_dir() + "/ckpt");
  for (const CheckpointEntry& e : reader.entries()) reader.read(e.name);
}

}  // namespace frost::fuzz
