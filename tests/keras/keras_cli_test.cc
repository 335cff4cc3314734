// `frost convert` and direct .h5/.keras input on the command line, and the
// files Frost must refuse: one line on stderr naming the file (and the layer
// and its class where one is at fault), exit code 2, for convert and for a
// command that loads the model directly.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli_util.h"

using frost::testing::quote;
using frost::testing::read_text;
using frost::testing::run_frost;
using frost::testing::temp_dir;

namespace {

std::string root() {
  const char* r = std::getenv("FROST_SOURCE_ROOT");
  REQUIRE_MESSAGE(r, "FROST_SOURCE_ROOT is not set (run through meson test)");
  return r;
}

void write_bytes(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
}

}  // namespace

TEST_CASE("keras cli: convert writes a frozen graph that gives TensorFlow's outputs; other commands take the .h5") {
  const std::string dir = root() + "/models/fashion_cnn/";
  const auto tmp = temp_dir("keras_convert");
  const std::string pb = (tmp / "frozen.pb").string();
  const auto convert = run_frost("convert " + quote(dir + "keras_model.h5") + " -o " + quote(pb) + " --batch 4");
  CHECK(convert.exit_code == 0);
  CHECK(convert.out.find("input  conv2d_input float [4,28,28,1]") != std::string::npos);
  CHECK(convert.out.find("output activation_3") != std::string::npos);
  const auto check = run_frost("check " + quote(pb) + " --inputs " + quote(dir + "inputs.npy") + " --expected " +
                               quote(dir + "expected.npy") + " --output activation_3 --rtol 1e-5");
  CHECK_MESSAGE(check.exit_code == 0, std::string(check.out + check.err));
  const auto inspect = run_frost("inspect " + quote(dir + "keras_model.h5"));
  CHECK(inspect.exit_code == 0);
  CHECK(inspect.out.find("conv2d_input") != std::string::npos);
  std::filesystem::remove_all(tmp);
}

TEST_CASE("keras cli: bad Keras files give one clear line and exit 2") {
  const auto tmp = temp_dir("keras_bad");
  const std::string zoo = root() + "/models/keras_zoo/";
  const std::string fashion = read_text(root() + "/models/fashion_cnn/keras_model.h5");
  const std::string keras3 = read_text(zoo + "dense.keras");
  REQUIRE(fashion.size() > 10000);
  write_bytes(tmp / "truncated.h5", fashion.substr(0, 6000));
  write_bytes(tmp / "truncated.keras", keras3.substr(0, keras3.size() / 2));
  write_bytes(tmp / "text.h5", "this is not a model\n");
  write_bytes(tmp / "hdf5_garbage.h5", fashion.substr(0, 8) + std::string(512, '\x07'));

  struct Case {
    std::string file, expected;
  };
  const std::vector<Case> cases = {
      {(tmp / "truncated.h5").string(), "HDF5"},
      {(tmp / "truncated.keras").string(), ".keras archive"},
      {(tmp / "text.h5").string(), "not a Keras model"},
      {(tmp / "hdf5_garbage.h5").string(), "HDF5 cannot open the file"},
      {zoo + "bad/no_config.keras", "has no config.json"},
      {zoo + "bad/lambda.h5", "Keras layer 'double' (Lambda): a Lambda layer holds Python code"},
      {zoo + "bad/custom_class.h5", "Keras layer 'scale' (Scale): layer class 'Scale' is not a Keras layer Frost converts"},
      {zoo + "bad/missing_weights.h5", "Keras layer 'dense' (Dense): expected 2 weights (kernel, bias), the file has 1"},
      {zoo + "bad/weights_only.h5", "a weights-only Keras file (no model_config attribute)"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.file);
    for (const std::string& command :
         {"convert " + quote(c.file) + " -o " + quote((tmp / "out.pb").string()), "run " + quote(c.file) + " --random-inputs 1"}) {
      if (command.rfind("run", 0) == 0 && c.expected == "not a Keras model") continue;  // read as a GraphDef there
      CAPTURE(command);
      const auto r = run_frost(command);
      CHECK(r.exit_code == 2);
      CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
      CHECK_MESSAGE(r.err.find(c.expected) != std::string::npos, std::string(r.err));
      CHECK_MESSAGE(r.err.find(c.file) != std::string::npos, std::string(r.err));
    }
  }
  std::filesystem::remove_all(tmp);
}
