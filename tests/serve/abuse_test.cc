// Clients that misbehave: truncated, huge and garbage requests, slow clients,
// clients that vanish mid-request, an overloaded queue, and clients still
// sending while the server shuts down. Each gets the right answer (or the
// connection is dropped) and the server keeps serving everyone else.
#include <doctest/doctest.h>

#include <atomic>
#include <semaphore>

#include "serve_test_util.h"

namespace frost::testing {
namespace {

const char* kPredict = "/v1/models/half_plus_three:predict";

// The server answers a normal request correctly.
void check_alive(const TestServer& server) {
  auto r = server.client()->Post(kPredict, R"({"instances": [2]})", "application/json");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body == R"({"predictions":[4.0]})");
}

std::string post_head(size_t content_length) {
  return std::string("POST ") + kPredict + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(content_length) + "\r\n\r\n";
}

TEST_CASE("a truncated body is a 400; a vanished client leaves the server serving") {
  serve::ServerOptions options;
  options.read_timeout_s = 1;
  TestServer server({half_plus_three_model()}, options);
  {
    RawSocket s(server.port());
    s.send(post_head(1000) + R"({"instances": [1)");
    // The rest never comes: the server gives up after its read timeout (1 s here).
    const std::string reply = s.receive(5000);
    CHECK(reply.find("HTTP/1.1 400") == 0);
    CHECK(reply.find("the request body ended early") != std::string::npos);
  }
  {
    RawSocket s(server.port());  // killed mid-body: the socket just closes
    s.send(post_head(1000) + R"({"instances": [1)");
    s.close();
  }
  {
    RawSocket s(server.port());  // killed after sending, before the answer
    const std::string body = R"({"instances": [1.0, 2.0]})";
    s.send(post_head(body.size()) + body);
    s.close();
  }
  check_alive(server);
}

TEST_CASE("a body over the limit is refused from its Content-Length before it is read") {
  serve::ServerOptions options;
  options.max_body_bytes = 1 << 20;
  TestServer server({half_plus_three_model()}, options);
  RawSocket s(server.port());
  s.send(post_head(size_t{1} << 40));  // claims a terabyte, sends nothing
  const std::string reply = s.receive(5000);
  CHECK(reply.find("HTTP/1.1 413") == 0);
  CHECK(reply.find("request body too large: 1099511627776 bytes, the limit is 1048576 bytes") != std::string::npos);
  // Sent in full (2 MiB), it is refused too.
  auto r = server.client()->Post(kPredict, std::string(2 << 20, ' '), "application/json");
  REQUIRE(r);
  CHECK(r->status == 413);
  check_alive(server);
}

TEST_CASE("garbage and unknown requests get 4xx; slow clients do not hold up others") {
  serve::ServerOptions options;
  options.read_timeout_s = 1;
  TestServer server({half_plus_three_model()}, options);
  {
    RawSocket s(server.port());
    s.send("GARBAGE\r\n\r\n");
    CHECK(s.receive(3000).find("HTTP/1.1 400") == 0);
  }
  {
    RawSocket s(server.port());
    s.send("DELETE /v1/models/half_plus_three HTTP/1.1\r\nHost: x\r\n\r\n");
    const std::string reply = s.receive(1500);
    CHECK(reply.find("HTTP/1.1 404") == 0);
    CHECK(reply.find("no such path: DELETE /v1/models/half_plus_three") != std::string::npos);
  }
  // Slowloris: several connections trickling headers; everyone else is served meanwhile.
  std::vector<std::unique_ptr<RawSocket>> slow;
  for (int i = 0; i < 8; ++i) {
    slow.push_back(std::make_unique<RawSocket>(server.port()));
    slow.back()->send("POST /v1/models/half_plus_three:predict HTTP/1.1\r\nHo");
  }
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) check_alive(server);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  // The server drops a client silent past its read timeout.
  for (auto& s : slow) CHECK(s->receive(4000).find("HTTP/1.1 200") == std::string::npos);
}

TEST_CASE("slowloris: clients trickling a request are dropped at its deadline, and more of them than threads "
          "do not starve the others") {
  serve::ServerOptions options;
  options.http_threads = 4;
  options.read_timeout_s = 1;
  TestServer server({half_plus_three_model()}, options);
  // 8 connections, each sent a byte of a request every 200 ms: every read
  // succeeds well within the read timeout, so only the request deadline (the
  // headers within 1 s of the first byte) ends them.
  std::vector<std::unique_ptr<RawSocket>> slow;
  for (int i = 0; i < 8; ++i) slow.push_back(std::make_unique<RawSocket>(server.port()));
  std::atomic<bool> stop{false}, gave_up{false};
  std::thread trickler([&] {
    const std::string request = post_head(20) + R"({"instances": [2]} )";
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (size_t i = 0; !stop; ++i) {
      if (std::chrono::steady_clock::now() > until) {
        gave_up = true;
        break;
      }
      for (auto& s : slow) s->send(request.substr(i % request.size(), 1));
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  // Served while the trickling goes on (before, the 8 held all 4 threads for as long as they kept sending).
  check_alive(server);
  CHECK(!gave_up);
  stop = true;
  trickler.join();
  for (auto& s : slow) CHECK(s->receive(3000).find("HTTP/1.1 200") == std::string::npos);
}

TEST_CASE("idle keep-alive connections give way to connections waiting for a thread") {
  serve::ServerOptions options;
  options.http_threads = 2;
  options.keep_alive_timeout_s = 120;  // longer than the client waits: only giving way can serve the third
  TestServer server({half_plus_three_model()}, options);
  auto a = server.client(), b = server.client();
  a->set_keep_alive(true);
  b->set_keep_alive(true);
  for (auto* c : {a.get(), b.get()}) {
    auto r = c->Post(kPredict, R"({"instances": [2]})", "application/json");
    REQUIRE(r);
    CHECK(r->status == 200);
  }
  // Both threads now hold an idle keep-alive connection.
  check_alive(server);
  // The idle ones were closed, not broken: their clients reconnect.
  auto r = a->Post(kPredict, R"({"instances": [2]})", "application/json");
  REQUIRE(r);
  CHECK(r->body == R"({"predictions":[4.0]})");
}

TEST_CASE("a full queue answers 503 with a message, and the queued request still completes") {
  std::counting_semaphore<16> gate(0);
  serve::ServerOptions options;
  options.max_queue = 1;
  options.before_batch = [&gate] { gate.acquire(); };
  TestServer server({half_plus_three_model()}, options);
  std::thread first([&] {
    auto r = server.client()->Post(kPredict, R"({"instances": [1]})", "application/json");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == R"({"predictions":[3.5]})");
  });
  // Wait for the first request to sit in the queue (the worker waits at the gate).
  for (int i = 0; i < 500; ++i) {
    auto m = server.client()->Get("/metrics");
    if (m && m->body.find("frost_serve_queue_depth{model=\"half_plus_three\"} 1") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto r = server.client()->Post(kPredict, R"({"instances": [2]})", "application/json");
  REQUIRE(r);
  CHECK(r->status == 503);
  CHECK(error_of(r->body) == "overloaded: 1 requests already queued for this model");
  gate.release(16);
  first.join();
  check_alive(server);
}

TEST_CASE("shutdown while clients keep sending: in-flight requests finish, none get a broken answer") {
  serve::ServerOptions options;
  options.before_batch = [] { std::this_thread::sleep_for(std::chrono::milliseconds(2)); };
  auto server = std::make_unique<TestServer>(std::vector{half_plus_three_model()}, options);
  std::atomic<int> ok{0}, refused{0}, wrong{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> clients;
  for (int k = 0; k < 8; ++k)
    clients.emplace_back([&] {
      auto c = server->client();
      c->set_connection_timeout(1, 0);
      while (!done) {
        auto r = c->Post(kPredict, R"({"instances": [1, 2]})", "application/json");
        if (!r) {
          ++refused;  // the listening socket is closed: connection refused
          continue;
        }
        if (r->status == 200 && r->body == R"({"predictions":[3.5,4.0]})") {
          ++ok;
        } else {
          ++wrong;
        }
      }
    });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto start = std::chrono::steady_clock::now();
  server->stop();
  const auto stop_time = std::chrono::steady_clock::now() - start;
  done = true;
  for (auto& t : clients) t.join();
  MESSAGE(ok.load() << " answered, " << refused.load() << " refused after the stop, stop took "
             << std::chrono::duration<double>(stop_time).count() << " s");
  CHECK(ok > 0);
  CHECK(wrong == 0);
  CHECK(stop_time < std::chrono::seconds(10));
}

}  // namespace
}  // namespace frost::testing
