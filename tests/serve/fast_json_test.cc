// The JSON fast paths against nlohmann's DOM, which they replace for the common
// case: the numeric :predict body (numeric_predict_request.h) must give
// bit-identical feeds and decline everything else; the response writer must
// give the bytes dump() gives for the same DOM.
#include <doctest/doctest.h>

#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <random>

#include "../freeze/freeze_test_util.h"
#include "serve/http_error.h"
#include "serve/numeric_predict_request.h"
#include "serve/tf_serving_request.h"
#include "serve/tf_serving_response.h"
#include "serve_test_util.h"

namespace frost::serve {
namespace {

using json = nlohmann::json;

// A model passing its inputs through: Placeholder(dtype, shape) -> Identity, per input.
std::shared_ptr<ServedModel> identity_model(const std::vector<std::pair<std::string, DType>>& inputs,
                                            const PartialShape& shape) {
  testing::GraphBuilder b;
  for (const auto& [name, dtype] : inputs) {
    b.placeholder(name, shape, dtype);
    b.op(name + "_out", "Identity", {name}, {{"T", dtype}});
  }
  return std::make_shared<ServedModel>("m", "", Session(std::move(b.g)));
}

bool same_bits(const Tensor& a, const Tensor& b) {
  return a.dtype() == b.dtype() && a.shape() == b.shape() &&
         std::memcmp(a.raw_data(), b.raw_data(), a.byte_size()) == 0;
}

// How a client might write one number: Python's repr (17 digits), %g, an
// exponent in either case, an integer, a huge integer, -0.
std::string float_text(std::mt19937& rng) {
  std::uniform_real_distribution<double> unit(-1, 1);
  const double scale = std::pow(10.0, std::uniform_int_distribution<int>(-40, 40)(rng));
  const double v = unit(rng) * scale;
  char buf[64];
  switch (rng() % 9) {
    case 0: std::snprintf(buf, sizeof buf, "%.17g", v); break;
    case 1: std::snprintf(buf, sizeof buf, "%g", v); break;
    case 2: std::snprintf(buf, sizeof buf, "%.6E", v); break;
    case 3: std::snprintf(buf, sizeof buf, "%" PRId64, static_cast<int64_t>(rng() % 2000000) - 1000000); break;
    case 4: return std::vector<std::string>{"-0", "-0.0", "0", "0.0", "1e0", "-1E-0"}[rng() % 6];
    case 5: return std::vector<std::string>{"18446744073709551615", "18446744073709551616", "-9223372036854775809",
                                            "9007199254740993", "123456789012345678901234567890"}[rng() % 5];
    case 6: std::snprintf(buf, sizeof buf, "%.9g", static_cast<float>(unit(rng))); break;
    case 7: std::snprintf(buf, sizeof buf, "%.3f", unit(rng) * 300); break;
    default: std::snprintf(buf, sizeof buf, "%.17g", unit(rng) * 1e-310); break;  // double subnormals
  }
  return buf;
}

std::string int_text(std::mt19937& rng, DType dtype) {
  switch (dtype) {
    case DType::UInt8: return std::to_string(rng() % 256);
    case DType::Int8: return std::to_string(static_cast<int>(rng() % 256) - 128);
    case DType::UInt64: return std::to_string((uint64_t{rng()} << 32) | rng());
    case DType::Int64: return std::to_string(static_cast<int64_t>((uint64_t{rng()} << 32) | rng()));
    default: return std::vector<std::string>{"-0", "0", "7", "-2147483648", "2147483647", "-12"}[rng() % 6];
  }
}

const char* space(std::mt19937& rng) { return std::vector<const char*>{"", "", " ", "\n  ", "\t", "\r\n"}[rng() % 6]; }

// {"instances" or "inputs": a [rows, 3, 2] list} with random spacing and signature_name.
std::string random_body(std::mt19937& rng, DType dtype, int64_t rows) {
  const bool integer = dtype != DType::Float && dtype != DType::Double && dtype != DType::Half &&
                       dtype != DType::BFloat16;
  std::string list = "[";
  for (int64_t r = 0; r < rows; ++r) {
    list += std::string(r ? "," : "") + space(rng) + "[";
    for (int i = 0; i < 3; ++i) {
      list += std::string(i ? "," : "") + space(rng) + "[";
      for (int j = 0; j < 2; ++j)
        list += std::string(j ? "," : "") + space(rng) + (integer ? int_text(rng, dtype) : float_text(rng)) + space(rng);
      list += "]";
    }
    list += space(rng) + std::string("]");
  }
  list += "]";
  std::string body = std::string(space(rng)) + "{" + space(rng);
  const int sig = static_cast<int>(rng() % 3);  // none, before, after
  if (sig == 1) body += R"("signature_name":)" + std::string(space(rng)) + R"("serving_default",)";
  body += std::string(rng() % 2 ? "\"instances\"" : "\"inputs\"") + space(rng) + ":" + space(rng) + list;
  if (sig == 2) body += R"(, "signature_name": "")";
  return body + space(rng) + "}" + space(rng);
}

TEST_CASE("the numeric fast path gives the DOM path's feeds, bit for bit, for every numeric dtype") {
  const uint32_t seed = 20261206;
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  for (DType dtype : {DType::Float, DType::Double, DType::Half, DType::BFloat16, DType::Int8, DType::UInt8,
                      DType::Int32, DType::Int64, DType::UInt64}) {
    const auto model = identity_model({{"x", dtype}}, PartialShape{-1, 3, 2});
    for (int trial = 0; trial < 200; ++trial) {
      const std::string body = random_body(rng, dtype, 1 + static_cast<int64_t>(rng() % 3));
      INFO(dtype_name(dtype) << " body " << body);
      const PredictRequest dom = parse_predict_request_dom(body, *model);
      const auto fast = parse_numeric_predict_request(body, *model);
      REQUIRE(fast.has_value());
      CHECK(fast->format == dom.format);
      CHECK(fast->rows == dom.rows);
      const TensorId x{"x", 0, false};
      CHECK(same_bits(fast->feeds.at(x), dom.feeds.at(x)));
    }
  }
  // The fashion model's own body: [1, 28, 28, 1] in the load test's 17-digit decimals.
  std::string image = "{\"instances\": [[";
  for (int y = 0; y < 28; ++y) {
    image += y ? ", [" : "[";
    for (int x = 0; x < 28; ++x) image += (x ? ", [" : "[") + std::to_string((y * 28 + x) % 256 / 255.0) + "]";
    image += "]";
  }
  image += "]]}";
  const auto& fashion = *testing::fashion_model();
  const auto fast = parse_numeric_predict_request(image, fashion);
  REQUIRE(fast.has_value());
  const TensorId in = fashion.inputs().front().id;
  CHECK(fast->feeds.at(in).shape() == Shape{1, 28, 28, 1});
  CHECK(same_bits(fast->feeds.at(in), parse_predict_request_dom(image, fashion).feeds.at(in)));
}

// A parse's result as text: the feed's shape and bytes, or the error.
template <class Parse>
std::string outcome(Parse parse) {
  try {
    const PredictRequest request = parse();
    const Tensor& t = request.feeds.begin()->second;
    std::string bytes(static_cast<const char*>(t.raw_data()), t.byte_size());
    return t.shape().to_string() + " " + bytes;
  } catch (const HttpError& e) {
    return e.what();
  }
}

TEST_CASE("the numeric fast path declines what it does not take, and the DOM path answers") {
  const auto floats = identity_model({{"x", DType::Float}}, PartialShape{-1, 2});
  const auto vector = identity_model({{"x", DType::Float}}, PartialShape{-1});
  const auto bytes = identity_model({{"x", DType::UInt8}}, PartialShape{-1});
  const auto bools = identity_model({{"x", DType::Bool}}, PartialShape{-1});
  const auto text = identity_model({{"x", DType::String}}, PartialShape{-1});
  const auto two = identity_model({{"x", DType::Float}, {"y", DType::Float}}, PartialShape{-1});
  struct Case {
    const ServedModel* model;
    std::string body;
  };
  std::string deep(40, '[');
  deep += "1" + std::string(40, ']');
  const std::vector<Case> cases = {
      // not JSON, or not this subset of it
      {floats.get(), R"({"instances": [[1, 2]]} x)"},
      {floats.get(), R"({"instances": [[1, 2]],})"},
      {floats.get(), R"({"instances": [[1, 2],]})"},
      {floats.get(), "\xEF\xBB\xBF{\"instances\": [[1, 2]]}"},  // a byte order mark (nlohmann skips it)
      {floats.get(), R"({"inst\u0061nces": [[1, 2]]})"},          // an escape: the DOM reads "instances"
      {floats.get(), R"({"instances": [[1, 2]], "signature_name": "serv\u0069ng_default"})"},
      {floats.get(), R"({"instances": [[1, 2]], "instances": [[3, 4]]})"},
      {floats.get(), R"({"instances": [[1, 2]], "inputs": [[1, 2]]})"},
      {floats.get(), R"({"instances": [[1, 2]], "signature_name": "other"})"},
      {floats.get(), R"({"instances": [[1, 2]], "extra": 1})"},
      {floats.get(), R"({"signature_name": "serving_default"})"},
      {floats.get(), "{}"},
      {floats.get(), "[[1, 2]]"},
      // numbers JSON does not have, or that do not fit
      {vector.get(), R"({"instances": [01]})"},
      {vector.get(), R"({"instances": [1.]})"},
      {vector.get(), R"({"instances": [.5]})"},
      {vector.get(), R"({"instances": [+1]})"},
      {vector.get(), R"({"instances": [1e]})"},
      {vector.get(), R"({"instances": [NaN]})"},
      {vector.get(), R"({"instances": [Infinity]})"},
      {vector.get(), R"({"instances": [0x10]})"},
      {vector.get(), R"({"instances": [1e400]})"},
      {vector.get(), R"({"instances": [-]})"},
      {bytes.get(), R"({"instances": [1.5]})"},
      {bytes.get(), R"({"instances": [1e2]})"},
      {bytes.get(), R"({"instances": [256]})"},
      {bytes.get(), R"({"instances": [-1]})"},
      // values that are not numbers, lists that are not rectangular
      {vector.get(), R"({"instances": [true]})"},
      {vector.get(), R"({"instances": [null]})"},
      {vector.get(), R"({"instances": ["1"]})"},
      {vector.get(), R"({"instances": [{"x": 1}]})"},
      {vector.get(), R"({"instances": [{"b64": "AA=="}]})"},
      {vector.get(), R"({"inputs": {"x": [1]}})"},
      {vector.get(), R"({"inputs": 1})"},
      {vector.get(), R"({"instances": []})"},
      {floats.get(), R"({"instances": [[]]})"},
      {floats.get(), R"({"instances": [[1, 2], [3]]})"},
      {floats.get(), R"({"instances": [[1, 2], 3]})"},
      {floats.get(), R"({"instances": [1, [2, 3]]})"},
      {floats.get(), R"({"instances": [[1, [2]]]})"},
      {vector.get(), R"({"instances": )" + deep + "}"},
      // shapes and models it does not take
      {floats.get(), R"({"instances": [[1, 2, 3]]})"},
      {floats.get(), R"({"instances": [1, 2]})"},
      {bools.get(), R"({"instances": [1]})"},
      {text.get(), R"({"instances": [1]})"},
      {two.get(), R"({"inputs": [1]})"},
  };
  for (const Case& c : cases) {
    INFO("body " << c.body);
    CHECK(!parse_numeric_predict_request(c.body, *c.model));
    // The full parser (fast path first) answers as the DOM path alone does.
    const std::string full = outcome([&] { return parse_predict_request(c.body, *c.model); });
    const std::string dom = outcome([&] { return parse_predict_request_dom(c.body, *c.model); });
    CHECK(full == dom);
  }
}

// The response as the DOM version of the writer built it: a node per number.
json reference_element(const Tensor& t, int64_t i) {
  const auto k = static_cast<size_t>(i);
  const auto shortest = [](float v) {
    if (!std::isfinite(v)) return static_cast<double>(v);
    char buf[32];
    double d = 0;
    std::from_chars(buf, std::to_chars(buf, buf + sizeof buf, v).ptr, d);
    return d;
  };
  switch (t.dtype()) {
    case DType::Float: return shortest(t.data<float>()[k]);
    case DType::Half: return shortest(half_to_float(static_cast<const uint16_t*>(t.raw_data())[k]));
    case DType::Double: return t.data<double>()[k];
    case DType::Bool: return t.data<bool>()[k];
    case DType::String: return t.strings()[k];
    case DType::UInt64: return t.data<uint64_t>()[k];
    default: return t.as_int64(i);
  }
}

json reference_nested(const Tensor& t, int depth, int64_t& offset) {
  if (depth == t.rank()) return reference_element(t, offset++);
  json list = json::array();
  for (int64_t i = 0; i < t.shape().dim(depth); ++i) list.push_back(reference_nested(t, depth + 1, offset));
  return list;
}

json reference_row(const Tensor& t, int64_t r) {
  int64_t offset = r * (t.num_elements() / t.shape().dim(0));
  return reference_nested(t, 1, offset);
}

std::string dumped(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

Tensor random_output(std::mt19937& rng, DType dtype, Shape shape) {
  Tensor t(dtype, shape);
  std::uniform_real_distribution<double> unit(-1, 1);
  for (int64_t i = 0; i < t.num_elements(); ++i) {
    const double v = unit(rng) * std::pow(10.0, std::uniform_int_distribution<int>(-30, 30)(rng));
    const auto k = static_cast<size_t>(i);
    switch (dtype) {
      case DType::Float: t.data<float>()[k] = rng() % 17 ? static_cast<float>(v) : std::vector<float>{0.0f, -0.0f, 1.0f, 1e20f, 0.1f, 100.0f, INFINITY, NAN, 1e-45f}[rng() % 9]; break;
      case DType::Half: static_cast<uint16_t*>(t.raw_data())[k] = static_cast<uint16_t>(rng()); break;
      case DType::Double: t.data<double>()[k] = v; break;
      case DType::Bool: t.data<bool>()[k] = rng() % 2; break;
      case DType::String: t.strings()[k] = std::vector<std::string>{"a", "\"q\"", "\n", "\xff\xfe", ""}[rng() % 5]; break;
      case DType::UInt64: t.data<uint64_t>()[k] = (uint64_t{rng()} << 32) | rng(); break;
      default: t.data<int32_t>()[k] = static_cast<int32_t>(rng()); break;
    }
  }
  return t;
}

TEST_CASE("the response writer gives the bytes nlohmann's dump() gives for the same document") {
  const uint32_t seed = 61220;
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  for (DType dtype : {DType::Float, DType::Half, DType::Double, DType::Bool, DType::String, DType::UInt64,
                      DType::Int32}) {
    // Outputs named "z_out" and "a_out": dump() writes an object's keys sorted.
    const auto one = identity_model({{"x", dtype}}, PartialShape{-1, 3});
    const auto two = identity_model({{"z", dtype}, {"a", dtype}}, PartialShape{-1, 3});
    REQUIRE(two->outputs().front().key == "z_out");
    for (int trial = 0; trial < 20; ++trial) {
      const int64_t rows = 1 + static_cast<int64_t>(rng() % 4);
      const Tensor z = random_output(rng, dtype, Shape{rows, 3});
      const Tensor a = random_output(rng, dtype, Shape{rows, 3});
      INFO(dtype_name(dtype) << " trial " << trial);
      int64_t offset = 0;
      CHECK(predict_response_json(RequestFormat::Columnar, *one, {z}) ==
            dumped({{"outputs", reference_nested(z, 0, offset)}}));
      json rows_one = json::array(), rows_two = json::array();
      for (int64_t r = 0; r < rows; ++r) {
        rows_one.push_back(reference_row(z, r));
        rows_two.push_back({{"z_out", reference_row(z, r)}, {"a_out", reference_row(a, r)}});
      }
      CHECK(predict_response_json(RequestFormat::Row, *one, {z}) == dumped({{"predictions", rows_one}}));
      CHECK(predict_response_json(RequestFormat::Row, *two, {z, a}) == dumped({{"predictions", rows_two}}));
      int64_t oz = 0, oa = 0;
      CHECK(predict_response_json(RequestFormat::Columnar, *two, {z, a}) ==
            dumped({{"outputs", {{"z_out", reference_nested(z, 0, oz)}, {"a_out", reference_nested(a, 0, oa)}}}}));
    }
  }
  // A scalar output in the row format is the whole tensor in every row.
  const auto scalar = identity_model({{"x", DType::Float}}, PartialShape(std::vector<int64_t>{}));
  CHECK(predict_response_json(RequestFormat::Row, *scalar, {Tensor::scalar(2.5f)}) == R"({"predictions":[2.5]})");
}

}  // namespace
}  // namespace frost::serve
