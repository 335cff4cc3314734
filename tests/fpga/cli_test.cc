// `frost compile --backend fpga`, `eval --backend fpga`, `check --backend fpga`
// on the bundled Fashion-MNIST CNN, and a bad arch file.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "cli_util.h"
#include "io/datasets.h"
#include "io/json_reader.h"

using namespace frost;
using namespace frost::testing;

namespace {

std::string model_dir() { return std::string(std::getenv("FROST_SOURCE_ROOT")) + "/models/fashion_cnn"; }

// Whether Fashion-MNIST is installed (required under CI=true).
bool have_dataset() {
  if (std::filesystem::exists(fashion_mnist_dir() + "/t10k-labels-idx1-ubyte.gz")) return true;
  const char* ci = std::getenv("CI");
  if (ci && std::string(ci) == "true") FAIL("Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)");
  MESSAGE("SKIPPED: Fashion-MNIST not installed");
  return false;
}

}  // namespace

TEST_CASE("fpga cli: compile writes the partition of fashion_cnn") {
  const auto dir = temp_dir("fpga_compile");
  const CommandResult r =
      run_frost("compile " + quote(model_dir() + "/frozen_graph.pb") + " --backend fpga -o " + quote(dir.string()));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.out.find("DPU subgraph") != std::string::npos);
  CHECK(r.out.find("not calibrated") != std::string::npos);
  const JsonValue j = read_json_file((dir / "partition.json").string());
  CHECK(j.find("summary")->find("subgraphs")->as_int() >= 1);
  CHECK(j.find("summary")->find("dpu_mac_percent")->as_number() > 90.0);
  int cpu = 0;
  for (const JsonValue& n : j.find("nodes")->as_array())
    if (n.find("device")->as_string() == "cpu") {
      ++cpu;
      CHECK_FALSE(n.find("reason")->as_string().empty());
    }
  CHECK(cpu >= 1);  // the softmax at least
  std::filesystem::remove_all(dir);
}

TEST_CASE("fpga cli: a bad arch file is one line, exit 2, with its location") {
  const auto dir = temp_dir("fpga_arch");
  const std::string arch = (dir / "arch.json").string();
  std::ofstream(arch) << "{\n  \"name\": \"x\",\n  \"ops\": {\"Conv2D\": {\"kernel\": [1, }\n}\n";
  const CommandResult r = run_frost("compile " + quote(model_dir() + "/frozen_graph.pb") + " --backend fpga --arch " +
                                    quote(arch) + " -o " + quote((dir / "out").string()));
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find("arch.json:3:") != std::string::npos);
  CHECK(r.err.find('\n') == r.err.size() - 1);
  std::filesystem::remove_all(dir);
}

TEST_CASE("fpga cli: bad calibration arguments are one line, exit 2") {
  const std::string model = quote(model_dir() + "/frozen_graph.pb");
  const auto dir = temp_dir("fpga_calib");
  const std::string missing = quote((dir / "no_such_folder").string());
  for (const std::string& calib : {missing + " -o x", std::string("fashion-mnist:bogus -o x"),
                                   std::string("fashion-mnist:train --calib-count 0 -o x")}) {
    const CommandResult r = run_frost("compile " + model + " --backend fpga --calib " + calib);
    CHECK_MESSAGE(r.exit_code == 2, calib);
    CHECK(r.err.find('\n') == r.err.size() - 1);
  }
  const CommandResult r = run_frost("compile " + model + " --backend fpga --calib " + missing + " -o x");
  CHECK(r.err.find("not a folder of .npy inputs") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("fpga cli: calibration from a folder of .npy inputs") {
  const auto dir = temp_dir("fpga_npy");
  std::filesystem::create_directories(dir / "calib");
  for (const char* name : {"a.npy", "b.npy", "notes.txt"})
    std::filesystem::copy_file(model_dir() + "/inputs.npy", dir / "calib" / name);
  const CommandResult r = run_frost("compile " + quote(model_dir() + "/frozen_graph.pb") + " --backend fpga --calib " +
                                    quote((dir / "calib").string()) + " --calib-count 5 -o " + quote(dir.string()));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.out.find("8 samples in 2 run(s)") != std::string::npos);  // two files of 4 images
  const JsonValue j = read_json_file((dir / "partition.json").string());
  CHECK(j.find("fix_positions")->find("conv2d_input")->as_int() == 7);  // pixels in [0, 1]
  std::filesystem::remove_all(dir);
}

TEST_CASE("fpga cli: calibrated compile, check and eval on fashion_cnn") {
  if (!have_dataset()) return;
  const auto dir = temp_dir("fpga_calib");
  const std::string model = quote(model_dir() + "/frozen_graph.pb");
  const CommandResult c = run_frost(
      "compile " + model + " --backend fpga --calib fashion-mnist:train --calib-count 50 -o " + quote(dir.string()));
  REQUIRE_MESSAGE(c.exit_code == 0, c.err);
  const JsonValue j = read_json_file((dir / "partition.json").string());
  CHECK_FALSE(j.find("fix_positions")->object.empty());
  std::filesystem::remove_all(dir);

  const CommandResult k =
      run_frost("check " + model + " --backend fpga --reference " + quote(model_dir() + "/reference.txt"));
  REQUIRE_MESSAGE(k.exit_code == 0, k.err);
  CHECK(k.out.find("int8 ") != std::string::npos);

  // The bar: int8 within 1 percentage point of float (here on the
  // first 1000 test images; the full 10,000 figure is in docs/fpga.md).
  const CommandResult e = run_frost("eval " + model + " --backend fpga --limit 1000 --calib-count 100");
  REQUIRE_MESSAGE(e.exit_code == 0, e.err);
  MESSAGE(e.out);
  const size_t at = e.out.find("int8 - float: ");
  REQUIRE(at != std::string::npos);
  const double delta = std::strtod(e.out.c_str() + at + 14, nullptr);
  CHECK(std::fabs(delta) <= 1.0);
}
