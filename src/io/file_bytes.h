// Whole files as bytes. Apart from graph_file.h so that readers of other
// formats (.npy) do not pull the protobuf schema into a binary: a program
// that also links OpenCV's DNN module (bench_model_opencv) would abort at
// start-up, both registering a "types.proto" with protobuf.
#pragma once

#include <string>

namespace frost {

// Largest model file Frost reads (protobuf's own limit for one message is 2 GiB).
constexpr long long kMaxProtoFileBytes = (1LL << 31) - 1;

// Whole file as bytes; throws (naming the file) if it is missing, a directory,
// unreadable, or larger than `max_bytes`.
std::string read_file_bytes(const std::string& path, long long max_bytes = kMaxProtoFileBytes);

// Writes bytes to a file (replacing it); throws naming the file on failure.
void write_file_bytes(const std::string& path, const std::string& bytes);

}  // namespace frost
