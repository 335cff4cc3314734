#include "scratch_file.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "io/file_bytes.h"

namespace frost::fuzz {

namespace fs = std::filesystem;

namespace {
// Removes the folder at exit so fuzzing leaves nothing behind in /dev/shm.
struct ScratchDir {
  ScratchDir() {
    const fs::path base = fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    path = (base / ("frost-fuzz-" + std::to_string(::getpid()))).string();
    fs::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string path;
};
}  // namespace

const std::string& scratch_dir() {
  static const ScratchDir dir;
  return dir.path;
}

std::string write_scratch(const std::string& name, const std::string& bytes) {
  const std::string path = scratch_dir() + "/" + name;
  write_file_bytes(path, bytes);
  return path;
}

}  // namespace frost::fuzz
