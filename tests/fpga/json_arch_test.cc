// The bounded JSON reader and the DPU arch description built on it.
#include <doctest/doctest.h>

#include <string>

#include "graph/error.h"
#include "io/json_reader.h"
#include "runtime/fpga/dpu_arch.h"

using namespace frost;

namespace {

std::string error_of(const std::string& text) {
  try {
    parse_json(text, "t.json");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

std::string arch_error_of(const std::string& text) {
  try {
    fpga::parse_dpu_arch(parse_json(text, "a.json"), "a.json");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("json: values, nesting, escapes") {
  const JsonValue v = parse_json(R"({"a": [1, -2.5e1, true, false, null], "s": "x\"y\n\u0041", "o": {}})", "t.json");
  REQUIRE(v.is_object());
  const auto& a = v.find("a")->as_array();
  REQUIRE(a.size() == 5);
  CHECK(a[0].as_int() == 1);
  CHECK(a[1].as_number() == -25.0);
  CHECK(a[2].as_bool());
  CHECK(a[4].kind == JsonValue::Kind::Null);
  CHECK(v.find("s")->as_string() == "x\"y\nA");
  CHECK(v.find("o")->object.empty());
  CHECK(v.find("missing") == nullptr);
}

TEST_CASE("json: errors name file:line:col") {
  CHECK(error_of("{\n  \"a\": 1,\n}").find("t.json:3:1") != std::string::npos);
  CHECK(error_of("[1 2]").find("t.json:1:4") != std::string::npos);
  CHECK(error_of("{\"a\": 01}").find("t.json:1:8") != std::string::npos);
  CHECK(error_of("\"open").find("unterminated") != std::string::npos);
  CHECK(error_of("{\"a\":1,\"a\":2}").find("duplicate") != std::string::npos);
  CHECK(error_of("[] x").find("after the JSON value") != std::string::npos);
  CHECK(error_of("").find("end of the text") != std::string::npos);
  CHECK(error_of("[1, @]").find("unexpected character '@'") != std::string::npos);
  CHECK(error_of(std::string("\x7f\x01", 2)).find("byte 0x7f") != std::string::npos);  // a binary file
  CHECK(error_of(std::string(100, '[') + std::string(100, ']')).find("nesting deeper") != std::string::npos);
  CHECK(error_of(std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']')).empty());
}

TEST_CASE("dpu arch: the built-in description") {
  const fpga::DpuArch arch = fpga::default_dpu_arch();
  CHECK(!arch.name.empty());
  CHECK(arch.leaky_relu_alpha == doctest::Approx(26.0 / 256.0));
  CHECK(arch.kernel.min == 1);
  CHECK(arch.kernel.max == 16);
  CHECK(arch.stride.max == 4);
  const fpga::DpuOpRule* dw = arch.rule("DepthwiseConv2dNative");
  REQUIRE(dw != nullptr);
  CHECK(dw->kernel_sizes == std::vector<int64_t>{3, 5});
  REQUIRE(arch.rule("AvgPool") != nullptr);
  CHECK(arch.rule("AvgPool")->square_kernel);
  CHECK(arch.rule("AvgPool")->kernel.max == 8);
  CHECK(arch.rule("Sigmoid") == nullptr);
}

TEST_CASE("dpu arch: bad descriptions are errors with a location") {
  CHECK(arch_error_of(R"({"name": "x", "ops": {"Conv2D": {}}, "colour": 1})").find("unknown key \"colour\"") !=
        std::string::npos);
  CHECK(arch_error_of(R"({"name": "x", "ops": {"Softmax": {}}})").find("a.json:1:") != std::string::npos);
  CHECK(arch_error_of(R"({"name": "x", "ops": {"Conv2D": {"kernel": [4, 2]}}})").find("min <= max") !=
        std::string::npos);
  CHECK(arch_error_of(R"({"name": "x", "ops": {"Conv2D": {"activations": ["Tanh"]}}})").find("Tanh") !=
        std::string::npos);
  CHECK(arch_error_of(R"({"ops": {}})").find("needs \"name\"") != std::string::npos);
  CHECK(arch_error_of(R"({"name": 3, "ops": {}})").find("expected a string") != std::string::npos);
}
