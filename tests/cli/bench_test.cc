// frost bench: the plan's figures (arena vs the tensors in it, in-place ops)
// are printed, and --no-plan runs without a plan.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "cli_util.h"

using namespace frost::testing;

TEST_CASE("cli: bench prints the plan's arena; --no-plan and --threads are accepted") {
  const std::filesystem::path model =
      std::filesystem::path(std::getenv("FROST_SOURCE_ROOT")) / "models" / "fashion_cnn" / "frozen_graph.pb";
  const CommandResult planned = run_frost("bench " + quote(model.string()) + " --runs 2 --warmup 1 --threads 1");
  REQUIRE_MESSAGE(planned.exit_code == 0, planned.err);
  CHECK(planned.out.find("1 thread(s)") != std::string::npos);
  CHECK(planned.out.find(" kernels)") != std::string::npos);  // the instruction set the numbers are for
  CHECK(planned.out.find("activations in an arena of") != std::string::npos);
  CHECK(planned.out.find("ops in place") != std::string::npos);

  const CommandResult unplanned = run_frost("bench " + quote(model.string()) + " --runs 2 --warmup 1 --no-plan");
  REQUIRE_MESSAGE(unplanned.exit_code == 0, unplanned.err);
  CHECK(unplanned.out.find("plan:") == std::string::npos);
}

TEST_CASE("cli: FROST_MAX_ISA caps the kernels' instruction set; an unknown one is a one-line error, exit 2") {
  const std::filesystem::path model =
      std::filesystem::path(std::getenv("FROST_SOURCE_ROOT")) / "models" / "fashion_cnn" / "frozen_graph.pb";
  const CommandResult sse2 = run_frost("bench " + quote(model.string()) + " --runs 2 --warmup 1", "FROST_MAX_ISA=sse2");
  REQUIRE_MESSAGE(sse2.exit_code == 0, sse2.err);
  CHECK(sse2.out.find("(SSE2 kernels)") != std::string::npos);

  const CommandResult bad = run_frost("bench " + quote(model.string()) + " --runs 2", "FROST_MAX_ISA=avx3");
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("FROST_MAX_ISA: 'avx3'") != std::string::npos);
  CHECK(std::count(bad.err.begin(), bad.err.end(), '\n') == 1);
}
