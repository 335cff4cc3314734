#include "serve/batcher.h"

#include "serve/batch_tensors.h"
#include "serve/http_error.h"

namespace frost::serve {

namespace {

int64_t bucket_rows(int64_t rows, int64_t max_batch) {
  int64_t b = 1;
  while (b < rows) b *= 2;
  return std::min(b, std::max(rows, max_batch));
}

bool compatible(const FeedMap& a, const FeedMap& b) {
  if (a.size() != b.size()) return false;
  for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib)
    if (!(ia->first == ib->first) || !same_row_shape(ia->second, ib->second)) return false;
  return true;
}

}  // namespace

Batcher::Batcher(RunFn run, bool batchable, BatcherOptions options)
    : run_(std::move(run)), batchable_(batchable), options_(std::move(options)), worker_([this] { work(); }) {}

Batcher::~Batcher() { stop(); }

void Batcher::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (worker_.joinable()) worker_.join();
}

size_t Batcher::queue_depth() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.size();
}

Batcher::Arrival::Arrival(Batcher& b) : batcher_(b) {
  std::lock_guard<std::mutex> lock(b.mutex_);
  ++b.arriving_;
}

Batcher::Arrival::~Arrival() {
  {
    std::lock_guard<std::mutex> lock(batcher_.mutex_);
    --batcher_.arriving_;
  }
  batcher_.changed_.notify_all();
}

std::future<std::vector<Tensor>> Batcher::submit(FeedMap feeds, int64_t rows) {
  std::future<std::vector<Tensor>> result;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) throw HttpError(503, "the server is shutting down");
    if (queue_.size() >= options_.max_queue)
      throw HttpError(503, "overloaded: " + std::to_string(queue_.size()) + " requests already queued for this model");
    queue_.push_back(Request{std::move(feeds), rows, {}});
    result = queue_.back().result.get_future();
  }
  changed_.notify_all();
  return result;
}

std::vector<Batcher::Request> Batcher::take_batch(std::unique_lock<std::mutex>& lock) {
  std::vector<Request> batch;
  batch.push_back(std::move(queue_.front()));
  queue_.pop_front();
  const int64_t first_rows = batch.front().rows;
  if (!batchable_ || first_rows < 1 || first_rows >= options_.max_batch) return batch;

  const auto deadline = std::chrono::steady_clock::now() + options_.timeout;
  int64_t rows = first_rows;
  while (rows < options_.max_batch) {
    if (queue_.empty()) {
      // Wait only for requests already on their way.
      if (arriving_ == 0 || stopping_) break;
      if (changed_.wait_until(lock, deadline) == std::cv_status::timeout && queue_.empty()) break;
      continue;
    }
    Request& next = queue_.front();
    if (next.rows < 1 || rows + next.rows > options_.max_batch || !compatible(batch.front().feeds, next.feeds)) break;
    rows += next.rows;
    batch.push_back(std::move(next));
    queue_.pop_front();
  }
  return batch;
}

void Batcher::work() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything queued has run
    lock.unlock();
    if (options_.before_batch) options_.before_batch();
    lock.lock();
    std::vector<Request> batch = take_batch(lock);
    lock.unlock();
    if (batch.size() == 1) {
      run_alone(batch.front());
    } else {
      run_merged(batch);
    }
    lock.lock();
  }
}

void Batcher::run_alone(Request& r) {
  try {
    std::vector<Tensor> out = run_(r.feeds);
    if (options_.on_batch) options_.on_batch(std::max<int64_t>(r.rows, 1));
    r.result.set_value(std::move(out));
  } catch (...) {
    r.result.set_exception(std::current_exception());
  }
}

void Batcher::run_merged(std::vector<Request>& batch) {
  int64_t rows = 0;
  for (const Request& r : batch) rows += r.rows;
  const int64_t padded = bucket_rows(rows, options_.max_batch);
  std::vector<Tensor> outputs;
  try {
    FeedMap merged;
    for (const auto& [id, first] : batch.front().feeds) {
      std::vector<const Tensor*> parts;
      for (const Request& r : batch) parts.push_back(&r.feeds.at(id));
      merged[id] = concat_rows(parts, padded);
    }
    outputs = run_(merged);
  } catch (...) {
    // One bad request must not fail the others: run each on its own.
    for (Request& r : batch) run_alone(r);
    return;
  }
  for (const Tensor& t : outputs) {
    if (t.rank() == 0 || t.shape().dim(0) != padded) {
      // An output that does not follow the batch (a reduction over it): this
      // model cannot be batched after all.
      batchable_ = false;
      for (Request& r : batch) run_alone(r);
      return;
    }
  }
  if (options_.on_batch) options_.on_batch(rows);
  int64_t begin = 0;
  for (Request& r : batch) {
    std::vector<Tensor> mine;
    for (const Tensor& t : outputs) mine.push_back(slice_rows(t, begin, r.rows));
    begin += r.rows;
    r.result.set_value(std::move(mine));
  }
}

}  // namespace frost::serve
