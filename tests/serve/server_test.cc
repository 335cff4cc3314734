// The server over HTTP on a loopback port: every endpoint and error status
// with its message, TF Serving's documented example, fashion_cnn against
// TensorFlow's outputs, and dynamic batching under concurrent clients.
#include <doctest/doctest.h>

#include <cmath>

#include "io/npy.h"
#include "serve_test_util.h"

namespace frost::testing {
namespace {

using json = nlohmann::json;

// fashion_cnn's committed inputs (4 images) and TensorFlow's outputs.
struct FashionData {
  Tensor inputs = read_npy(source_path("models/fashion_cnn/inputs.npy"));
  Tensor expected = read_npy(source_path("models/fashion_cnn/expected.npy"));
  json image(int64_t i) const {  // [28][28][1]
    json rows = json::array();
    for (int y = 0; y < 28; ++y) {
      json row = json::array();
      for (int x = 0; x < 28; ++x) row.push_back(json::array({inputs.data<float>()[i * 784 + y * 28 + x]}));
      rows.push_back(row);
    }
    return rows;
  }
};

const FashionData& fashion_data() {
  static const FashionData data;
  return data;
}

void check_close(const json& got, const float* want, size_t n, double atol) {
  REQUIRE(got.size() == n);
  for (size_t k = 0; k < n; ++k) CHECK(std::abs(got[k].get<double>() - double(want[k])) <= atol);
}

TEST_CASE("TF Serving's documented example: half_plus_three, status, metadata, predict in both formats") {
  TestServer server({half_plus_three_model(), fashion_model()});
  auto c = server.client();

  auto r = c->Post("/v1/models/half_plus_three:predict", R"({"instances": [1.0, 2.0, 5.0]})",
                   "application/x-www-form-urlencoded");  // what curl -d sends
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body == R"({"predictions":[3.5,4.0,5.5]})");
  CHECK(r->get_header_value("Content-Type") == "application/json");

  r = c->Post("/v1/models/half_plus_three/versions/1:predict", R"({"inputs": [1.0, 2.0, 5.0]})", "application/json");
  REQUIRE(r);
  CHECK(r->body == R"({"outputs":[3.5,4.0,5.5]})");

  r = c->Get("/v1/models/half_plus_three");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(json::parse(r->body)["model_version_status"][0]["state"] == "AVAILABLE");
  r = c->Get("/v1/models/half_plus_three/versions/1");
  REQUIRE(r);
  CHECK(r->status == 200);

  r = c->Get("/v1/models/fashion/metadata");
  REQUIRE(r);
  CHECK(r->status == 200);
  const json sig = json::parse(r->body)["metadata"]["signature_def"]["signature_def"]["serving_default"];
  CHECK(sig["inputs"]["conv2d_input"]["dtype"] == "DT_FLOAT");
  r = c->Get("/v1/models/fashion/versions/1/metadata");
  REQUIRE(r);
  CHECK(r->status == 200);
}

TEST_CASE("fashion_cnn over HTTP matches TensorFlow's outputs, rows and columns") {
  TestServer server({fashion_model()});
  auto c = server.client();
  const FashionData& d = fashion_data();
  json instances = json::array();
  for (int i = 0; i < 4; ++i) instances.push_back(d.image(i));
  auto r = c->Post("/v1/models/fashion:predict", json{{"instances", instances}}.dump(), "application/json");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  const json predictions = json::parse(r->body)["predictions"];
  REQUIRE(predictions.size() == 4);
  for (size_t i = 0; i < 4; ++i) check_close(predictions[i], d.expected.data<float>() + i * 10, 10, 1e-5);

  r = c->Post("/v1/models/fashion:predict", json{{"inputs", {{"conv2d_input", instances}}}}.dump(), "application/json");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  const json outputs = json::parse(r->body)["outputs"];
  for (size_t i = 0; i < 4; ++i) check_close(outputs[i], d.expected.data<float>() + i * 10, 10, 1e-5);
}

TEST_CASE("every error status carries TF Serving's {\"error\": ...} naming what was wrong") {
  serve::ServerOptions options;
  options.max_body_bytes = 4096;
  TestServer server({half_plus_three_model(), fashion_model()}, options);
  auto c = server.client();
  struct Case {
    std::string method, path, body;
    int status;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"GET", "/v1/models/nope", "", 404, "Servable not found for request: Latest(nope); served models: fashion, half_plus_three"},
      {"GET", "/v1/models/fashion/versions/2", "", 404,
       "Servable not found for request: Specific(fashion, 2); only version 1 is served"},
      {"GET", "/v1/models/fashion/labels/stable", "", 404,
       "Servable not found for request: Label(fashion, stable); frost serve has no version labels, only version 1"},
      {"GET", "/v1/models/fashion/other", "", 404,
       "no such path: GET /v1/models/fashion/other (GET /v1/models/NAME[/versions/1] for the status, add /metadata for "
       "the signature)"},
      {"GET", "/nowhere", "", 404, "no such path: GET /nowhere (the API is under /v1/models/NAME)"},
      {"POST", "/v1/models/nope:predict", "{}", 404,
       "Servable not found for request: Latest(nope); served models: fashion, half_plus_three"},
      {"POST", "/v1/models/fashion:explain", "{}", 404, "unknown verb ':explain' (frost serve answers :predict)"},
      {"POST", "/v1/models/fashion:classify", "{}", 400,
       ":classify takes tf.Example inputs, which frozen graphs do not have; use :predict"},
      {"POST", "/v1/models/fashion", "{}", 404, "no such path: POST /v1/models/fashion (POST /v1/models/NAME[/versions/1]:predict)"},
      {"POST", "/v1/models/half_plus_three:predict", "{\"instances\": [1,", 400, ""},  // checked by prefix below
      {"POST", "/v1/models/fashion:predict", R"({"instances": [[1.0]]})", 400,
       "input 'conv2d_input': expected shape [?,28,28,1], got [1,1]"},
      {"POST", "/v1/models/fashion:predict", R"({"inputs": {"image": []}})", 400,
       "names an unknown input 'image'; the model's inputs are 'conv2d_input'"},
      {"POST", "/v1/models/half_plus_three:predict", std::string(5000, ' '), 413,
       "request body too large: 5000 bytes, the limit is 4096 bytes (frost serve --max-body-mb)"},
  };
  for (const Case& k : cases) {
    CAPTURE(k.path);
    auto r = k.method == "GET" ? c->Get(k.path.c_str()) : c->Post(k.path.c_str(), k.body, "application/json");
    REQUIRE(r);
    CHECK(r->status == k.status);
    CHECK(r->get_header_value("Content-Type") == "application/json");
    if (!k.error.empty()) {
      CHECK(error_of(r->body) == k.error);
    } else {
      CHECK(error_of(r->body).find("malformed JSON: [json.exception.parse_error.101] parse error at line 1, column 18") == 0);
    }
  }
  // The server still answers after all of that.
  auto r = c->Post("/v1/models/half_plus_three:predict", R"({"instances": [2]})", "application/json");
  REQUIRE(r);
  CHECK(r->body == R"({"predictions":[4.0]})");
}

TEST_CASE("healthz, the web page and Prometheus metrics by model and code") {
  TestServer server({half_plus_three_model()});
  auto c = server.client();
  auto r = c->Get("/healthz");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body == "ok\n");
  r = c->Get("/");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(r->body.find("<title>frost serve</title>") != std::string::npos);
  r = c->Get("/v1/models");
  REQUIRE(r);
  CHECK(r->body == R"({"models":[{"name":"half_plus_three","version":"1"}]})");

  for (int i = 0; i < 3; ++i) c->Post("/v1/models/half_plus_three:predict", R"({"instances": [1]})", "application/json");
  c->Post("/v1/models/half_plus_three:predict", R"({"instances": ["x"]})", "application/json");
  c->Get("/missing");
  r = c->Get("/metrics");
  REQUIRE(r);
  CHECK(r->get_header_value("Content-Type") == "text/plain; version=0.0.4");
  const std::string& m = r->body;
  CHECK(m.find("frost_serve_requests_total{model=\"half_plus_three\",code=\"200\"} 3\n") != std::string::npos);
  CHECK(m.find("frost_serve_requests_total{model=\"half_plus_three\",code=\"400\"} 1\n") != std::string::npos);
  CHECK(m.find("frost_serve_requests_total{model=\"\",code=\"404\"} 1\n") != std::string::npos);
  CHECK(m.find("frost_serve_request_duration_seconds_count{model=\"half_plus_three\"} 4\n") != std::string::npos);
  CHECK(m.find("frost_serve_request_duration_seconds_bucket{model=\"half_plus_three\",le=\"+Inf\"} 4\n") != std::string::npos);
  CHECK(m.find("frost_serve_batch_size_count{model=\"half_plus_three\"} 3\n") != std::string::npos);
  CHECK(m.find("frost_serve_queue_depth{model=\"half_plus_three\"} 0\n") != std::string::npos);
  CHECK(m.find("# TYPE frost_serve_request_duration_seconds histogram\n") != std::string::npos);
}

TEST_CASE("concurrent clients are batched, and each gets what an unbatched run gives") {
  serve::ServerOptions options;
  options.max_batch = 8;
  options.batch_timeout_us = 20000;
  // Hold the worker briefly before each batch so concurrent requests queue up.
  options.before_batch = [] { std::this_thread::sleep_for(std::chrono::milliseconds(20)); };
  TestServer server({fashion_model()}, options);
  const FashionData& d = fashion_data();

  // Unbatched: one image per run, straight through the model.
  std::vector<std::vector<float>> alone(4);
  for (int64_t i = 0; i < 4; ++i) {
    const Tensor x = Tensor::from_vector<float>(
        std::vector<float>(d.inputs.data<float>() + i * 784, d.inputs.data<float>() + (i + 1) * 784), Shape{1, 28, 28, 1});
    const Tensor y = fashion_model()->run({{TensorId{"conv2d_input", 0, false}, x}}).at(0);
    alone[static_cast<size_t>(i)].assign(y.data<float>(), y.data<float>() + 10);
  }

  constexpr int kClients = 16;
  std::vector<json> got(kClients);
  std::vector<std::thread> clients;
  for (int k = 0; k < kClients; ++k)
    clients.emplace_back([&, k] {
      auto c = server.client();
      auto r = c->Post("/v1/models/fashion:predict", json{{"instances", json::array({d.image(k % 4)})}}.dump(),
                       "application/json");
      if (r && r->status == 200) got[static_cast<size_t>(k)] = json::parse(r->body)["predictions"][0];
    });
  for (auto& t : clients) t.join();
  for (int k = 0; k < kClients; ++k) {
    CAPTURE(k);
    // The CPU kernels block rows differently for other batch sizes, so a
    // merged run may differ from a lone one in the last bits (as TensorFlow's).
    check_close(got[static_cast<size_t>(k)], alone[static_cast<size_t>(k % 4)].data(), 10, 1e-6);
    check_close(got[static_cast<size_t>(k)], d.expected.data<float>() + (k % 4) * 10, 10, 1e-5);
  }
  auto r = server.client()->Get("/metrics");
  REQUIRE(r);
  // Fewer runs than requests: some were merged.
  const std::string key = "frost_serve_batch_size_count{model=\"fashion\"} ";
  const size_t at = r->body.find(key);
  REQUIRE(at != std::string::npos);
  const int runs = std::stoi(r->body.substr(at + key.size()));
  MESSAGE("16 concurrent requests ran in " << runs << " batches");
  CHECK(runs < kClients);
  CHECK(r->body.find("frost_serve_batch_size_sum{model=\"fashion\"} 16\n") != std::string::npos);
}

}  // namespace
}  // namespace frost::testing
