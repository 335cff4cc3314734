// Shared helpers for the io tests: scratch files and locating the corpus.
#pragma once

#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

namespace frost::testing {

// A scratch directory removed when the object goes out of scope.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("frost_io_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// doctest::Contains from a std::string (for CHECK_THROWS_WITH_AS with a path in it).
inline doctest::Contains has(const std::string& text) { return doctest::Contains(text.c_str()); }

inline bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci && std::string(ci) == "true";
}

// The corpus graphs folder: $FROST_CORPUS (the corpus root or its graphs/),
// else $FROST_SOURCE_ROOT/../shared/corpus/graphs. Empty when not found.
inline std::string corpus_graphs_dir() {
  namespace fs = std::filesystem;
  if (const char* c = std::getenv("FROST_CORPUS")) {
    if (fs::is_directory(fs::path(c) / "graphs")) return (fs::path(c) / "graphs").string();
    if (fs::is_directory(c)) return c;
  }
  if (const char* root = std::getenv("FROST_SOURCE_ROOT")) {
    const fs::path p = fs::path(root) / ".." / "shared" / "corpus" / "graphs";
    if (fs::is_directory(p)) return p.string();
  }
  return {};
}

// Returns the corpus folder, or empty after reporting the skip (a failure in CI).
inline std::string corpus_or_skip() {
  const std::string dir = corpus_graphs_dir();
  if (dir.empty()) {
    if (running_in_ci()) FAIL("corpus not found (set FROST_CORPUS or FROST_SOURCE_ROOT) and CI=true");
    MESSAGE("SKIPPED: corpus not found (set FROST_CORPUS or FROST_SOURCE_ROOT)");
  }
  return dir;
}

}  // namespace frost::testing
