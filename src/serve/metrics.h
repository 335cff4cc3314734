// The server's counters in Prometheus' text exposition format (version 0.0.4):
//   frost_serve_requests_total{model,code}               counter
//   frost_serve_request_duration_seconds{model}          histogram
//   frost_serve_batch_size{model}                        histogram (rows per run)
//   frost_serve_queue_depth{model}                       gauge (read at scrape)
// Requests that name no served model count under model="".
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace frost::serve {

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {}
  void observe(double value);
  // The `_bucket`, `_sum` and `_count` lines of metric `name` with `labels` ("model=\"m\"").
  void write(std::string& out, const std::string& name, const std::string& labels) const;

 private:
  std::vector<double> bounds_;
  std::vector<uint64_t> counts_;  // last: above every bound
  double sum_ = 0;
  uint64_t count_ = 0;
};

class Metrics {
 public:
  void count_request(const std::string& model, int code, double seconds);
  void count_batch(const std::string& model, int64_t rows);
  // The exposition text; `queue_depths` gives each model's queue at this moment.
  std::string text(const std::map<std::string, size_t>& queue_depths) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  std::map<std::string, Histogram> latency_, batch_size_;
};

}  // namespace frost::serve
