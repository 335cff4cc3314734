// What the routes share: the HTTP server, the models with their batchers, the
// metrics and the options. Internal to src/serve.
#pragma once

#include <atomic>
#include <map>

#include "serve/batcher.h"
#include "serve/http_server.h"
#include "serve/metrics.h"
#include "serve/server.h"

namespace frost::serve {

struct Endpoint {
  std::shared_ptr<ServedModel> model;
  std::unique_ptr<Batcher> batcher;
};

struct Server::State {
  ServerOptions options;
  std::unique_ptr<HttpServer> http;
  std::map<std::string, Endpoint> endpoints;  // by model name
  Metrics metrics;
  std::atomic<bool> serving{false}, serve_done{false}, stop_requested{false};
};

// Installs every route, the error handler ({"error": ...} bodies), the access
// log and the metrics on state.http.
void install_routes(Server::State& state);

}  // namespace frost::serve
