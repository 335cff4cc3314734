// frost bench: the plan's figures (arena vs the tensors in it, in-place ops)
// are printed, and --no-plan runs without a plan.
#include <doctest/doctest.h>

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
  CHECK(planned.out.find("activations in an arena of") != std::string::npos);
  CHECK(planned.out.find("ops in place") != std::string::npos);

  const CommandResult unplanned = run_frost("bench " + quote(model.string()) + " --runs 2 --warmup 1 --no-plan");
  REQUIRE_MESSAGE(unplanned.exit_code == 0, unplanned.err);
  CHECK(unplanned.out.find("plan:") == std::string::npos);
}
