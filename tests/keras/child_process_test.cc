// run_in_child (src/io/keras/child_process.h), which keeps libhdf5 away from
// Frost's process: results of any size come back, a frost::Error keeps its
// message and file, and a crash or a hang in the child is one frost::Error.
#include <doctest/doctest.h>
#include <signal.h>

#include <string>

#include "graph/error.h"
#include "io/keras/child_process.h"

using frost::Error;
using frost::keras::run_in_child;

namespace {

std::string error_of(const std::function<std::string()>& work, double seconds = 5) {
  try {
    run_in_child(work, "the job", seconds);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("run_in_child returns the child's bytes, larger than a pipe's buffer") {
  std::string big(3 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 131 + (i >> 9));
  CHECK(run_in_child([&] { return big; }, "the job", 30) == big);
  CHECK(run_in_child([] { return std::string(); }, "the job", 5).empty());
}

TEST_CASE("run_in_child rethrows the child's frost::Error with its file") {
  const std::string what = error_of([]() -> std::string { throw std::move(Error("bad weights").file("m.h5")); });
  CHECK(what.find("m.h5") != std::string::npos);
  CHECK(what.find("bad weights") != std::string::npos);
  CHECK(error_of([]() -> std::string { throw std::runtime_error("out of luck"); }).find("out of luck") !=
        std::string::npos);
}

TEST_CASE("run_in_child turns a crash and a hang into a frost::Error") {
  const std::string crash = error_of([]() -> std::string {
    raise(SIGSEGV);
    return "not reached";
  });
  // Signal 11 here; a sanitizer build reports SIGSEGV and aborts (6).
  CHECK(crash.find("the job crashed (signal ") != std::string::npos);
  const std::string hang = error_of(
      []() -> std::string {
        for (;;) pause();
      },
      0.3);
  CHECK(hang.find("the job did not finish within 1 s") != std::string::npos);
}
