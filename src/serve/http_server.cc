#include "serve/http_server.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace frost::serve {

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kBacklog = 1024;
// How often an idle connection re-checks whether the server is stopping or
// others wait for its thread.
constexpr std::chrono::milliseconds kStopCheck{100};
constexpr std::chrono::milliseconds kIdleBeforeGivingWay{500};

int poll_ms(Clock::duration d) {
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(d).count();
  return static_cast<int>(std::clamp<int64_t>(ms, 0, 1 << 30));
}

// Waits for `events` on `sock` for up to `timeout`; true when they came.
bool wait_socket(socket_t sock, short events, Clock::duration timeout) {
  pollfd p{sock, events, 0};
  for (;;) {
    const int n = ::poll(&p, 1, poll_ms(timeout));
    if (n >= 0) return n > 0;
    if (errno != EINTR) return false;
  }
}

void address_of(const sockaddr_storage& addr, socklen_t len, std::string& ip, int& port) {
  char host[NI_MAXHOST], service[NI_MAXSERV];
  if (::getnameinfo(reinterpret_cast<const sockaddr*>(&addr), len, host, sizeof host, service, sizeof service,
                    NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
    ip = host;
    port = std::atoi(service);
  }
}

}  // namespace

// A connection's socket as httplib reads and writes it, buffered (httplib's
// line reader reads headers a byte at a time) and with the request deadline
// of http_server.h.
class ConnectionStream : public httplib::Stream {
 public:
  ConnectionStream(socket_t sock, const ConnectionLimits& limits) : sock_(sock), limits_(limits) {}

  // A request starts: its deadline counts from now.
  void begin_request() {
    request_start_ = Clock::now();
    request_bytes_ = 0;
  }
  bool has_buffered() const { return begin_ < end_; }

  bool is_readable() const override {
    return has_buffered() || wait_socket(sock_, POLLIN, std::min<Clock::duration>(limits_.read_timeout, left()));
  }
  bool is_writable() const override { return wait_socket(sock_, POLLOUT, limits_.write_timeout); }

  ssize_t read(char* ptr, size_t size) override {
    if (!has_buffered()) {
      if (!is_readable()) return -1;  // silent past the read timeout, or past the request's deadline
      ssize_t n;
      do {
        n = ::recv(sock_, buffer_, sizeof buffer_, 0);
      } while (n < 0 && errno == EINTR);
      if (n <= 0) return n;
      begin_ = 0;
      end_ = static_cast<size_t>(n);
      request_bytes_ += static_cast<size_t>(n);
    }
    const size_t n = std::min(size, end_ - begin_);
    std::memcpy(ptr, buffer_ + begin_, n);
    begin_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (!is_writable()) return -1;
    ssize_t n;
    do {
      n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getpeername(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) address_of(addr, len, ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getsockname(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) address_of(addr, len, ip, port);
  }
  socket_t socket() const override { return sock_; }

 private:
  // Time left before the request's deadline: the read timeout from its first
  // byte, plus 1 s per min_body_rate bytes received.
  Clock::duration left() const {
    const auto allowed = limits_.read_timeout + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                                                    static_cast<double>(request_bytes_) / limits_.min_body_rate));
    return std::max(Clock::duration::zero(), request_start_ + allowed - Clock::now());
  }

  socket_t sock_;
  const ConnectionLimits& limits_;
  Clock::time_point request_start_ = Clock::now();
  size_t request_bytes_ = 0;
  char buffer_[16384];
  size_t begin_ = 0, end_ = 0;
};

ConnectionPool::ConnectionPool(int threads) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

ConnectionPool::~ConnectionPool() { shutdown(); }

void ConnectionPool::enqueue(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.push_back(std::move(fn));
    starved_ = jobs_.size() > idle_;
  }
  changed_.notify_one();
}

void ConnectionPool::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (shutdown_) return;
    shutdown_ = true;
  }
  changed_.notify_all();
  for (auto& t : threads_) t.join();
}

void ConnectionPool::work() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      ++idle_;
      starved_ = jobs_.size() > idle_;
      changed_.wait(lock, [this] { return shutdown_ || !jobs_.empty(); });
      --idle_;
      if (jobs_.empty()) return;  // shutting down, and every accepted connection was served
      job = std::move(jobs_.front());
      jobs_.pop_front();
      starved_ = jobs_.size() > idle_;
    }
    job();
  }
}

HttpServer::HttpServer(ConnectionLimits limits) : limits_(limits) {
  new_task_queue = [this] {
    pool_ = new ConnectionPool(limits_.threads);
    return pool_;
  };
}

int HttpServer::bind(const std::string& host, int port) {
  if (port == 0) {
    port = bind_to_any_port(host);
    if (port <= 0) return -1;
  } else if (!bind_to_port(host, port)) {
    return -1;
  }
  ::listen(svr_sock_, kBacklog);  // listening already: this only raises the backlog
  return port;
}

bool HttpServer::wait_for_request(ConnectionStream& stream, bool first) {
  if (stream.has_buffered()) return true;  // pipelined
  // A new connection's request is usually on its way: it gets the read
  // timeout, and does not give way to waiting connections.
  const auto start = Clock::now();
  const auto deadline = start + (first ? limits_.read_timeout : limits_.keep_alive_timeout);
  for (;;) {
    // Readable: a request, or the client closing (then the read finds 0 bytes and ends the connection).
    if (wait_socket(stream.socket(), POLLIN, Clock::duration::zero())) return true;
    const auto now = Clock::now();
    if (svr_sock_ == INVALID_SOCKET || now >= deadline) return false;
    // Closing an idle keep-alive connection races with the client's next
    // request (sent before it sees the close): give way only when it has
    // been idle a while, which a client about to send never is.
    if (!first && pool_ && pool_->starved() && now - start >= kIdleBeforeGivingWay) return false;
    if (wait_socket(stream.socket(), POLLIN, std::min<Clock::duration>(deadline - now, kStopCheck))) return true;
  }
}

bool HttpServer::process_and_close_socket(socket_t sock) {
  ConnectionStream stream(sock, limits_);
  bool ok = false;
  for (size_t served = 0; served < limits_.keep_alive_max_count; ++served) {
    if (!wait_for_request(stream, served == 0)) break;
    stream.begin_request();
    // The last request on this connection when it reaches the count, or when
    // accepted connections wait for a thread.
    const bool last = served + 1 == limits_.keep_alive_max_count || (pool_ && pool_->starved());
    bool closed = false;
    ok = process_request(stream, last, closed, nullptr);
    if (!ok || closed) break;
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ok;
}

}  // namespace frost::serve
