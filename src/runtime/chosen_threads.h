// A plan's or loop program's runs on the thread count RunThreads chooses
// (run_threads.h), timed for it: shared by Plan::run and LoopProgram::run.
#pragma once

#include <chrono>
#include <mutex>

#include "kernels/simd/thread_policy.h"
#include "runtime/run_threads.h"
#include "runtime/thread_count.h"

namespace frost {

// run(threads) on the chosen count (the OpenMP count is set to it for the
// call); `fixed`: on the count asked for, untimed (a profiled run).
template <class Run>
auto run_on_chosen_threads(SharedRunThreads& choice, bool fixed, Run&& run) -> decltype(run(1)) {
  const int allowed = kernels::simd::resolve_threads(0);
  if (fixed || allowed <= 1) return run(allowed);
  const int threads = choice.next(allowed);
  const auto start = std::chrono::steady_clock::now();
  const ThreadCountScope scope(threads < allowed ? threads : 0);
  auto out = run(threads);
  choice.record(threads, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return out;
}

}  // namespace frost
