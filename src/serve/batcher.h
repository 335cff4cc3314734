// Dynamic batching for one model: requests wait in a bounded queue; one worker
// takes the oldest and, when the model accepts any batch size (dim 0 unknown
// on every input), merges the requests queued behind it along dim 0, up to
// max_batch rows, runs them as one batch and splits the outputs back. It waits
// up to batch_timeout for more requests only while others are arriving (being
// read or parsed): a lone request runs at once, and under load the queue that
// builds while a batch runs becomes the next batch. Merged batches are padded
// to the next power of two (capped at max_batch) so the CPU backend keeps a
// handful of plans instead of one per batch size.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "runtime/executor.h"

namespace frost::serve {

struct BatcherOptions {
  int64_t max_batch = 32;                    // rows in one merged run
  std::chrono::microseconds timeout{500};    // longest wait for more requests
  size_t max_queue = 256;                    // requests waiting; more get 503
  // Runs before each batch (tests hold the worker here to fill the queue).
  std::function<void()> before_batch;
  // Told the rows of every run (the batch-size histogram).
  std::function<void(int64_t rows)> on_batch;
};

class Batcher {
 public:
  using RunFn = std::function<std::vector<Tensor>(const FeedMap&)>;

  // `batchable`: requests may be merged along dim 0 (see ServedModel).
  Batcher(RunFn run, bool batchable, BatcherOptions options);
  ~Batcher();  // stop()
  Batcher(const Batcher&) = delete;
  Batcher& operator=(const Batcher&) = delete;

  // Queues one request of `rows` rows (dim 0 of every feed; -1 when the feeds
  // have none, such a request runs alone). Throws HttpError 503 when the queue
  // is full or the batcher stopped.
  std::future<std::vector<Tensor>> submit(FeedMap feeds, int64_t rows);

  // A request for this model is being read or parsed (RAII): the worker waits
  // for it (up to the timeout) before running a batch without it.
  class Arrival {
   public:
    explicit Arrival(Batcher& b);
    ~Arrival();
    Arrival(const Arrival&) = delete;
    Arrival& operator=(const Arrival&) = delete;

   private:
    Batcher& batcher_;
  };

  size_t queue_depth() const;
  // Finishes every queued request, then ends the worker. Idempotent.
  void stop();

 private:
  struct Request {
    FeedMap feeds;
    int64_t rows;
    std::promise<std::vector<Tensor>> result;
  };

  void work();
  // Takes the next batch from the queue (lock held): the oldest request and
  // the compatible ones behind it, waiting as the class comment says.
  std::vector<Request> take_batch(std::unique_lock<std::mutex>& lock);
  void run_alone(Request& r);
  void run_merged(std::vector<Request>& batch);

  RunFn run_;
  std::atomic<bool> batchable_;
  BatcherOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Request> queue_;
  int arriving_ = 0;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace frost::serve
