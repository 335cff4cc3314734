#include "serve/server.h"

#include <thread>

#include "graph/error.h"
#include "serve/server_state.h"

namespace frost::serve {

Server::Server(std::vector<std::shared_ptr<ServedModel>> models, ServerOptions options)
    : state_(std::make_unique<State>()) {
  state_->options = std::move(options);
  const ServerOptions& o = state_->options;
  FROST_CHECK(o.max_batch >= 1, "the largest batch must be at least 1 row");
  FROST_CHECK(o.batch_timeout_us >= 0, "the batch timeout cannot be negative");
  for (auto& model : models) {
    const std::string name = model->name();
    FROST_CHECK(!state_->endpoints.count(name), "two models are named '" + name + "'");
    BatcherOptions b;
    b.max_batch = o.max_batch;
    b.timeout = std::chrono::microseconds(o.batch_timeout_us);
    b.max_queue = o.max_queue;
    b.before_batch = o.before_batch;
    b.on_batch = [state = state_.get(), name](int64_t rows) { state->metrics.count_batch(name, rows); };
    auto run = [m = model, threads = o.threads](const FeedMap& feeds) { return m->run(feeds, threads); };
    Endpoint e{model, std::make_unique<Batcher>(run, model->batchable(), b)};
    state_->endpoints.emplace(name, std::move(e));
  }

  ConnectionLimits limits;
  limits.threads = o.http_threads;
  limits.read_timeout = std::chrono::seconds(o.read_timeout_s);
  limits.keep_alive_timeout = std::chrono::seconds(o.keep_alive_timeout_s);
  state_->http = std::make_unique<HttpServer>(limits);
  httplib::Server& http = *state_->http;
  http.set_payload_max_length(o.max_body_bytes);
  http.set_tcp_nodelay(true);
  // httplib's default also sets SO_REUSEPORT, which lets a second server bind
  // the same port and silently share the traffic: keep only SO_REUSEADDR.
  http.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  install_routes(*state_);
}

Server::~Server() {
  stop();
  for (auto& [name, e] : state_->endpoints) e.batcher->stop();
}

int Server::bind() {
  const ServerOptions& o = state_->options;
  const int port = state_->http->bind(o.host, o.port);
  FROST_CHECK(port > 0, o.port == 0 ? "cannot listen on " + o.host + " (any port)"
                                    : "cannot listen on " + o.host + ":" + std::to_string(o.port) +
                                          " (in use, or not an address of this host)");
  return port;
}

void Server::serve() {
  state_->serving = true;
  // listen_after_bind returns after stop(), once the connection threads have finished.
  if (!state_->stop_requested) state_->http->listen_after_bind();
  state_->serve_done = true;
  for (auto& [name, e] : state_->endpoints) e.batcher->stop();
}

void Server::stop() {
  state_->stop_requested = true;
  // httplib's stop() only acts on a running server: wait out the moment
  // between serve() being entered and the socket being listened on.
  while (state_->serving && !state_->serve_done) {
    if (state_->http->is_running()) {
      state_->http->stop();
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace frost::serve
