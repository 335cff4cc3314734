#include "kernels/simd/team_clock.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

namespace frost::kernels::simd {
namespace {

struct Counters {
  int64_t cpu_ns = 0;
  int64_t waited_ns = 0;
};

// "<cpu ns> <run_delay ns> <timeslices>\n"; false when unreadable.
bool read_schedstat(int fd, Counters* c) {
  char text[96];
  const ssize_t n = pread(fd, text, sizeof text - 1, 0);
  if (n <= 0) return false;
  text[n] = '\0';
  char* end = nullptr;
  c->cpu_ns = std::strtoll(text, &end, 10);
  if (end == text) return false;
  const char* second = end;
  c->waited_ns = std::strtoll(second, &end, 10);
  return end != second;
}

int64_t clock_ns(clockid_t clock) {
  timespec ts{};
  if (clock_gettime(clock, &ts) != 0) return -1;
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// The calling thread's schedstat, open for the thread's lifetime.
struct OwnSchedstat {
  int fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
  ~OwnSchedstat() {
    if (fd >= 0) close(fd);
  }
};

// The workers' schedstat files, by thread id (workers live as long as the
// process, so the files stay open).
std::mutex g_worker_files_mutex;
std::vector<std::pair<pid_t, int>> g_worker_files;

int worker_schedstat(pid_t tid) {
  const std::lock_guard<std::mutex> lock(g_worker_files_mutex);
  for (const auto& [t, fd] : g_worker_files)
    if (t == tid) return fd;
  const std::string path = "/proc/self/task/" + std::to_string(tid) + "/schedstat";
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  g_worker_files.emplace_back(tid, fd);  // -1 too: not tried again
  return fd;
}

// One thread's counters: schedstat when it accounts (CPU time above 0: a
// thread that has run cannot have none), else its CPU clock alone.
bool read_thread(int fd, clockid_t clock, Counters* c, bool* waits_known) {
  if (fd >= 0 && read_schedstat(fd, c) && c->cpu_ns > 0) return true;
  *waits_known = false;
  c->waited_ns = 0;
  c->cpu_ns = clock_ns(clock);
  return c->cpu_ns >= 0;
}

}  // namespace

TeamClockSample read_team_clock(const WorkerTeam& team, int threads) {
  thread_local OwnSchedstat own;
  TeamClockSample s;
  s.waits_known = true;
  Counters c;
  if (!read_thread(own.fd, CLOCK_THREAD_CPUTIME_ID, &c, &s.waits_known)) return {};
  s.cpu_ns += c.cpu_ns;
  s.waited_ns += c.waited_ns;
  s.threads = 1;
  for (int i = 0; i + 1 < threads; ++i) {
    const WorkerTeam::WorkerIds ids = team.worker_ids(i);
    if (ids.tid == 0) break;
    if (!read_thread(worker_schedstat(ids.tid), ids.cpu_clock, &c, &s.waits_known)) return {};
    s.cpu_ns += c.cpu_ns;
    s.waited_ns += c.waited_ns;
    ++s.threads;
  }
  return s;
}

}  // namespace frost::kernels::simd
