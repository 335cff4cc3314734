#include "serve/tf_serving_response.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

namespace frost::serve {

using json = nlohmann::json;

namespace {

// A float as the shortest decimal that reads back as the same float ("0.1",
// not 0.10000000149011612): the double nearest that decimal prints the same way.
double shortest(float v) {
  if (!std::isfinite(v)) return static_cast<double>(v);
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  double d = 0;
  std::from_chars(buf, end, d);
  return d;
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// The predictions are written straight into the body, without a DOM, byte
// for byte as nlohmann's dump() of the equivalent DOM would write them
// (tests/serve/codec_test.cc compares the two): a float output of a batch of
// 32 rows would otherwise allocate a node per number.

// A double as dump() writes it: shortest round-trip digits (nlohmann's
// Grisu2, the function dump() itself calls), "null" for inf and NaN.
void put_double(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buf[64];
  out.append(buf, nlohmann::detail::to_chars(buf, buf + sizeof buf, v));
}

template <class Int>
void put_integer(std::string& out, Int v) {
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

void put_string(std::string& out, const std::string& s) { out += dump(json(s)); }

void put_element(std::string& out, const Tensor& t, int64_t i) {
  const auto k = static_cast<size_t>(i);
  switch (t.dtype()) {
    case DType::Float: return put_double(out, shortest(t.data<float>()[k]));
    case DType::Half: return put_double(out, shortest(half_to_float(static_cast<const uint16_t*>(t.raw_data())[k])));
    case DType::BFloat16:
      return put_double(out, shortest(bfloat16_to_float(static_cast<const uint16_t*>(t.raw_data())[k])));
    case DType::Double: return put_double(out, t.data<double>()[k]);
    case DType::Bool: out += t.data<bool>()[k] ? "true" : "false"; return;
    case DType::String: return put_string(out, t.strings()[k]);
    case DType::UInt64: return put_integer(out, t.data<uint64_t>()[k]);
    default: return put_integer(out, t.as_int64(i));
  }
}

// The sub-array of `t` at `offset` covering dims [depth, rank).
void put_nested(std::string& out, const Tensor& t, int depth, int64_t& offset) {
  if (depth == t.rank()) return put_element(out, t, offset++);
  out += '[';
  for (int64_t i = 0; i < t.shape().dim(depth); ++i) {
    if (i > 0) out += ',';
    put_nested(out, t, depth + 1, offset);
  }
  out += ']';
}

void put_whole(std::string& out, const Tensor& t) {
  int64_t offset = 0;
  put_nested(out, t, 0, offset);
}

// Row `r` of `t` (its dim 0), or the whole tensor when it has no rows.
void put_row(std::string& out, const Tensor& t, int64_t r) {
  if (t.rank() == 0) return put_whole(out, t);
  int64_t per_row = 1;
  for (int d = 1; d < t.rank(); ++d) per_row *= t.shape().dim(d);
  int64_t offset = r * per_row;
  put_nested(out, t, 1, offset);
}

// The outputs' indices in key order (a json object is a std::map: dump() writes keys sorted).
std::vector<size_t> by_key(const std::vector<TensorSpec>& specs) {
  std::vector<size_t> order(specs.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return specs[a].key < specs[b].key; });
  return order;
}

// {"key":value,...} over the outputs, value written by put(out, tensor).
template <class Put>
void put_named(std::string& out, const std::vector<TensorSpec>& specs, const std::vector<Tensor>& outputs, Put put) {
  out += '{';
  bool first = true;
  for (size_t i : by_key(specs)) {
    if (!first) out += ',';
    first = false;
    put_string(out, specs[i].key);
    out += ':';
    put(out, outputs[i]);
  }
  out += '}';
}


json tensor_info(const TensorSpec& spec) {
  json dims = json::array();
  if (spec.shape.known_rank())
    for (int64_t d : spec.shape.dims()) dims.push_back({{"size", std::to_string(d)}, {"name", ""}});
  return {{"dtype", tf_dtype_name(spec.dtype)},
          {"tensor_shape", {{"dim", dims}, {"unknown_rank", !spec.shape.known_rank()}}},
          {"name", spec.id.node + ":" + std::to_string(spec.id.index)}};
}

}  // namespace

std::string predict_response_json(RequestFormat format, const ServedModel& model, const std::vector<Tensor>& outputs) {
  const auto& specs = model.outputs();
  std::string out;
  if (format == RequestFormat::Columnar) {
    out += "{\"outputs\":";
    if (specs.size() == 1) {
      put_whole(out, outputs[0]);
    } else {
      put_named(out, specs, outputs, put_whole);
    }
    out += '}';
    return out;
  }
  const int64_t rows = outputs[0].rank() > 0 ? outputs[0].shape().dim(0) : 1;
  out += "{\"predictions\":[";
  for (int64_t r = 0; r < rows; ++r) {
    if (r > 0) out += ',';
    if (specs.size() == 1) {
      put_row(out, outputs[0], r);
    } else {
      put_named(out, specs, outputs, [r](std::string& o, const Tensor& t) { put_row(o, t, r); });
    }
  }
  out += "]}";
  return out;
}

std::string status_json() {
  return dump({{"model_version_status",
                json::array({{{"version", kModelVersion},
                              {"state", "AVAILABLE"},
                              {"status", {{"error_code", "OK"}, {"error_message", ""}}}}})}});
}

std::string metadata_json(const ServedModel& model) {
  json inputs = json::object(), outputs = json::object();
  for (const TensorSpec& in : model.inputs()) inputs[in.key] = tensor_info(in);
  for (const TensorSpec& out : model.outputs()) outputs[out.key] = tensor_info(out);
  json signature = {{"inputs", inputs}, {"outputs", outputs}, {"method_name", "tensorflow/serving/predict"}};
  return dump({{"model_spec", {{"name", model.name()}, {"signature_name", ""}, {"version", kModelVersion}}},
               {"metadata", {{"signature_def", {{"signature_def", {{"serving_default", signature}}}}}}}});
}

std::string error_json(std::string_view message) { return dump({{"error", std::string(message)}}); }

std::string models_json(const std::vector<std::string>& names) {
  json models = json::array();
  for (const std::string& name : names) models.push_back({{"name", name}, {"version", kModelVersion}});
  return dump({{"models", models}});
}

std::string tf_dtype_name(DType dtype) {
  if (dtype == DType::Invalid) return "DT_INVALID";
  std::string name = "DT_" + dtype_name(dtype);
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

}  // namespace frost::serve
