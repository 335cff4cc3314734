#include "serve/tf_serving_response.h"

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

json element(const Tensor& t, int64_t i) {
  const auto k = static_cast<size_t>(i);
  switch (t.dtype()) {
    case DType::Float: return shortest(t.data<float>()[k]);
    case DType::Half: return shortest(half_to_float(static_cast<const uint16_t*>(t.raw_data())[k]));
    case DType::BFloat16: return shortest(bfloat16_to_float(static_cast<const uint16_t*>(t.raw_data())[k]));
    case DType::Double: return t.data<double>()[k];
    case DType::Bool: return t.data<bool>()[k];
    case DType::String: return t.strings()[k];
    case DType::UInt64: return t.data<uint64_t>()[k];
    default: return t.as_int64(i);
  }
}

// The sub-array of `t` at `offset` covering dims [depth, rank).
json nested(const Tensor& t, int depth, int64_t& offset) {
  if (depth == t.rank()) return element(t, offset++);
  json list = json::array();
  for (int64_t i = 0; i < t.shape().dim(depth); ++i) list.push_back(nested(t, depth + 1, offset));
  return list;
}

json whole(const Tensor& t) {
  int64_t offset = 0;
  return nested(t, 0, offset);
}

// Row `r` of `t` (its dim 0), or the whole tensor when it has no rows.
json row(const Tensor& t, int64_t r) {
  if (t.rank() == 0) return whole(t);
  int64_t per_row = 1;
  for (int d = 1; d < t.rank(); ++d) per_row *= t.shape().dim(d);
  int64_t offset = r * per_row;
  return nested(t, 1, offset);
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

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
  if (format == RequestFormat::Columnar) {
    if (specs.size() == 1) return dump({{"outputs", whole(outputs[0])}});
    json named = json::object();
    for (size_t i = 0; i < specs.size(); ++i) named[specs[i].key] = whole(outputs[i]);
    return dump({{"outputs", named}});
  }
  const int64_t rows = outputs[0].rank() > 0 ? outputs[0].shape().dim(0) : 1;
  json predictions = json::array();
  for (int64_t r = 0; r < rows; ++r) {
    if (specs.size() == 1) {
      predictions.push_back(row(outputs[0], r));
      continue;
    }
    json named = json::object();
    for (size_t i = 0; i < specs.size(); ++i) named[specs[i].key] = row(outputs[i], r);
    predictions.push_back(named);
  }
  return dump({{"predictions", predictions}});
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
