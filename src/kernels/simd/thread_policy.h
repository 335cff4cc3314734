// How many threads one kernel call uses, how it cuts its work, and the
// regions that run it on the worker team (kernels/simd/worker_team.h).
//
// A region of the team costs about a microsecond while its workers spin,
// tens of µs when they have gone to sleep. On a machine whose cores other
// processes also use, it can cost much more: a worker waits for a core, or
// is preempted mid-way and the others wait for its share. Whole models then
// ran slower on 2 threads than on 1. So the dispatch measures what its own
// regions cost beyond their work and splits a call only when each thread's
// share is worth more than that; and the work is cut into chunks that the
// threads take in turn (parallel_for), so a delayed thread does less of it
// and a worker that has not started when the chunks run out is not waited
// for.
#pragma once

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>

#include "kernels/simd/worker_team.h"

namespace frost::kernels::simd {

// Work measured in some unit: how fast one core does it, and the least a
// thread should get even on an idle machine.
struct WorkRate {
  double units_per_second;
  double min_units_per_thread;
};
// Floating-point operations with the AVX2 kernels (one core's peak is about
// 44 GFLOP/s; 0.25 MFLOP ≈ 6 µs is the least worth a thread when idle).
inline constexpr WorkRate kFlops{3.5e10, 2.5e5};

// Threads for `work` units, at most `threads`: each thread gets at least
// max(rate.min_units_per_thread, overhead_seconds of work). Pure.
int threads_for_work(double work, int threads, double overhead_seconds, WorkRate rate = kFlops);

// Running mean of what one parallel region cost beyond its work (seconds;
// a single outlier counts only partly), decaying with the time since the
// last sample (decayed_overhead, pure) so that a busy spell does not keep
// every later call on one thread.
//
// A region of a held run (a plan's: WorkerTeam::hold) that had to wake a
// worker asleep after the pause between runs (WorkerTeam::RegionReport)
// counts at most as the estimate itself: its futex wake-up (20-110 µs on
// the 2-core VM, in the caller's system call and in the worker's late
// start) is paid once after the pause, not by the regions that follow while
// the worker spins. Counted in full, it raised the estimate to 35-43 µs
// after the first region of a run, every layer of a small model then stayed
// on one thread, the workers went back to sleep before the next run, and
// the next region that split woke them again: a fresh chaow94_mnist process
// ran 2 threads at its 1-thread speed. Other wake-ups count in full: unheld
// calls (a loop program's) pay one each time, and on busy cores (the spin
// budget cut) the workers sleep between close regions too. next_overhead
// is the pure update.
double decayed_overhead(double estimate, double age_seconds);
double next_overhead(double estimate, double sample_seconds, bool woke_after_pause);
double parallel_overhead();
void note_parallel_overhead(double seconds, bool woke_after_pause = false);

// The threads a kernel call may use: `threads`, or omp_get_max_threads() for
// 0 (the count is OpenMP's setting: OMP_NUM_THREADS, omp_set_num_threads);
// always 1 inside a parallel region, ours or OpenMP's (no nested teams: the
// caller already split the work).
inline int resolve_threads(int threads) {
  if (in_worker_region() || omp_in_parallel()) return 1;
  if (threads <= 0) threads = omp_get_max_threads();
  return threads < 1 ? 1 : threads;
}

// Stalls: regions of parallel_for in which the caller, out of chunks,
// waited long (kStallSeconds, and longer than two chunks take) for a worker
// that had started one: the worker was preempted mid-chunk, so another
// program is using its core, and until it is scheduled again the caller
// waits for a slice of that program's time (milliseconds). The running
// estimate above learns this only slowly (it caps single samples), so a
// stall also keeps every call on one thread for a back-off; the first
// region after it probes the other core again. A stall that follows soon
// after the back-off (sooner than the back-off lasted, or before
// kStallForgetRegions clean regions) means the other program is still
// there: the back-off doubles, up to kMaxStallBackoffSeconds, so that with
// a core busy for good the stalls cost a fraction of a percent and 2
// threads are not slower than 1. A stall later than that starts again
// from the first step: a neighbour that spins for tens of milliseconds now
// and then (another engine's thread pool after its run; a Python benchmark
// alternating engines) must not keep every later call on one thread (the
// earlier rule, forgetting only after a whole second without stalls,
// doubled the back-off to seconds there and ran 2 threads like 1). Nor a
// neighbour of lower priority that the tick lets preempt a worker for 4 ms
// every few tens of milliseconds (a nice-19 build beside a benchmark that
// has the higher priority): with a fixed 100 ms to forget in, each such stall counted as
// a recurrence, the back-off doubled to its cap, and large/mobilenet_v2_224
// ran most of its 2-thread runs on one thread. A neighbour that keeps a
// core busy stalls a worker again within a tick or two of the back-off's
// end, sooner than the shortest back-off. Pure but for the last three.
inline constexpr double kStallSeconds = 2e-4;
inline constexpr double kStallBackoffSeconds = 0.01;
inline constexpr double kMaxStallBackoffSeconds = 128 * kStallBackoffSeconds;
inline constexpr int64_t kStallForgetRegions = 16;
struct StallState {
  double until = 0;    // seconds on the caller's clock: one thread until then
  double backoff = 0;  // the last back-off
  int64_t clean = 0;   // regions without a stall since the last stall
};
StallState after_stall(StallState s, double now);
StallState after_clean_region(StallState s);
bool is_stall(double waited_seconds, double chunk_seconds);
void note_parallel_stall(bool stalled);
bool parallel_stalled();
void forget_parallel_stalls();  // for tests

// The dispatch's choice: threads_for_work with the running estimate; 1
// during a stall back-off.
int choose_threads(double work, int threads, WorkRate rate = kFlops);

// Partitioning for parallel_for (pure). Each thread gets about
// kChunksPerThread chunks: enough that a thread delayed mid-way (a busy
// machine) leaves little for the others to wait on, and that uneven chunks
// even out; few enough that a chunk's fixed costs stay small.
inline constexpr int64_t kChunksPerThread = 4;

// Chunks for `items` independent items on `threads` threads: at most one an
// item, 1 for one thread.
inline int64_t chunk_count(int64_t items, int threads) {
  if (threads <= 1 || items <= 1) return 1;
  const int64_t want = kChunksPerThread * threads;
  return items < want ? items : want;
}

// Items [begin, end) of chunk c of `chunks` over `items`: consecutive, all
// items covered once, sizes differing by at most one.
struct ChunkRange {
  int64_t begin, end;
};
inline ChunkRange chunk_range(int64_t items, int64_t chunks, int64_t c) {
  return {items * c / chunks, items * (c + 1) / chunks};
}

// Chunks of a rows × cols grid of equal tiles (a GEMM's MR-row tiles by its
// NR-column panels): rows only when there are enough of them, since chunks
// side by side each read all of their rows' input; otherwise every row its
// own chunk, its columns cut into as many pieces as the count needs.
struct GridChunks {
  int64_t row_chunks, col_chunks;
};
inline GridChunks grid_chunks(int64_t rows, int64_t cols, int threads) {
  const int64_t want = chunk_count(rows * cols, threads);
  if (rows >= want) return {want, 1};
  const int64_t col_chunks = (want + rows - 1) / rows;
  return {rows, col_chunks < cols ? col_chunks : cols};
}

namespace {  // internal linkage: included by the per-ISA translation units too

// body(tid, nth) for tid in [0, nth) on the WorkerTeam (directly, as
// body(0, 1), when threads is 1 or another thread is using the team).
// Records what the region cost beyond the work: the latest thread start
// after the fork, the join's delay after the last thread finished, and the
// longest minus the shortest thread (the callers give threads equal shares,
// so that difference is mostly a thread the scheduler preempted mid-way).
template <class Body>
void parallel_run(int threads, Body&& body) {
  if (threads <= 1) {
    body(0, 1);
    return;
  }
  using Clock = std::chrono::steady_clock;
  auto ns = [] { return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count(); };
  auto raise = [](std::atomic<int64_t>& a, int64_t v) {
    for (int64_t cur = a.load(std::memory_order_relaxed); cur < v;)
      if (a.compare_exchange_weak(cur, v, std::memory_order_relaxed)) break;
  };
  const int64_t t0 = ns();
  std::atomic<int64_t> last_start{t0}, last_end{t0}, longest{0}, minus_shortest{INT64_MIN};
  auto part = [&](int tid, int nth) {
    const int64_t start = ns();
    raise(last_start, start);
    body(tid, nth);
    const int64_t end = ns();
    raise(last_end, end);
    raise(longest, end - start);
    raise(minus_shortest, start - end);
  };
  using Part = decltype(part);
  const WorkerTeam::Task task = [](void* context, int tid, int nth) { (*static_cast<Part*>(context))(tid, nth); };
  WorkerTeam::RegionReport report;
  if (!worker_team().run(threads, task, &part, WorkerTeam::Join::kEveryThread, &report)) {
    body(0, 1);
    return;
  }
  const int64_t t1 = ns();
  const int64_t lost = (last_start.load() - t0) + (t1 - last_end.load()) + (longest.load() + minus_shortest.load());
  note_parallel_overhead(1e-9 * static_cast<double>(lost), report.woke_after_pause);
}

// body(chunk, tid) for every chunk in [0, chunks), shared dynamically by up
// to `threads` threads: each takes another chunk when it is done with one,
// the caller from the front and the worker from the back (measured on
// MobileNetV2 224 with both cores to itself: 2 threads took 8.3 ms, as 1,
// with chunks handed out in order, and 6.7 ms so), so that each keeps the
// same part of every layer and mostly reads what it wrote itself; a thread
// that the scheduler delays does less of the work, and a worker
// that has not started when the chunks run out is not waited for (on a
// machine whose other core is busy, the caller then does it all, as with one
// thread). tid < threads names per-thread scratch. A chunk's result must not
// depend on the thread that runs it. Records the region's cost beyond the
// work: its time minus the summed busy time shared by the threads that took
// part. A worker that never started costs nothing but the wake-up (the
// caller did the work as it would have alone), so only the waits count: for
// a fork, and for a thread preempted mid-chunk.
template <class Body>
void parallel_for(int threads, int64_t chunks, Body&& body) {
  if (threads > chunks) threads = static_cast<int>(chunks);
  if (threads <= 1) {
    for (int64_t c = 0; c < chunks; ++c) body(c, 0);
    return;
  }
  using Clock = std::chrono::steady_clock;
  auto ns = [] { return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count(); };
  // Unclaimed chunks are [front, back) of one word: even thread ids take
  // from the front, odd ones from the back, so with 2 threads the caller
  // keeps the first part of every layer and the worker the last part, and
  // a layer's input is mostly in the cache of the thread that wrote it.
  std::atomic<uint64_t> range{static_cast<uint64_t>(chunks)};
  std::atomic<int64_t> busy{0}, took_part{0}, done{0};
  int64_t caller_out = 0;  // when the caller found no chunk left
  auto take = [&](bool front) -> int64_t {
    uint64_t r = range.load(std::memory_order_relaxed);
    for (;;) {
      const int64_t f = static_cast<int64_t>(r >> 32), b = static_cast<int64_t>(r & 0xffffffffu);
      if (f >= b) return -1;
      const uint64_t next = front ? r + (uint64_t{1} << 32) : r - 1;
      if (range.compare_exchange_weak(r, next, std::memory_order_relaxed)) return front ? f : b - 1;
    }
  };
  auto part = [&](int tid, int) {
    const int64_t start = ns();
    const bool front = tid % 2 == 0;
    int64_t c = take(front);
    if (c < 0) return;
    int64_t mine = 0;
    for (; c >= 0; c = take(front), ++mine) body(c, tid);
    const int64_t end = ns();
    if (tid == 0) caller_out = end;
    busy.fetch_add(end - start, std::memory_order_relaxed);
    done.fetch_add(mine, std::memory_order_relaxed);
    took_part.fetch_add(1, std::memory_order_relaxed);
  };
  using Part = decltype(part);
  const WorkerTeam::Task task = [](void* context, int tid, int nth) { (*static_cast<Part*>(context))(tid, nth); };
  const int64_t t0 = ns();
  WorkerTeam::RegionReport report;
  if (!worker_team().run(threads, task, &part, WorkerTeam::Join::kStartedWorkers, &report)) {
    for (int64_t c = 0; c < chunks; ++c) body(c, 0);
    return;
  }
  const int64_t t1 = ns();
  const int64_t lost = (t1 - t0) - busy.load() / std::max<int64_t>(took_part.load(), 1);
  note_parallel_overhead(1e-9 * static_cast<double>(lost > 0 ? lost : 0), report.woke_after_pause);
  if (caller_out > 0) {  // the caller took part (it always does unless it found no chunk at all)
    const double chunk = 1e-9 * static_cast<double>(busy.load()) / static_cast<double>(std::max<int64_t>(done.load(), 1));
    note_parallel_stall(is_stall(1e-9 * static_cast<double>(t1 - caller_out), chunk));
  }
}

}  // namespace

}  // namespace frost::kernels::simd
