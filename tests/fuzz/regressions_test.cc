// Every input the fuzzers ever crashed on, committed under
// tests/fuzz_regressions/<target>/, goes through its target's real loader in
// the normal suite: it must load or be refused with one frost::Error, never
// crash, trip a sanitizer or throw anything else. The targets run under the
// same caps as when fuzzing (prepare_process). FROST_FUZZ_VERBOSE=1 prints
// each input's outcome.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "fuzz_target.h"
#include "graph/error.h"
#include "io/file_bytes.h"

namespace fs = std::filesystem;

namespace {

fs::path regressions_dir() { return fs::path(std::getenv("FROST_SOURCE_ROOT")) / "tests" / "fuzz_regressions"; }

std::vector<fs::path> inputs_of(const std::string& target) {
  std::vector<fs::path> files;
  const fs::path dir = regressions_dir() / target;
  if (!fs::is_directory(dir)) return files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_regular_file() && entry.path().filename() != "README.md") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("fuzz regression inputs are refused cleanly or load") {
  frost::fuzz::prepare_process();
  int total = 0;
  for (const frost::fuzz::Target& target : frost::fuzz::targets()) {
    for (const fs::path& file : inputs_of(target.name)) {
      ++total;
      CAPTURE(file.string());
      const std::string bytes = frost::read_file_bytes(file.string());
      try {
        target.run(bytes);
        if (std::getenv("FROST_FUZZ_VERBOSE")) MESSAGE(std::string(target.name) << " " << file.filename().string() << ": ok");
      } catch (const frost::Error& e) {
        if (std::getenv("FROST_FUZZ_VERBOSE")) MESSAGE(std::string(target.name) << " " << file.filename().string() << ": " << std::string(e.what()));
      } catch (const std::exception& e) {
        FAIL_CHECK("escaped as a non-frost exception: " << std::string(e.what()));
      }
    }
  }
  MESSAGE(total << " regression inputs under " << regressions_dir().string());
}

TEST_CASE("every regression folder names a fuzz target") {
  if (!fs::is_directory(regressions_dir())) return;
  for (const auto& entry : fs::directory_iterator(regressions_dir())) {
    if (!entry.is_directory()) continue;
    CAPTURE(entry.path().string());
    CHECK(frost::fuzz::find_target(entry.path().filename().string()) != nullptr);
  }
}
