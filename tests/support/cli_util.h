// Runs the built `frost` binary (path from $FROST_BIN) and captures exit code,
// stdout and stderr, for command-line tests.
#pragma once

#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace frost::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out, err;
};

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A fresh temporary directory per call, removed by the caller if it wants.
inline std::filesystem::path temp_dir(const std::string& tag) {
  static int counter = 0;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("frost_test_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  std::filesystem::create_directories(dir);
  return dir;
}

// `environment`: shell assignments for the command, e.g. "FROST_MAX_ISA=sse2".
inline CommandResult run_frost(const std::string& arguments, const std::string& environment = "") {
  const char* bin = std::getenv("FROST_BIN");
  REQUIRE_MESSAGE(bin != nullptr, "FROST_BIN is not set (run through meson test)");
  const auto dir = temp_dir("cmd");
  const std::string command = environment + " " + std::string(bin) + " " + arguments + " >" + (dir / "out").string() + " 2>" +
                              (dir / "err").string() + " </dev/null";
  const int status = std::system(command.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_text(dir / "out");
  r.err = read_text(dir / "err");
  std::filesystem::remove_all(dir);
  return r;
}

// Shell-quotes a path or argument.
inline std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The corpus directory, or "" (with a visible skip message) when absent outside CI.
inline std::string corpus_dir() {
  std::filesystem::path dir;
  if (const char* env = std::getenv("FROST_CORPUS")) dir = env;
  else if (const char* root = std::getenv("FROST_SOURCE_ROOT")) dir = std::filesystem::path(root) / ".." / "shared" / "corpus";
  if (!dir.empty() && std::filesystem::exists(dir / "graphs")) return dir.string();
  const char* ci = std::getenv("CI");
  if (ci && std::string(ci) == "true") FAIL("corpus not found (set FROST_CORPUS); required under CI=true");
  MESSAGE("SKIPPED: corpus not found at ../shared/corpus (set FROST_CORPUS)");
  return "";
}

}  // namespace frost::testing
