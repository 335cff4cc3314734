// cpp-httplib's server with the connection handling `frost serve` needs and
// Debian's build of it (libcpp-httplib 0.11, compiled into its .so) lacks:
// - a listen backlog of 1024 instead of the library's 5: 64 clients
//   connecting at once overflowed it, and each dropped SYN cost its client a
//   1 s retransmission (wrk -c64's p99 was 1 s) or a reset connection;
// - a deadline per request: its headers must arrive within the read timeout
//   of its first byte, its body at least at min_body_rate on average after
//   that. httplib's read timeout applies to each read, so a client sending a
//   byte every few seconds (slowloris) held a connection thread for ever;
// - fair keep-alive: while accepted connections wait with every thread
//   taken, a keep-alive connection idle for 0.5 s is closed, and a busy one
//   after its current request (its response says Connection: close), so a
//   few clients cannot keep every thread.
// httplib runs one thread per connection; these bound how long any client
// holds one.
#pragma once

#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace frost::serve {

struct ConnectionLimits {
  int threads = 128;                        // connections served at once
  std::chrono::milliseconds read_timeout{5000};   // one read, and the headers of a request
  std::chrono::milliseconds write_timeout{5000};  // one write
  std::chrono::milliseconds keep_alive_timeout{5000};  // idle between requests
  double min_body_rate = 64 * 1024;         // bytes/s, averaged over a request after its read timeout
  size_t keep_alive_max_count = 1u << 30;   // requests per connection
};

// httplib's TaskQueue for connections: a fixed set of threads that also
// tells whether connections wait with no thread free to take them.
class ConnectionPool : public httplib::TaskQueue {
 public:
  explicit ConnectionPool(int threads);
  ~ConnectionPool() override;
  void enqueue(std::function<void()> fn) override;
  void shutdown() override;
  bool starved() const { return starved_.load(std::memory_order_relaxed); }

 private:
  void work();
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::function<void()>> jobs_;
  size_t idle_ = 0;  // threads waiting for a job
  std::atomic<bool> starved_{false};  // more jobs than idle threads
  bool shutdown_ = false;
  std::vector<std::thread> threads_;
};

class HttpServer : public httplib::Server {
 public:
  explicit HttpServer(ConnectionLimits limits);
  // bind_to_port / bind_to_any_port (port 0), then the larger backlog.
  // Returns the port, or -1 when the address cannot be bound.
  int bind(const std::string& host, int port);

 private:
  bool process_and_close_socket(socket_t sock) override;
  // Waits for the next request on a connection: false when the client stays
  // silent past the read timeout (its first request) or the keep-alive
  // timeout (later ones), when others wait for a thread (later ones), or
  // when the server stops.
  bool wait_for_request(class ConnectionStream& stream, bool first);

  ConnectionLimits limits_;
  ConnectionPool* pool_ = nullptr;  // owned by httplib (new_task_queue)
};

}  // namespace frost::serve
