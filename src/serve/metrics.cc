#include "serve/metrics.h"

#include <cstdio>

namespace frost::serve {

namespace {

const std::vector<double> kLatencyBounds = {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5};
const std::vector<double> kBatchBounds = {1, 2, 4, 8, 16, 32, 64, 128, 256};

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

// A label value with \, " and newlines escaped as the format asks.
std::string label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

void Histogram::observe(double value) {
  size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  ++counts_[i];
  sum_ += value;
  ++count_;
}

void Histogram::write(std::string& out, const std::string& name, const std::string& labels) const {
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += counts_[i];
    const std::string le = i < bounds_.size() ? number(bounds_[i]) : "+Inf";
    out += name + "_bucket{" + labels + ",le=\"" + le + "\"} " + std::to_string(cumulative) + "\n";
  }
  out += name + "_sum{" + labels + "} " + number(sum_) + "\n";
  out += name + "_count{" + labels + "} " + std::to_string(count_) + "\n";
}

void Metrics::count_request(const std::string& model, int code, double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_[{model, code}];
  latency_.try_emplace(model, kLatencyBounds).first->second.observe(seconds);
}

void Metrics::count_batch(const std::string& model, int64_t rows) {
  std::lock_guard<std::mutex> lock(mutex_);
  batch_size_.try_emplace(model, kBatchBounds).first->second.observe(static_cast<double>(rows));
}

std::string Metrics::text(const std::map<std::string, size_t>& queue_depths) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string out;
  out += "# HELP frost_serve_requests_total HTTP requests answered, by model and status code.\n";
  out += "# TYPE frost_serve_requests_total counter\n";
  for (const auto& [key, n] : requests_)
    out += "frost_serve_requests_total{model=\"" + label(key.first) + "\",code=\"" + std::to_string(key.second) +
           "\"} " + std::to_string(n) + "\n";
  out += "# HELP frost_serve_request_duration_seconds Time from routing a request to its response.\n";
  out += "# TYPE frost_serve_request_duration_seconds histogram\n";
  for (const auto& [model, h] : latency_)
    h.write(out, "frost_serve_request_duration_seconds", "model=\"" + label(model) + "\"");
  out += "# HELP frost_serve_batch_size Rows in each model run (merged requests count together).\n";
  out += "# TYPE frost_serve_batch_size histogram\n";
  for (const auto& [model, h] : batch_size_) h.write(out, "frost_serve_batch_size", "model=\"" + label(model) + "\"");
  out += "# HELP frost_serve_queue_depth Requests waiting for a model run.\n";
  out += "# TYPE frost_serve_queue_depth gauge\n";
  for (const auto& [model, depth] : queue_depths)
    out += "frost_serve_queue_depth{model=\"" + label(model) + "\"} " + std::to_string(depth) + "\n";
  return out;
}

}  // namespace frost::serve
