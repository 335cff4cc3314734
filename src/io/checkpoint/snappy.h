// Decompression of the raw snappy format (LevelDB block compression type 1):
// a varint32 uncompressed length, then literal and back-reference elements
// whose 2-bit tag selects literal / copy with 1-, 2- or 4-byte offset.
// Format as described in snappy's public format_description.txt.
#pragma once

#include <string>
#include <string_view>

namespace frost {

// Throws frost::Error on malformed input (bad tag, offset before the start of
// the output, length mismatch); never reads or writes out of bounds, and
// refuses declared sizes the input could not plausibly expand to.
std::string snappy_decompress(std::string_view compressed);

}  // namespace frost
