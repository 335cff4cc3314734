// TF Serving's JSON bodies: requests decoded to feeds (rows, columns, named
// inputs, b64) with the errors a client gets, and the response documents.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "serve/base64.h"
#include "serve/http_error.h"
#include "serve/tf_serving_request.h"
#include "serve/tf_serving_response.h"
#include "serve_test_util.h"

namespace frost::serve {
namespace {

using json = nlohmann::json;
using testing::half_plus_three_model;
using testing::two_inputs_model;

// The 400 message parsing `body` gives.
std::string rejection(const std::string& body, const ServedModel& model) {
  try {
    parse_predict_request(body, model);
  } catch (const HttpError& e) {
    CHECK(e.status() == 400);
    return e.what();
  }
  FAIL("accepted: " << body);
  return "";
}

TEST_CASE("base64 decodes and encodes RFC 4648 text and rejects bad input") {
  CHECK(base64_decode("aGVsbG8=").value() == "hello");
  CHECK(base64_decode("aGVsbG8h").value() == "hello!");
  CHECK(base64_decode("aGk=").value() == "hi");
  CHECK(base64_decode("").value().empty());
  CHECK(!base64_decode("aGVsbG8"));    // bad length
  CHECK(!base64_decode("aGV*bG8="));   // bad character
  CHECK(!base64_decode("aG=sbG8="));   // data after padding
  for (const std::string& s : std::vector<std::string>{"", "a", "ab", "abc", std::string("\0\xff\x10", 3)})
    CHECK(base64_decode(base64_encode(s)).value() == s);
}

TEST_CASE("row and columnar requests give the same feeds") {
  const ServedModel& m = *half_plus_three_model();
  const PredictRequest rows = parse_predict_request(R"({"instances": [1.0, 2, 5.5]})", m);
  const PredictRequest cols = parse_predict_request(R"({"signature_name": "serving_default", "inputs": [1.0, 2, 5.5]})", m);
  CHECK(rows.format == RequestFormat::Row);
  CHECK(cols.format == RequestFormat::Columnar);
  CHECK(rows.rows == 3);
  CHECK(cols.rows == 3);
  for (const PredictRequest* r : {&rows, &cols}) {
    const Tensor& x = r->feeds.at(TensorId{"x", 0, false});
    CHECK(x.shape() == Shape{3});
    CHECK(x.data<float>()[2] == 5.5f);
  }
  // Named forms of the same input, with or without ":0".
  CHECK(parse_predict_request(R"({"instances": [{"x": 1.0}, {"x:0": 2.0}]})", m).rows == 2);
  CHECK(parse_predict_request(R"({"inputs": {"x": [1.0]}})", m).rows == 1);
}

TEST_CASE("named inputs: b64 strings, int32 rows, and every way of getting them wrong") {
  const ServedModel& m = *two_inputs_model();
  const PredictRequest r = parse_predict_request(
      R"({"instances": [{"text": {"b64": "aGVsbG8="}, "count": [1, 2]}, {"text": "plain", "count": [3, -4]}]})", m);
  CHECK(r.feeds.at(TensorId{"text", 0, false}).strings() == std::vector<std::string>{"hello", "plain"});
  const Tensor& count = r.feeds.at(TensorId{"count", 0, false});
  CHECK(count.shape() == Shape{2, 2});
  CHECK(count.data<int32_t>()[3] == -4);

  CHECK(rejection(R"({"instances": [{"text": "a"}]})", m) == "missing input 'count' (int32 [?,2]) in instance 0");
  CHECK(rejection(R"({"inputs": {"text": ["a"]}})", m) == "missing input 'count' (int32 [?,2])");
  CHECK(rejection(R"({"instances": [{"text": "a", "count": [1, 2], "extra": 1}]})", m).find("unknown input 'extra'") !=
        std::string::npos);
  CHECK(rejection(R"({"instances": ["a"]})", m).find("each instance must be an object naming them") !=
        std::string::npos);
  CHECK(rejection(R"({"inputs": {"text": ["a"], "count": [[1.5, 2]]}})", m) ==
        "input 'count': expected an integer (int32), got a number 1.5");
  CHECK(rejection(R"({"inputs": {"text": ["a"], "count": [[1, 3000000000]]}})", m) ==
        "input 'count': 3000000000 does not fit in int32");
  CHECK(rejection(R"({"inputs": {"text": [{"b64": "!!"}], "count": [[1, 2]]}})", m) ==
        "input 'text': the \"b64\" value is not valid base64");
  CHECK(rejection(R"({"inputs": {"text": [7], "count": [[1, 2]]}})", m) ==
        "input 'text': expected a string or {\"b64\": \"...\"}, got a number");
  CHECK(rejection(R"({"inputs": {"text": ["a"], "count": [[1, 2, 3]]}})", m) ==
        "input 'count': expected shape [?,2], got [1,3]");
}

TEST_CASE("malformed and misshapen requests are 400s that say what was wrong") {
  const ServedModel& m = *half_plus_three_model();
  CHECK(rejection("{\"instances\": [1.0,", m).find("malformed JSON") == 0);
  CHECK(rejection("", m).find("malformed JSON") == 0);
  CHECK(rejection("{\"instances\": [1e400]}", m).find("malformed JSON") == 0);  // nlohmann: out_of_range, not parse_error
  CHECK(rejection("[1, 2]", m) == "the request body must be a JSON object, got a list");
  CHECK(rejection("{}", m) == "the request has neither \"instances\" (row format) nor \"inputs\" (columnar format)");
  CHECK(rejection(R"({"instances": [1], "inputs": [1]})", m) == "the request has both \"instances\" and \"inputs\"; send one");
  CHECK(rejection(R"({"instances": 1})", m) == "\"instances\" must be a list, got a number");
  CHECK(rejection(R"({"instances": []})", m) == "\"instances\" is an empty list");
  CHECK(rejection(R"({"instances": [1], "signature_name": "other"})", m) ==
        "unknown signature_name 'other': the model serves only \"serving_default\"");
  CHECK(rejection(R"({"instancez": [1]})", m).find("unknown field 'instancez'") == 0);
  CHECK(rejection(R"({"instances": ["one"]})", m) == "input 'x': expected a number (float), got a string");
  CHECK(rejection(R"({"instances": [null]})", m) == "input 'x': expected a number (float), got null");
  CHECK(rejection(R"({"instances": [{"b64": "AA=="}]})", m) ==
        "input 'x': float values cannot be given as an object ({\"b64\": ...} is for string inputs)");
  CHECK(rejection(R"({"instances": [[1, 2]]})", m) == "input 'x': expected shape [?], got [1,2]");
  CHECK(rejection(R"({"inputs": [[1, 2], [3]]})", m) ==
        "input 'x': ragged list: 1 elements at depth 0 where the first list has 2");
  CHECK(rejection(R"({"inputs": [[1, 2], 3]})", m) ==
        "input 'x': ragged list: a value at depth 0 where a list of 2 was expected");
}

TEST_CASE("a ragged list claiming a huge shape is rejected before anything is allocated") {
  // The first elements claim [1000, 1000, 1000] (4 GB of floats); the rest are scalars.
  json inner = json::array();
  for (int i = 0; i < 1000; ++i) inner.push_back(0.0);
  json middle = json::array({inner});
  for (int i = 1; i < 1000; ++i) middle.push_back(0.0);
  json outer = json::array({middle});
  for (int i = 1; i < 1000; ++i) outer.push_back(0.0);
  const ServedModel& m = *half_plus_three_model();
  CHECK(rejection(json{{"inputs", outer}}.dump(), m).find("ragged list") != std::string::npos);
}

TEST_CASE("responses: predictions per row, outputs per column, named when there are several") {
  const ServedModel& one = *half_plus_three_model();
  const Tensor y = Tensor::from_vector<float>({3.5f, 0.1f, 5.5f});
  CHECK(predict_response_json(RequestFormat::Row, one, {y}) == R"({"predictions":[3.5,0.1,5.5]})");
  CHECK(predict_response_json(RequestFormat::Columnar, one, {y}) == R"({"outputs":[3.5,0.1,5.5]})");

  const ServedModel& two = *two_inputs_model();
  Tensor echo(DType::String, Shape{2});
  echo.strings() = {"a", "b"};
  const Tensor scaled = Tensor::from_vector<float>({2, 4, 6, 8}, Shape{2, 2});
  CHECK(predict_response_json(RequestFormat::Row, two, {echo, scaled}) ==
        R"({"predictions":[{"echo":"a","scaled":[2.0,4.0]},{"echo":"b","scaled":[6.0,8.0]}]})");
  CHECK(predict_response_json(RequestFormat::Columnar, two, {echo, scaled}) ==
        R"({"outputs":{"echo":["a","b"],"scaled":[[2.0,4.0],[6.0,8.0]]}})");
  CHECK(error_json("bad \"x\"") == R"({"error":"bad \"x\""})");
}

TEST_CASE("status and metadata follow GetModelStatusResponse and GetModelMetadataResponse") {
  const json status = json::parse(status_json());
  CHECK(status["model_version_status"][0]["version"] == "1");
  CHECK(status["model_version_status"][0]["state"] == "AVAILABLE");
  CHECK(status["model_version_status"][0]["status"]["error_code"] == "OK");

  const json meta = json::parse(metadata_json(*testing::fashion_model()));
  CHECK(meta["model_spec"]["name"] == "fashion");
  const json sig = meta["metadata"]["signature_def"]["signature_def"]["serving_default"];
  CHECK(sig["method_name"] == "tensorflow/serving/predict");
  const json in = sig["inputs"]["conv2d_input"];
  CHECK(in["dtype"] == "DT_FLOAT");
  CHECK(in["name"] == "conv2d_input:0");
  CHECK(in["tensor_shape"]["dim"].size() == 4);
  CHECK(in["tensor_shape"]["dim"][0]["size"] == "-1");
  CHECK(in["tensor_shape"]["dim"][1]["size"] == "28");
  const json out = sig["outputs"]["activation_3/Softmax"];
  CHECK(out["dtype"] == "DT_FLOAT");
  CHECK(out["tensor_shape"]["dim"][1]["size"] == "10");
  CHECK(sig["inputs"].size() == 1);  // keras_learning_phase has a default: not part of the signature
}

}  // namespace
}  // namespace frost::serve
