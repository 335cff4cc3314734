// The dynamic batcher on its own, with a stand-in model (y = 2x per row) and a
// gate that holds the worker so the queue can be filled deterministically.
#include <doctest/doctest.h>

#include <latch>
#include <semaphore>

#include "serve/batch_tensors.h"
#include "serve/batcher.h"
#include "serve/http_error.h"

namespace frost::serve {
namespace {

const TensorId kX{"x", 0, false};

FeedMap rows_of(std::vector<float> values, int64_t width) {
  const auto n = static_cast<int64_t>(values.size()) / width;
  return {{kX, Tensor::from_vector<float>(values, Shape{n, width})}};
}

// A stand-in model that doubles its input and records the rows of every run.
struct Doubler {
  std::mutex mutex;
  std::vector<int64_t> runs;
  std::vector<Tensor> operator()(const FeedMap& feeds) {
    const Tensor& x = feeds.at(kX);
    Tensor y(DType::Float, x.shape());
    for (int64_t i = 0; i < x.num_elements(); ++i) y.data<float>()[i] = 2 * x.data<float>()[i];
    std::lock_guard<std::mutex> lock(mutex);
    runs.push_back(x.shape().dim(0));
    return {y};
  }
};

// Holds the worker before its next batch until release() is called.
struct Gate {
  std::counting_semaphore<1024> open{0};
  void operator()() { open.acquire(); }
  void release(int n = 1) { open.release(n); }
};

TEST_CASE("concat_rows pads with zeros and slice_rows cuts rows back out") {
  const Tensor a = Tensor::from_vector<float>({1, 2}, Shape{1, 2});
  const Tensor b = Tensor::from_vector<float>({3, 4, 5, 6}, Shape{2, 2});
  CHECK(same_row_shape(a, b));
  CHECK(!same_row_shape(a, Tensor::from_vector<float>({1, 2, 3}, Shape{1, 3})));
  const Tensor c = concat_rows({&a, &b}, 4);
  CHECK(c.shape() == Shape{4, 2});
  CHECK(std::vector<float>(c.values<float>().begin(), c.values<float>().end()) ==
        std::vector<float>{1, 2, 3, 4, 5, 6, 0, 0});
  const Tensor s = slice_rows(c, 1, 2);
  CHECK(s.shape() == Shape{2, 2});
  CHECK(s.data<float>()[3] == 6);
  Tensor t(DType::String, Shape{1});
  t.strings() = {"q"};
  const Tensor ts = concat_rows({&t, &t}, 3);
  CHECK(ts.strings() == std::vector<std::string>{"q", "q", ""});
  CHECK(slice_rows(ts, 1, 1).strings() == std::vector<std::string>{"q"});
}

TEST_CASE("queued requests are merged up to max_batch, padded to a power of two, and split back") {
  Doubler model;
  Gate gate;
  BatcherOptions options;
  options.max_batch = 4;
  options.before_batch = [&gate] { gate(); };
  Batcher batcher([&model](const FeedMap& f) { return model(f); }, /*batchable=*/true, options);

  std::vector<std::future<std::vector<Tensor>>> results;
  // The worker takes request 0 and waits at the gate; 1..5 queue behind it.
  for (int i = 0; i < 6; ++i) results.push_back(batcher.submit(rows_of({float(i), float(10 + i)}, 2), 1));
  CHECK(batcher.queue_depth() >= 5);
  gate.release(100);
  for (int i = 0; i < 6; ++i) {
    const Tensor y = results[static_cast<size_t>(i)].get().at(0);
    CHECK(y.shape() == Shape{1, 2});
    CHECK(y.data<float>()[0] == 2.0f * float(i));
    CHECK(y.data<float>()[1] == 2.0f * float(10 + i));
  }
  batcher.stop();
  // 6 one-row requests in batches of at most 4 rows: 4 + 2 (the 2 unpadded
  // rows of 2 requests become a padded run of 2).
  CHECK(model.runs == std::vector<int64_t>{4, 2});
}

TEST_CASE("odd merged sizes are padded to the next power of two, never past max_batch") {
  Doubler model;
  Gate gate;
  BatcherOptions options;
  options.max_batch = 6;
  options.before_batch = [&gate] { gate(); };
  std::vector<int64_t> observed;
  options.on_batch = [&observed](int64_t rows) { observed.push_back(rows); };
  Batcher batcher([&model](const FeedMap& f) { return model(f); }, true, options);
  std::vector<std::future<std::vector<Tensor>>> results;
  for (int i = 0; i < 3; ++i) results.push_back(batcher.submit(rows_of({1, 2}, 2), 1));
  for (int i = 0; i < 2; ++i) results.push_back(batcher.submit(rows_of({1, 2, 3, 4}, 2), 2));
  gate.release(100);
  for (auto& r : results) CHECK(r.get().at(0).data<float>()[0] == 2.0f);
  batcher.stop();
  CHECK(model.runs == std::vector<int64_t>{6, 2});  // 3x1 + 1x2 = 5 rows -> 6 (cap); then 2
  CHECK(observed == std::vector<int64_t>{5, 2});   // the histogram counts real rows
}

TEST_CASE("a model with a fixed batch size never merges; different row shapes do not merge") {
  for (const bool batchable : {false, true}) {
    Doubler model;
    Gate gate;
    BatcherOptions options;
    options.before_batch = [&gate] { gate(); };
    Batcher batcher([&model](const FeedMap& f) { return model(f); }, batchable, options);
    std::vector<std::future<std::vector<Tensor>>> results;
    results.push_back(batcher.submit(rows_of({1, 2}, 2), 1));
    results.push_back(batcher.submit(rows_of({1, 2, 3}, 3), 1));  // another row shape
    results.push_back(batcher.submit(rows_of({1, 2, 3}, 3), 1));
    gate.release(100);
    for (auto& r : results) r.get();
    batcher.stop();
    CHECK(model.runs == (batchable ? std::vector<int64_t>{1, 2} : std::vector<int64_t>{1, 1, 1}));
  }
}

TEST_CASE("a full queue answers 503; stop() finishes what was queued and refuses more") {
  Doubler model;
  Gate gate;
  BatcherOptions options;
  options.max_queue = 2;
  options.before_batch = [&gate] { gate(); };
  Batcher batcher([&model](const FeedMap& f) { return model(f); }, true, options);
  // The worker waits at the gate before taking anything: both stay queued.
  auto first = batcher.submit(rows_of({1}, 1), 1);
  auto second = batcher.submit(rows_of({2}, 1), 1);
  try {
    batcher.submit(rows_of({3}, 1), 1);
    FAIL("a third queued request was accepted");
  } catch (const HttpError& e) {
    CHECK(e.status() == 503);
    CHECK(std::string(e.what()) == "overloaded: 2 requests already queued for this model");
  }
  gate.release(100);
  std::thread stopper([&batcher] { batcher.stop(); });
  CHECK(first.get()[0].data<float>()[0] == 2);
  CHECK(second.get()[0].data<float>()[0] == 4);
  stopper.join();
  CHECK_THROWS_AS(batcher.submit(rows_of({5}, 1), 1), HttpError);
}

TEST_CASE("a failing merged run falls back to one run per request, so one bad request fails alone") {
  Gate gate;
  BatcherOptions options;
  options.before_batch = [&gate] { gate(); };
  // Fails whenever the batch holds a negative value.
  auto run = [](const FeedMap& f) -> std::vector<Tensor> {
    for (float v : f.at(kX).values<float>())
      if (v < 0) throw Error("negative input");
    return {f.at(kX)};
  };
  Batcher batcher(run, true, options);
  auto good = batcher.submit(rows_of({1}, 1), 1);
  auto bad = batcher.submit(rows_of({-1}, 1), 1);
  auto good2 = batcher.submit(rows_of({3}, 1), 1);
  gate.release(100);
  CHECK(good.get()[0].data<float>()[0] == 1);
  CHECK_THROWS_AS(bad.get(), Error);
  CHECK(good2.get()[0].data<float>()[0] == 3);
}

TEST_CASE("an output that does not follow the batch turns batching off for the model") {
  Gate gate;
  BatcherOptions options;
  options.before_batch = [&gate] { gate(); };
  std::vector<int64_t> runs;
  // Returns the sum over the batch: one value whatever the rows.
  auto run = [&runs](const FeedMap& f) -> std::vector<Tensor> {
    runs.push_back(f.at(kX).shape().dim(0));
    float sum = 0;
    for (float v : f.at(kX).values<float>()) sum += v;
    return {Tensor::from_vector<float>({sum}, Shape{1})};
  };
  Batcher batcher(run, true, options);
  std::vector<std::future<std::vector<Tensor>>> results;
  for (int i = 1; i <= 3; ++i) results.push_back(batcher.submit(rows_of({float(i)}, 1), 1));
  gate.release(100);
  for (int i = 1; i <= 3; ++i) CHECK(results[static_cast<size_t>(i - 1)].get()[0].data<float>()[0] == float(i));
  auto later = batcher.submit(rows_of({7}, 1), 1);
  CHECK(later.get()[0].data<float>()[0] == 7);
  batcher.stop();
  // The three merged (3 rows padded to 4) give one row: rejected, then each
  // alone, then the later one alone.
  CHECK(runs == std::vector<int64_t>{4, 1, 1, 1, 1});
}

}  // namespace
}  // namespace frost::serve
