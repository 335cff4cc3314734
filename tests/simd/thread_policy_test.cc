// The kernels' thread-count policy (kernels/simd/thread_policy.h): the pure
// choice from work and measured region overhead, and that parallel_run gives
// every thread id once. No timings are asserted.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <span>
#include <vector>

#include "kernels/simd/eltwise_work.h"
#include "kernels/simd/thread_policy.h"

namespace frost::kernels::simd {

TEST_CASE("thread policy: small work stays on one thread, large work uses all") {
  CHECK(threads_for_work(1e3, 2, 0.0) == 1);
  CHECK(threads_for_work(2.4e5, 4, 0.0) == 1);
  CHECK(threads_for_work(5e5, 4, 0.0) == 2);
  CHECK(threads_for_work(1e9, 2, 0.0) == 2);
  CHECK(threads_for_work(1e9, 1, 0.0) == 1);
}

TEST_CASE("thread policy: a costly region keeps mid-sized work on one thread") {
  // 8 MFLOP (a small convolution) splits on an idle machine...
  CHECK(threads_for_work(8e6, 2, 2e-6) == 2);
  // ...but not when waking the team costs half a millisecond,
  CHECK(threads_for_work(8e6, 2, 5e-4) == 1);
  // while 2 GFLOP (a 1024³ GEMM) still does.
  CHECK(threads_for_work(2e9, 2, 5e-4) == 2);
  // Other work units scale the same way (element-wise ops: ~1e9 elements/s).
  const WorkRate elements{1e9, 65536};
  CHECK(threads_for_work(1e5, 2, 0.0, elements) == 1);
  CHECK(threads_for_work(2e5, 2, 0.0, elements) == 2);
  CHECK(threads_for_work(2e5, 2, 5e-4, elements) == 1);
}

TEST_CASE("thread policy: the overhead estimate follows lasting changes, not single delays, and decays") {
  forget_parallel_stalls();  // a loaded test machine may have stalled an earlier region
  for (int i = 0; i < 200; ++i) note_parallel_overhead(1e-3);
  // (it decays while the test runs: at most a little, unless the test is descheduled for long)
  CHECK(parallel_overhead() <= 1e-3 * 1.001);
  CHECK(parallel_overhead() > 5e-4);
  CHECK(choose_threads(8e6, 2) == 1);
  for (int i = 0; i < 200; ++i) note_parallel_overhead(0.0);
  CHECK(choose_threads(8e6, 2) == 2);
  // One region delayed by a time slice does not stop the splitting.
  for (int i = 0; i < 50; ++i) note_parallel_overhead(3e-6);
  note_parallel_overhead(5e-3);
  CHECK(parallel_overhead() < 1e-5);
  CHECK(choose_threads(8e6, 2) == 2);
  CHECK(decayed_overhead(1e-3, 0.0) == 1e-3);
  CHECK(decayed_overhead(1e-3, 0.05) == doctest::Approx(5e-4));
  CHECK(decayed_overhead(1e-3, 1.0) < 1e-8);
}

TEST_CASE("thread policy: a region that woke a worker after a pause never raises the estimate") {
  // 3 µs per region while the workers spin; then a run's first region waits
  // 80 µs for a futex wake-up.
  double est = 0.0;
  for (int i = 0; i < 100; ++i) est = next_overhead(est, 3e-6, false);
  CHECK(est == doctest::Approx(3e-6).epsilon(0.01));
  const double woke = next_overhead(est, 8e-5, true);
  CHECK(woke == doctest::Approx(est));
  // Counted as a normal sample, the same delay moves it (capped at 4× + 20 µs).
  CHECK(next_overhead(est, 8e-5, false) > 2 * est);
  // Wake-ups at the start of every run, spinning regions between: the
  // estimate stays at the spinning cost, so small layers keep splitting.
  for (int run = 0; run < 50; ++run) {
    est = next_overhead(est, 8e-5, true);
    for (int i = 0; i < 5; ++i) est = next_overhead(est, 3e-6, false);
  }
  CHECK(est == doctest::Approx(3e-6).epsilon(0.01));
  CHECK(threads_for_work(5e5, 2, est) == 2);
  // A cheap region that woke a worker may still lower it.
  CHECK(next_overhead(1e-4, 1e-6, true) < 1e-4);
  // Starting from 0 (a new process), a first region that wakes the workers
  // leaves it at 0.
  CHECK(next_overhead(0.0, 1e-4, true) == 0.0);
}

TEST_CASE("thread policy: parallel_run runs the body once per thread id") {
  for (int threads : {1, 2, 3}) {
    std::vector<std::atomic<int>> seen(static_cast<size_t>(threads));
    std::atomic<int> team{0};
    parallel_run(threads, [&](int tid, int nth) {
      seen[static_cast<size_t>(tid)]++;
      team = nth;
    });
    CHECK(team.load() >= 1);
    for (int t = 0; t < team.load(); ++t) CHECK(seen[static_cast<size_t>(t)].load() == 1);
  }
}

TEST_CASE("thread policy: chunks cover the items once, in pieces differing by at most one") {
  CHECK(chunk_count(1000, 1) == 1);
  CHECK(chunk_count(0, 2) == 1);
  CHECK(chunk_count(1000, 2) == 2 * kChunksPerThread);
  CHECK(chunk_count(3, 2) == 3);
  for (int64_t items : {1, 2, 7, 8, 9, 49, 1000}) {
    for (int threads : {1, 2, 3, 4}) {
      const int64_t chunks = chunk_count(items, threads);
      CHECK(chunks >= 1);
      CHECK(chunks <= std::max<int64_t>(items, 1));
      int64_t next = 0, smallest = items, largest = 0;
      for (int64_t c = 0; c < chunks; ++c) {
        const ChunkRange r = chunk_range(items, chunks, c);
        CHECK(r.begin == next);
        next = r.end;
        smallest = std::min(smallest, r.end - r.begin);
        largest = std::max(largest, r.end - r.begin);
      }
      CHECK(next == items);
      CHECK(largest - smallest <= 1);
    }
  }
}

TEST_CASE("thread policy: parallel_for runs every chunk once, on thread ids below the count") {
  for (int threads : {1, 2, 3}) {
    for (int64_t chunks : {1, 2, 5, 64}) {
      std::vector<std::atomic<int>> seen(static_cast<size_t>(chunks));
      std::atomic<int> bad_tid{0};
      parallel_for(threads, chunks, [&](int64_t c, int tid) {
        seen[static_cast<size_t>(c)]++;
        if (tid < 0 || tid >= threads) bad_tid++;
      });
      CHECK(bad_tid.load() == 0);
      for (int64_t c = 0; c < chunks; ++c) CHECK(seen[static_cast<size_t>(c)].load() == 1);
    }
  }
}

TEST_CASE("thread policy: a stall keeps calls on one thread for a back-off that doubles while stalls recur") {
  CHECK_FALSE(is_stall(1e-4, 1e-6));  // short waits are not stalls
  CHECK_FALSE(is_stall(1e-3, 6e-4));  // nor waits for one long chunk
  CHECK(is_stall(1e-3, 1e-5));
  StallState s;
  s = after_stall(s, 10.0);
  CHECK(s.backoff == doctest::Approx(kStallBackoffSeconds));
  CHECK(s.until == doctest::Approx(10.0 + kStallBackoffSeconds));
  // The probe after the back-off stalls at once: the neighbour is still there.
  s = after_stall(s, s.until);
  CHECK(s.backoff == doctest::Approx(2 * kStallBackoffSeconds));
  // Many clean regions, but all sooner after the back-off than it lasted: doubles.
  for (int i = 0; i < 1000; ++i) s = after_clean_region(s);
  s = after_stall(s, s.until + 0.5 * s.backoff);
  CHECK(s.backoff == doctest::Approx(4 * kStallBackoffSeconds));
  // Long after the back-off, but with fewer than kStallForgetRegions clean regions: doubles.
  for (int64_t i = 0; i + 1 < kStallForgetRegions; ++i) s = after_clean_region(s);
  s = after_stall(s, s.until + 10 * s.backoff);
  CHECK(s.backoff == doctest::Approx(8 * kStallBackoffSeconds));
  CHECK(s.clean == 0);
  for (int i = 0; i < 20; ++i) s = after_stall(s, s.until);
  CHECK(s.backoff == doctest::Approx(kMaxStallBackoffSeconds));  // bounded
  CHECK(kMaxStallBackoffSeconds <= 2.0);
}

TEST_CASE("thread policy: a stall long after the last, with clean regions between, starts from the first step") {
  // A neighbour that spins for a while now and then (rounds of another
  // engine alternating with Frost's): each time one short back-off, not
  // one doubled since the first time.
  StallState s;
  double now = 0;
  for (int round = 0; round < 20; ++round) {
    now += 0.3;
    s = after_stall(s, now);
    CHECK(s.backoff == doctest::Approx(kStallBackoffSeconds));
    for (int64_t i = 0; i < kStallForgetRegions; ++i) s = after_clean_region(s);
  }
  // The same with the stalls in bursts: the second of a burst doubles, the next burst starts again.
  s = after_stall(s, now += 0.3);
  s = after_stall(s, s.until + 1e-3);
  CHECK(s.backoff == doctest::Approx(2 * kStallBackoffSeconds));
  for (int64_t i = 0; i < kStallForgetRegions; ++i) s = after_clean_region(s);
  s = after_stall(s, s.until + s.backoff);
  CHECK(s.backoff == doctest::Approx(kStallBackoffSeconds));
  // A worker preempted by the tick every 40 ms (a neighbour of lower
  // priority): each stall one shortest back-off, never doubled.
  for (int lump = 0; lump < 20; ++lump) {
    const double next = s.until + 0.03;
    for (int64_t i = 0; i < 100 * kStallForgetRegions; ++i) s = after_clean_region(s);
    s = after_stall(s, next);
    CHECK(s.backoff == doctest::Approx(kStallBackoffSeconds));
  }
}

TEST_CASE("thread policy: during a back-off every call runs on one thread") {
  forget_parallel_stalls();
  CHECK(choose_threads(1e9, 2) == 2);
  // Stalls in a row double the back-off to the longest: a test machine that
  // delays this thread between two lines does not end it.
  for (int i = 0; i < 10; ++i) note_parallel_stall(true);
  CHECK(parallel_stalled());
  CHECK(choose_threads(1e9, 2) == 1);
  forget_parallel_stalls();
  CHECK(choose_threads(1e9, 2) == 2);
}

TEST_CASE("thread policy: a broadcast binary op's work counts its inner rows unless they run as whole vectors") {
  std::vector<int64_t> image{300 * 300, 3}, channels{3}, wide{4, 4096}, row{4096};
  std::vector<int64_t> odd{300, 1031}, odd_row{1031}, col{300, 7}, col_y{300, 1};
  const std::vector<std::span<const int64_t>> per_channel{image, channels}, per_column{wide, row};
  const std::vector<std::span<const int64_t>> untiled{odd, odd_row}, column{col, col_y};
  Broadcast b;
  REQUIRE(plan_broadcast(image, per_channel, &b));
  // 90000 rows of 3, tiled to 48 floats: the element count.
  CHECK(binary_rows_vectorised(b));
  CHECK(binary_work(b) == 270000);
  // lcm(1031, 16) is over the tile: each row ends in a padded tail.
  REQUIRE(plan_broadcast(odd, untiled, &b));
  CHECK(!binary_rows_vectorised(b));
  CHECK(binary_work(b) == 300 * 1031 + 300 * kBinaryRowUnits);
  // [M, N] op [M, 1]: one call per row of 7.
  REQUIRE(plan_broadcast(col, column, &b));
  CHECK(!binary_rows_vectorised(b));
  CHECK(binary_work(b) == 2100 + 300 * kBinaryRowUnits);
  REQUIRE(plan_broadcast(wide, per_column, &b));
  CHECK(binary_work(b) == 4 * 4096);  // rows of whole vectors
  Broadcast empty;
  CHECK(binary_work(empty) == 0);
}

}  // namespace frost::kernels::simd
