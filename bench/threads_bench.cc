// What a parallel region costs: an empty 2-thread region on the kernels'
// worker team (kernels/simd/worker_team.h) beside an empty OpenMP region (as
// the kernels ran before, with whatever OMP_WAIT_POLICY / GOMP_SPINCOUNT the
// environment sets), each right after the previous one and after a pause of
// serial work longer than the team's spin (the workers have gone to sleep),
// and a region of 8 chunks of ~5 µs through parallel_for.
//
//   bench/bench_threads                                  # team vs libgomp's default spin
//   OMP_WAIT_POLICY=passive bench/bench_threads          # team vs what frost used to set
#include <benchmark/benchmark.h>
#include <omp.h>

#include <atomic>
#include <chrono>

#include "bench_util.h"
#include "kernels/simd/thread_policy.h"

namespace {

using Clock = std::chrono::steady_clock;

void busy_for(std::chrono::nanoseconds d) {
  const auto end = Clock::now() + d;
  while (Clock::now() < end) {
  }
}

std::atomic<int> g_sink{0};

// Times only the region (manual time), after `pause` of serial work.
template <class Region>
void timed_regions(benchmark::State& st, Region region) {
  const auto pause = std::chrono::microseconds(st.range(0));
  for (auto _ : st) {
    busy_for(pause);
    const auto t0 = Clock::now();
    region();
    st.SetIterationTime(std::chrono::duration<double>(Clock::now() - t0).count());
  }
}

void team_region(benchmark::State& st) {
  timed_regions(st, [] {
    frost::kernels::simd::parallel_run(2, [](int tid, int) { g_sink.fetch_add(tid, std::memory_order_relaxed); });
  });
}

// The team's own fork and join, without parallel_run's measuring around it.
void team_raw_region(benchmark::State& st) {
  timed_regions(st, [] {
    const frost::kernels::simd::WorkerTeam::Task task = [](void*, int tid, int) {
      g_sink.fetch_add(tid, std::memory_order_relaxed);
    };
    frost::kernels::simd::worker_team().run(2, task, nullptr);
  });
}

void omp_region(benchmark::State& st) {
  timed_regions(st, [] {
#pragma omp parallel num_threads(2)
    g_sink.fetch_add(omp_get_thread_num(), std::memory_order_relaxed);
  });
}

void team_chunks(benchmark::State& st) {
  for (auto _ : st) {
    frost::kernels::simd::parallel_for(2, 8, [](int64_t, int) { busy_for(std::chrono::microseconds(5)); });
  }
}

void register_all() {
  // 0: back to back; 1000 µs: longer than the team's spin (0.2 ms).
  for (int pause : {0, 1000}) {
    benchmark::RegisterBenchmark("threads/empty_region/team", team_region)->Arg(pause)->UseManualTime();
    benchmark::RegisterBenchmark("threads/empty_region/team_raw", team_raw_region)->Arg(pause)->UseManualTime();
    benchmark::RegisterBenchmark("threads/empty_region/openmp", omp_region)->Arg(pause)->UseManualTime();
  }
  benchmark::RegisterBenchmark("threads/parallel_for/8x5us", team_chunks)->UseRealTime();
}

}  // namespace

int main(int argc, char** argv) {
  return frost::bench::run_benchmarks(argc, argv, frost::bench::Peak::kSkip, register_all);
}
