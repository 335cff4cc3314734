// The OpenMP thread count of one call. omp_set_num_threads sets the calling
// thread's own nthreads-var (OpenMP 5.2, 2.4: a per-data-environment ICV), so
// two threads running the same Session with different counts do not see each
// other's setting, and the caller's setting is back once the call returns.
#pragma once

#include <omp.h>

namespace frost {

class ThreadCountScope {
 public:
  // threads <= 0: leaves the setting alone.
  explicit ThreadCountScope(int threads) : saved_(threads > 0 ? omp_get_max_threads() : 0) {
    if (threads > 0) omp_set_num_threads(threads);
  }
  ~ThreadCountScope() {
    if (saved_ > 0) omp_set_num_threads(saved_);
  }
  ThreadCountScope(const ThreadCountScope&) = delete;
  ThreadCountScope& operator=(const ThreadCountScope&) = delete;

 private:
  int saved_;
};

}  // namespace frost
