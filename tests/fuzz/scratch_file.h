// Loaders that take a path get the fuzzer's bytes through a file: each process
// writes into its own folder under /dev/shm (memory, not disk), so parallel
// fuzzing jobs never share a file.
#pragma once

#include <string>

namespace frost::fuzz {

// The process's scratch folder, created on first use.
const std::string& scratch_dir();
// Writes `bytes` to scratch_dir()/name and returns the path.
std::string write_scratch(const std::string& name, const std::string& bytes);

}  // namespace frost::fuzz
