// The HTTP surface of `frost serve` (TensorFlow Serving's REST API plus a
// health check, metrics and the web page):
//   GET  /v1/models/NAME[/versions/1]            model status
//   GET  /v1/models/NAME[/versions/1]/metadata   signature_def
//   POST /v1/models/NAME[/versions/1]:predict    predictions
//   GET  /v1/models                               the served models (frost's own: the page lists them)
//   GET  /healthz, /metrics, /
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "graph/error.h"
#include "serve/http_error.h"
#include "serve/server_state.h"
#include "serve/tf_serving_request.h"
#include "serve/tf_serving_response.h"
#include "serve/web_page.h"

namespace frost::serve {

namespace {

constexpr const char* kJson = "application/json";
constexpr const char* kModelsPrefix = "/v1/models/";

// When the request on this connection thread was routed (for the latency).
thread_local std::chrono::steady_clock::time_point request_start;

// "/v1/models/NAME[/versions/N|/labels/L][/metadata][:verb]" taken apart.
struct ModelPath {
  std::string name, version, label, tail, verb;
};

std::optional<ModelPath> parse_model_path(const std::string& path) {
  if (path.rfind(kModelsPrefix, 0) != 0) return std::nullopt;
  std::string rest = path.substr(std::char_traits<char>::length(kModelsPrefix));
  ModelPath p;
  if (const size_t colon = rest.rfind(':'); colon != std::string::npos) {
    p.verb = rest.substr(colon + 1);
    rest.resize(colon);
  }
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    const size_t slash = rest.find('/', start);
    parts.push_back(rest.substr(start, slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  size_t i = 0;
  p.name = parts[i++];
  if (p.name.empty()) return std::nullopt;
  if (i + 1 < parts.size() && (parts[i] == "versions" || parts[i] == "labels")) {
    (parts[i] == "versions" ? p.version : p.label) = parts[i + 1];
    i += 2;
  }
  if (i < parts.size()) p.tail = parts[i++];
  if (i < parts.size()) return std::nullopt;
  return p;
}

Endpoint& find_endpoint(Server::State& state, const ModelPath& p) {
  auto it = state.endpoints.find(p.name);
  if (it == state.endpoints.end()) {
    std::string served;
    for (const auto& [name, e] : state.endpoints) served += (served.empty() ? "" : ", ") + name;
    throw HttpError(404, "Servable not found for request: Latest(" + p.name + "); served models: " + served);
  }
  if (!p.label.empty())
    throw HttpError(404, "Servable not found for request: Label(" + p.name + ", " + p.label +
                             "); frost serve has no version labels, only version " + kModelVersion);
  if (!p.version.empty() && p.version != kModelVersion)
    throw HttpError(404, "Servable not found for request: Specific(" + p.name + ", " + p.version + "); only version " +
                             kModelVersion + " is served");
  return it->second;
}

// Runs a handler, turning its errors into TF Serving's {"error": ...} bodies.
template <class Fn>
void answer(httplib::Response& res, Fn&& fn) {
  try {
    fn();
    return;
  } catch (const HttpError& e) {
    res.status = e.status();
    res.set_content(error_json(e.what()), kJson);
  } catch (const Error& e) {
    res.status = 400;  // the model rejected what the client sent (a shape its ops cannot take)
    res.set_content(error_json(e.what()), kJson);
  } catch (const std::bad_alloc&) {
    res.status = 503;
    res.set_content(error_json("out of memory"), kJson);
  } catch (const std::exception& e) {
    res.status = 500;
    res.set_content(error_json(std::string("internal error: ") + e.what()), kJson);
  }
}

void get_model(Server::State& state, const httplib::Request& req, httplib::Response& res) {
  answer(res, [&] {
    const auto p = parse_model_path(req.path);
    if (!p || !p->verb.empty() || (!p->tail.empty() && p->tail != "metadata"))
      throw HttpError(404, "no such path: GET " + req.path +
                               " (GET /v1/models/NAME[/versions/1] for the status, add /metadata for the signature)");
    Endpoint& e = find_endpoint(state, *p);
    res.set_content(p->tail.empty() ? status_json() : metadata_json(*e.model), kJson);
  });
}

// The whole body, refusing one longer than the limit from its Content-Length
// before storing any of it. A body up to 4x the limit is read and dropped so
// the client (still sending) gets the 413 cleanly; past that the connection
// is closed unread. Reading it ourselves also keeps httplib from treating a
// body sent as curl -d's form type as a form (it caps those at 8 KiB).
std::string read_body(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader,
                      size_t max_body) {
  const std::string length = req.get_header_value("Content-Length");
  if (!length.empty()) {
    char* end = nullptr;
    const unsigned long long n = std::strtoull(length.c_str(), &end, 10);
    if (*end != '\0') throw HttpError(400, "bad Content-Length '" + length + "'");
    if (n > max_body) {
      if (n / 4 <= max_body) {
        reader([](const char*, size_t) { return true; });
      } else {
        res.set_header("Connection", "close");
      }
      throw HttpError(413, "request body too large: " + length + " bytes, the limit is " + std::to_string(max_body) +
                               " bytes (frost serve --max-body-mb)");
    }
  }
  std::string body;
  const bool read = reader([&](const char* data, size_t size) {
    body.append(data, size);
    return body.size() <= max_body;
  });
  if (!read || body.size() > max_body) {
    res.set_header("Connection", "close");
    if (body.size() > max_body || res.status == 413)
      throw HttpError(413, "request body too large: the limit is " + std::to_string(max_body) +
                               " bytes (frost serve --max-body-mb)");
    throw HttpError(400, "the request body ended early (" + std::to_string(body.size()) + " bytes read)");
  }
  return body;
}

void post_model(Server::State& state, const httplib::Request& req, httplib::Response& res,
                const httplib::ContentReader& reader) {
  answer(res, [&] {
    const auto p = parse_model_path(req.path);
    if (!p || !p->tail.empty() || p->verb.empty())
      throw HttpError(404, "no such path: POST " + req.path + " (POST /v1/models/NAME[/versions/1]:predict)");
    Endpoint& e = find_endpoint(state, *p);
    if (p->verb == "classify" || p->verb == "regress")
      throw HttpError(400, ":" + p->verb + " takes tf.Example inputs, which frozen graphs do not have; use :predict");
    if (p->verb != "predict") throw HttpError(404, "unknown verb ':" + p->verb + "' (frost serve answers :predict)");
    std::future<std::vector<Tensor>> result;
    PredictRequest request;
    {
      Batcher::Arrival arriving(*e.batcher);
      request = parse_predict_request(read_body(req, res, reader, state.options.max_body_bytes), *e.model);
      result = e.batcher->submit(std::move(request.feeds), request.rows);
    }
    const std::vector<Tensor> outputs = result.get();
    res.set_content(predict_response_json(request.format, *e.model, outputs), kJson);
  });
}

std::string default_error(const httplib::Request& req, int status, size_t max_body) {
  switch (status) {
    case 404: return "no such path: " + req.method + " " + req.path + " (the API is under /v1/models/NAME)";
    case 413:
      return "request body too large: the limit is " + std::to_string(max_body) + " bytes (frost serve --max-body-mb)";
    case 400: return "malformed HTTP request";
    case 405: return "method not allowed: " + req.method + " " + req.path;
    default: return "HTTP " + std::to_string(status);
  }
}

// The model a request was for, if it names a served one ("" otherwise).
std::string model_label(const Server::State& state, const std::string& path) {
  const auto p = parse_model_path(path);
  return p && state.endpoints.count(p->name) ? p->name : "";
}

double seconds_since_request_start() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - request_start).count();
}

}  // namespace

void install_routes(Server::State& state) {
  httplib::Server& http = *state.http;
  http.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    request_start = std::chrono::steady_clock::now();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  http.Get(R"(/v1/models/.*)", [&state](const httplib::Request& req, httplib::Response& res) { get_model(state, req, res); });
  http.Post(R"(/v1/models/.*)", [&state](const httplib::Request& req, httplib::Response& res,
                                          const httplib::ContentReader& reader) { post_model(state, req, res, reader); });
  http.Get("/v1/models", [&state](const httplib::Request&, httplib::Response& res) {
    std::vector<std::string> names;
    for (const auto& [name, e] : state.endpoints) names.push_back(name);
    res.set_content(models_json(names), kJson);
  });
  http.Get("/healthz", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok\n", "text/plain"); });
  http.Get("/metrics", [&state](const httplib::Request&, httplib::Response& res) {
    std::map<std::string, size_t> depths;
    for (const auto& [name, e] : state.endpoints) depths[name] = e.batcher->queue_depth();
    res.set_content(state.metrics.text(depths), "text/plain; version=0.0.4");
  });
  http.Get("/", [](const httplib::Request&, httplib::Response& res) {
    const std::string_view page = web_page_html();
    res.set_content(page.data(), page.size(), "text/html; charset=utf-8");
  });

  const size_t max_body = state.options.max_body_bytes;
  http.set_error_handler(httplib::Server::HandlerWithResponse(
      [max_body](const httplib::Request& req, httplib::Response& res) -> httplib::Server::HandlerResponse {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    res.set_content(error_json(default_error(req, res.status, max_body)), kJson);
    return httplib::Server::HandlerResponse::Handled;
  }));

  // Counted before the response is written (httplib's post-routing handler sees the final status), not in the
  // logger that runs after it: a client that has its answer and asks /metrics next, possibly on another worker,
  // must find its request counted.
  http.set_post_routing_handler([&state](const httplib::Request& req, httplib::Response& res) {
    state.metrics.count_request(model_label(state, req.path), res.status, seconds_since_request_start());
  });
  if (state.options.access_log)
    http.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      std::fprintf(stderr, "%s:%d \"%s %s\" %d %zu %.3fms\n", req.remote_addr.c_str(), req.remote_port,
                   req.method.c_str(), req.path.c_str(), res.status, res.body.size(), seconds_since_request_start() * 1e3);
    });
}

}  // namespace frost::serve
