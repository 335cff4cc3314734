// Where the tests find the shared corpus, and scratch directories.
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <unistd.h>
#include <string>

namespace frost::testing {

// The corpus graphs directory: $FROST_CORPUS (the corpus or its graphs/
// folder), else $FROST_SOURCE_ROOT/../shared/corpus/graphs; a worktree under
// /work/wt/<name> is one level deeper, so ../../shared is tried as well.
// Empty if none exists.
inline std::string corpus_graphs_dir() {
  namespace fs = std::filesystem;
  std::vector<fs::path> tries;
  if (const char* c = std::getenv("FROST_CORPUS")) {
    tries.push_back(fs::path(c) / "graphs");
    tries.push_back(fs::path(c));
  }
  if (const char* root = std::getenv("FROST_SOURCE_ROOT")) {
    tries.push_back(fs::path(root) / ".." / "shared" / "corpus" / "graphs");
    tries.push_back(fs::path(root) / ".." / ".." / "shared" / "corpus" / "graphs");
  }
  for (const auto& p : tries) {
    std::error_code ec;
    if (fs::is_regular_file(p / "chaow94_mnist_ckpt.index", ec)) return fs::weakly_canonical(p).string();
  }
  return {};
}

inline bool ci_mode() {
  const char* ci = std::getenv("CI");
  return ci && std::string(ci) == "true";
}

// Returns the corpus dir, or "" after failing (CI) or printing a visible skip.
#define FROST_REQUIRE_CORPUS(var)                                                         \
  const std::string var = ::frost::testing::corpus_graphs_dir();                          \
  if (var.empty()) {                                                                      \
    if (::frost::testing::ci_mode()) FAIL("corpus not found (set FROST_CORPUS)");         \
    MESSAGE("SKIPPED: shared corpus not found (set FROST_CORPUS to run this test)");      \
    return;                                                                               \
  }

// A fresh directory under the system temp dir, removed at scope exit.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("frost_ckpt_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace frost::testing
