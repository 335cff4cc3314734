#include "kernels/simd/team_clock.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
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

// A thread's CPU-time clock from its id (the kernel's encoding, the one
// glibc's pthread_getcpuclockid uses: ~tid << 3 | CPUCLOCK_SCHED, per thread).
clockid_t thread_cpu_clock(pid_t tid) { return static_cast<clockid_t>((~static_cast<unsigned>(tid) << 3) | 6u); }

// The calling thread's schedstat, open for the thread's lifetime.
struct OwnSchedstat {
  int fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
  ~OwnSchedstat() {
    if (fd >= 0) close(fd);
  }
};

// The workers found so far and their schedstat files (kept open: workers
// live as long as the process).
struct Worker {
  pid_t tid;
  int fd;  // -1: not readable
};
std::mutex g_workers_mutex;
std::vector<Worker> g_workers;
pid_t g_workers_pid = 0;  // the process that found them: a forked child starts afresh

void find_workers() {
  if (g_workers_pid != getpid()) {
    for (const Worker& w : g_workers)
      if (w.fd >= 0) close(w.fd);  // the parent's threads, not ours
    g_workers.clear();
    g_workers_pid = getpid();
  }
  DIR* dir = opendir("/proc/self/task");
  if (dir == nullptr) return;
  while (const dirent* e = readdir(dir)) {
    const pid_t tid = static_cast<pid_t>(std::atoi(e->d_name));
    if (tid <= 0) continue;
    bool known = false;
    for (const Worker& w : g_workers) known = known || w.tid == tid;
    if (known) continue;
    const std::string task = "/proc/self/task/" + std::to_string(tid);
    const int comm = open((task + "/comm").c_str(), O_RDONLY | O_CLOEXEC);
    if (comm < 0) continue;
    char name[32] = {};
    const ssize_t n = read(comm, name, sizeof name - 1);
    close(comm);
    if (n <= 0 || std::strncmp(name, "frost-worker", 12) != 0) continue;
    g_workers.push_back({tid, open((task + "/schedstat").c_str(), O_RDONLY | O_CLOEXEC)});
  }
  closedir(dir);
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

TeamClockSample read_team_clock(int threads) {
  thread_local OwnSchedstat own;
  TeamClockSample s;
  s.waits_known = true;
  Counters c;
  if (!read_thread(own.fd, CLOCK_THREAD_CPUTIME_ID, &c, &s.waits_known)) return {};
  s.cpu_ns += c.cpu_ns;
  s.waited_ns += c.waited_ns;
  s.threads = 1;
  const std::lock_guard<std::mutex> lock(g_workers_mutex);
  if (static_cast<int>(g_workers.size()) < threads - 1 || g_workers_pid != getpid()) find_workers();
  for (const Worker& w : g_workers) {
    if (s.threads >= threads) break;
    if (!read_thread(w.fd, thread_cpu_clock(w.tid), &c, &s.waits_known)) continue;  // gone (a fork's parent team)
    s.cpu_ns += c.cpu_ns;
    s.waited_ns += c.waited_ns;
    ++s.threads;
  }
  return s;
}

}  // namespace frost::kernels::simd
