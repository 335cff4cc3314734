// `frost serve`: TensorFlow Serving's REST API for frozen graphs, over
// cpp-httplib. Routes are in routes.cc, request/response bodies in
// tf_serving_{request,response}, batching in batcher, counters in metrics.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "serve/served_model.h"

namespace frost::serve {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8501;  // 0: any free port (bind() returns it)
  // OpenMP threads per model run (0: OpenMP's default). 1 by default: the
  // server already runs requests side by side (HTTP threads parse while a
  // batch runs), and on a busy machine a team of 2 waiting on each other at
  // every op stretched the -c64 p99 from 0.17 s to 1 s (docs/bench/serve.md).
  int threads = 1;
  // Rows in one merged run. 8: on fashion_cnn a row costs the same in a batch
  // of 8 as of 32 (0.145 vs 0.151 ms), and at wrk -c64 both gave ~4,850
  // requests/s, but the shorter runs kept the p99 at 17.9 ms instead of 20.6
  // (docs/bench/serve.md).
  int64_t max_batch = 8;
  int64_t batch_timeout_us = 500;
  size_t max_body_bytes = size_t{16} << 20;  // larger bodies get 413
  size_t max_queue = 256;                    // per model; more get 503
  int http_threads = 128;  // connections served at once (an idle keep-alive one gives way when others wait)
  // A client silent this long mid-request is dropped, and a request's headers
  // must arrive within it (its body then at 64 KiB/s or more: http_server.h).
  int read_timeout_s = 5;
  int keep_alive_timeout_s = 5;  // an idle connection is closed after this long
  bool access_log = true;  // one line per request on stderr
  std::function<void()> before_batch;  // tests: hold the batch workers
};

class Server {
 public:
  Server(std::vector<std::shared_ptr<ServedModel>> models, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the listening socket; returns the port. Throws frost::Error when it cannot.
  int bind();
  // Serves until stop(); then finishes the requests in flight and every
  // queued model run before returning.
  void serve();
  // Stops accepting; safe from any thread (a signal-watching one).
  void stop();

  struct State;

 private:
  std::unique_ptr<State> state_;
};

}  // namespace frost::serve
