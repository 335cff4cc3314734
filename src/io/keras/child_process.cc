#include "io/keras/child_process.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>

#include "graph/error.h"
#include "io/keras/byte_stream.h"

namespace frost::keras {

namespace {

constexpr char kResult = 'R';
constexpr char kError = 'E';

bool write_all(int fd, const char* p, size_t left) {
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    left -= static_cast<size_t>(n);
  }
  return true;
}

// In the child: a tag byte and the result (or the error) to the pipe, then
// leave without unwinding anything of the parent's (static destructors,
// atexit handlers, stdio buffers).
[[noreturn]] void child_main(int fd, const std::function<std::string()>& work) {
  signal(SIGPIPE, SIG_IGN);  // the parent may have given up (timeout): write fails, we exit
  // A crash here is the library's, and the parent reports it: the default
  // action, not a handler inherited from the parent (a fuzzer's would record
  // the parent's current input as a crash, Python's would print a traceback).
  for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP}) signal(sig, SIG_DFL);
  char tag = kResult;
  std::string body;
  try {
    body = work();
  } catch (const Error& e) {
    ByteWriter w;
    write_error(w, e);
    tag = kError;
    body = w.take();
  } catch (const std::exception& e) {
    ByteWriter w;
    write_error(w, Error(e.what()));
    tag = kError;
    body = w.take();
  }
  _exit(write_all(fd, &tag, 1) && write_all(fd, body.data(), body.size()) ? 0 : 3);
}

// Reads the pipe to its end; false when the deadline passes first.
bool read_all(int fd, std::string& out, std::chrono::steady_clock::time_point deadline) {
  char buffer[1 << 16];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), 1 << 30)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) return false;
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return true;  // end of file (or an error: the exit status tells)
    out.append(buffer, static_cast<size_t>(n));
  }
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

}  // namespace

std::string run_in_child(const std::function<std::string()>& work, const std::string& what, double seconds) {
  int fds[2];
  if (::pipe(fds) != 0) throw Error(what + ": cannot create a pipe: " + std::strerror(errno));
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw Error(what + ": cannot start a child process: " + std::strerror(errno));
  }
  if (pid == 0) {
    ::close(fds[0]);
    child_main(fds[1], work);
  }
  ::close(fds[1]);
  std::string message;
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(static_cast<int64_t>(std::ceil(seconds * 1000)));
  const bool finished = read_all(fds[0], message, deadline);
  ::close(fds[0]);
  if (!finished) {
    ::kill(pid, SIGKILL);
    wait_for(pid);
    throw Error(what + " did not finish within " + std::to_string(static_cast<int>(std::ceil(seconds))) +
                " s (the library loops on a corrupt file?)");
  }
  const int status = wait_for(pid);
  if (WIFSIGNALED(status))
    throw Error(what + " crashed (signal " + std::to_string(WTERMSIG(status)) + ", " + strsignal(WTERMSIG(status)) +
                "): the file is corrupt");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || message.empty())
    throw Error(what + " failed in its child process (exit status " + std::to_string(WEXITSTATUS(status)) + ")");
  const char tag = message[0];
  message.erase(0, 1);
  if (tag == kResult) return message;
  ByteReader r(message);
  throw read_error(r);
}

}  // namespace frost::keras
