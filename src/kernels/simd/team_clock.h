// How much of the machine the calling thread and the worker team got: the
// kernel's per-thread counters, read for the per-run choice of threads
// (team_share.h).
//
// The primary counter is schedstat's run_delay (/proc/<tid>/schedstat, field
// 2: ns spent runnable but waiting for a CPU, cumulative): another program on
// "our" core raises it, while the host preempting the VM's virtual CPU (which
// the quiet 2-core VM does now and then) does not, since the guest never sees
// its task wait. Each thread's file stays open and is re-read with one pread
// (1.6 µs on the 2-core VM). Where schedstat is missing or does not account
// (the file is absent, or its CPU-time field stays 0), only the threads' CPU
// time is known (their CPU clocks); the caller then compares it with wall time.
//
// The workers are found by their thread name ("frost-worker",
// worker_team.cc), listed from /proc/self/task once and again only when
// fewer are known than asked for: a process has one team (a forked child
// gets a new one, whose workers are then the only ones alive).
#pragma once

#include <cstdint>

namespace frost::kernels::simd {

struct TeamClockSample {
  int64_t waited_ns = 0;  // summed run_delay (valid when waits_known)
  int64_t cpu_ns = 0;     // summed CPU time
  int threads = 0;        // threads read: the caller and up to threads - 1 workers
  bool waits_known = false;
  bool valid() const { return threads > 0; }
};

// Reads the calling thread's counters and those of up to `threads` - 1
// workers (fewer when fewer have started: .threads says how many). Not
// valid when the caller's counters cannot be read at all.
TeamClockSample read_team_clock(int threads);

}  // namespace frost::kernels::simd
