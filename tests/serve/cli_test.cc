// `frost serve`'s bad arguments: one line naming what is wrong, exit code 2,
// before anything listens.
#include <doctest/doctest.h>

#include "cli_util.h"
#include "serve_test_util.h"

namespace frost::testing {
namespace {

TEST_CASE("frost serve rejects bad arguments with one line and exit code 2") {
  const std::string fashion = quote(source_path("models/fashion_cnn/frozen_graph.pb"));
  struct Case {
    std::string args, error;
  };
  const std::vector<Case> cases = {
      {"", "frost serve: nothing to serve: pass --model NAME=PATH (repeatable)\n"},
      {"--model fashion", "frost serve: --model expects NAME=PATH, got 'fashion'\n"},
      {"--model a/b=" + fashion, "frost serve: --model a/b=" + source_path("models/fashion_cnn/frozen_graph.pb") +
                                     ": a model name cannot contain '/' (it goes in URLs)\n"},
      {"--model m=" + fashion + " --model m=" + fashion, "frost serve: two models are named 'm'\n"},
      {"--model m=" + fashion + " --port 70000", "frost serve: --port must be between 0 and 65535, got 70000\n"},
      {"--model m=" + fashion + " --max-batch 0", "frost serve: --max-batch must be between 1 and 4096, got 0\n"},
      {"--model m=" + fashion + " --bogus 1", ""},
      {"--model m=/nonexistent/model.pb", "/nonexistent/model.pb"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.args);
    const CommandResult r = run_frost("serve " + c.args);
    CHECK(r.exit_code == 2);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    if (c.error.find('\n') != std::string::npos) {
      CHECK(r.err == c.error);
    } else {
      CHECK(r.err.find(c.error) != std::string::npos);
    }
  }
}

TEST_CASE("frost serve on a port already taken says so") {
  TestServer taken({half_plus_three_model()});
  const CommandResult r = run_frost("serve --port " + std::to_string(taken.port()) + " --model m=" +
                                    quote(source_path("tests/serve/half_plus_three.pbtxt")));
  CHECK(r.exit_code == 2);
  CHECK(r.err == "frost serve: cannot listen on 127.0.0.1:" + std::to_string(taken.port()) +
                     " (in use, or not an address of this host)\n");
}

}  // namespace
}  // namespace frost::testing
