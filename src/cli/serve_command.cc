// frost serve --model NAME=PATH ...: TensorFlow Serving's REST API for frozen
// graphs (src/serve). SIGTERM or SIGINT stops accepting connections, finishes
// the requests in flight, and exits 0.
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include <iostream>
#include <thread>

#include "cli/args.h"
#include "cli/commands.h"
#include "graph/error.h"
#include "serve/server.h"

namespace frost::cli {

namespace {

std::vector<std::shared_ptr<serve::ServedModel>> models_from_args(const Args& args) {
  std::vector<std::shared_ptr<serve::ServedModel>> models;
  for (const std::string& spec : args.values("model")) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
      throw Error("--model expects NAME=PATH, got '" + spec + "'");
    const std::string name = spec.substr(0, eq);
    for (char c : name)
      if (c == '/' || c == ':' || c == '?' || c == '#' || c == ' ')
        throw Error("--model " + spec + ": a model name cannot contain '" + std::string(1, c) + "' (it goes in URLs)");
    models.push_back(serve::load_served_model(name, spec.substr(eq + 1)));
  }
  if (models.empty()) throw Error("nothing to serve: pass --model NAME=PATH (repeatable)");
  return models;
}

long long bounded(const Args& args, const std::string& name, long long fallback, long long lo, long long hi) {
  const long long v = args.integer(name, fallback);
  if (v < lo || v > hi)
    throw Error("--" + name + " must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", got " +
                std::to_string(v));
  return v;
}

}  // namespace

int serve_command(const Argv& argv) {
  const Args args(argv, {"model", "port", "host", "threads", "max-batch", "batch-timeout-us", "max-body-mb", "max-queue"},
                  {"no-access-log"});
  if (!args.positional().empty()) throw Error("unexpected argument '" + args.positional().front() + "'");

  // SIGTERM/SIGINT write a byte to a pipe that the watcher below reads: a
  // handler works whichever thread the kernel picks (masking the signals in
  // every thread is not enough: threads the runtime starts on its own may
  // leave them unblocked, and SIGTERM's default action would kill us).
  static int stop_pipe[2] = {-1, -1};
  if (pipe(stop_pipe) != 0) throw Error("cannot create the stop-signal pipe");
  struct sigaction action {};
  action.sa_handler = [](int signal) {
    const char byte = static_cast<char>(signal);
    (void)!write(stop_pipe[1], &byte, 1);
  };
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);

  serve::ServerOptions options;
  options.host = args.value("host", "127.0.0.1");
  options.port = static_cast<int>(bounded(args, "port", 8501, 0, 65535));
  options.threads = static_cast<int>(bounded(args, "threads", 1, 0, 1024));
  options.max_batch = bounded(args, "max-batch", serve::ServerOptions{}.max_batch, 1, 4096);
  options.batch_timeout_us = bounded(args, "batch-timeout-us", 500, 0, 10'000'000);
  options.max_body_bytes = static_cast<size_t>(bounded(args, "max-body-mb", 16, 1, 4096)) << 20;
  options.max_queue = static_cast<size_t>(bounded(args, "max-queue", 256, 1, 1'000'000));
  options.access_log = !args.flag("no-access-log");

  serve::Server server(models_from_args(args), options);
  const int port = server.bind();
  std::cerr << "frost serve: listening on http://" << options.host << ":" << port << "/ (";
  for (size_t i = 0; i < args.values("model").size(); ++i) std::cerr << (i ? ", " : "") << args.values("model")[i];
  std::cerr << ")" << std::endl;

  std::thread watcher([&server] {
    char signal = 0;
    while (read(stop_pipe[0], &signal, 1) < 0 && errno == EINTR) {
    }
    std::cerr << "frost serve: " << (signal == SIGTERM ? "SIGTERM" : "SIGINT")
              << ": finishing the requests in flight" << std::endl;
    server.stop();
  });
  server.serve();
  if (watcher.joinable()) {
    // serve() only returns after a stop signal, so the watcher is done or about to be.
    watcher.join();
  }
  std::cerr << "frost serve: stopped" << std::endl;
  return 0;
}

}  // namespace frost::cli
