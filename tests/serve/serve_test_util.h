// An in-process `frost serve` on a free loopback port for the serve tests,
// the models they use (loaded once), and a raw-socket client for the abuse
// tests (truncated bodies, slow and vanishing clients).
#pragma once

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "serve/server.h"

namespace frost::testing {

inline std::string source_path(const std::string& relative) {
  const char* root = std::getenv("FROST_SOURCE_ROOT");
  return std::string(root ? root : ".") + "/" + relative;
}

inline std::shared_ptr<serve::ServedModel> fashion_model() {
  static const auto model = serve::load_served_model("fashion", source_path("models/fashion_cnn/frozen_graph.pb"));
  return model;
}
inline std::shared_ptr<serve::ServedModel> half_plus_three_model() {
  static const auto model = serve::load_served_model("half_plus_three", source_path("tests/serve/half_plus_three.pbtxt"));
  return model;
}
inline std::shared_ptr<serve::ServedModel> two_inputs_model() {
  static const auto model = serve::load_served_model("two", source_path("tests/serve/two_inputs.pbtxt"));
  return model;
}

class TestServer {
 public:
  explicit TestServer(std::vector<std::shared_ptr<serve::ServedModel>> models, serve::ServerOptions options = {}) {
    options.port = 0;
    options.access_log = false;
    server_ = std::make_unique<serve::Server>(std::move(models), options);
    port_ = server_->bind();
    thread_ = std::thread([this] { server_->serve(); });
  }
  ~TestServer() { stop(); }
  void stop() {
    server_->stop();
    if (thread_.joinable()) thread_.join();
  }
  int port() const { return port_; }
  std::unique_ptr<httplib::Client> client() const {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", port_);
    // Generous: on a loaded 2-core machine a connect alone has taken over 5 s.
    c->set_read_timeout(60, 0);
    c->set_connection_timeout(30, 0);
    return c;
  }

 private:
  std::unique_ptr<serve::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

// {"error": "..."} of a response body ("" when it has none).
inline std::string error_of(const std::string& body) {
  const auto j = nlohmann::json::parse(body, nullptr, false);
  return j.is_object() && j.contains("error") ? j["error"].get<std::string>() : "";
}

// A plain TCP connection to the server, for requests no HTTP client would send.
class RawSocket {
 public:
  explicit RawSocket(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~RawSocket() { close(); }
  void send(const std::string& bytes) { (void)!::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  // Everything the server sends until it closes or `timeout_ms` pass.
  std::string receive(int timeout_ms) {
    std::string out;
    char buf[4096];
    pollfd p{fd_, POLLIN, 0};
    while (::poll(&p, 1, timeout_ms) > 0) {
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }

 private:
  int fd_ = -1;
};

}  // namespace frost::testing
