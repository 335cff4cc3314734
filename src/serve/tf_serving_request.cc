#include "serve/tf_serving_request.h"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "serve/base64.h"
#include "serve/http_error.h"
#include "serve/numeric_predict_request.h"

namespace frost::serve {

using json = nlohmann::json;

namespace {

[[noreturn]] void bad(const std::string& message) { throw HttpError(400, message); }

const char* json_kind(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::string: return "a string";
    case json::value_t::object: return "an object";
    case json::value_t::array: return "a list";
    default: return "a number";
  }
}

bool is_b64(const json& v) { return v.is_object() && v.size() == 1 && v.contains("b64"); }

// A value given as the rows of a tensor (dim 0), or as one scalar (rows empty,
// scalar set): the JSON nesting is checked to be rectangular before anything
// is allocated, so a ragged list cannot make a huge tensor.
struct Value {
  std::vector<const json*> rows;
  const json* scalar = nullptr;
};

// The shape a nested list claims by its first elements: [2,3] for [[1,2,3],[4,5,6]].
std::vector<int64_t> first_path_dims(const json* v) {
  std::vector<int64_t> dims;
  while (v->is_array()) {
    dims.push_back(static_cast<int64_t>(v->size()));
    if (v->empty()) break;
    v = &(*v)[0];
  }
  return dims;
}

// Checks that every list below `v` has the size `dims` says and that values sit
// only at the innermost depth; run before allocating, so a ragged list cannot
// make a huge tensor.
void check_rectangular(const json& v, size_t depth, const std::vector<int64_t>& dims, const std::string& input) {
  if (!v.is_array()) {
    if (depth != dims.size())
      bad("input '" + input + "': ragged list: a value at depth " + std::to_string(depth) + " where a list of " +
          std::to_string(dims[depth]) + " was expected");
    return;
  }
  if (depth >= dims.size())
    bad("input '" + input + "': ragged list: a list at depth " + std::to_string(depth) + " where values were expected");
  if (static_cast<int64_t>(v.size()) != dims[depth])
    bad("input '" + input + "': ragged list: " + std::to_string(v.size()) + " elements at depth " +
        std::to_string(depth) + " where the first list has " + std::to_string(dims[depth]));
  for (const json& e : v) check_rectangular(e, depth + 1, dims, input);
}

[[noreturn, gnu::noinline]] void not_integer(const json& leaf, const std::string& input, DType dtype) {
  std::string got = json_kind(leaf);
  if (leaf.is_number()) got += " " + leaf.dump();
  bad("input '" + input + "': expected an integer (" + dtype_name(dtype) + "), got " + got);
}

[[noreturn, gnu::noinline]] void out_of_range(const json& leaf, const std::string& input, DType dtype) {
  bad("input '" + input + "': " + leaf.dump() + " does not fit in " + dtype_name(dtype));
}

template <class T>
void put_integer(const json& leaf, T* out, const std::string& input, DType dtype) {
  if (!leaf.is_number_integer()) not_integer(leaf, input, dtype);
  if (leaf.is_number_unsigned()) {
    const auto v = leaf.get<uint64_t>();
    if (v > static_cast<uint64_t>(std::numeric_limits<T>::max()))
      out_of_range(leaf, input, dtype);
    *out = static_cast<T>(v);
  } else {
    const auto v = leaf.get<int64_t>();
    if (v < static_cast<int64_t>(std::numeric_limits<T>::min()) ||
        (v > 0 && static_cast<uint64_t>(v) > static_cast<uint64_t>(std::numeric_limits<T>::max())))
      out_of_range(leaf, input, dtype);
    *out = static_cast<T>(v);
  }
}

double number_of(const json& leaf, const std::string& input, DType dtype) {
  if (!leaf.is_number())
    bad("input '" + input + "': expected a number (" + dtype_name(dtype) + "), got " + json_kind(leaf));
  return leaf.get<double>();
}

// Writes leaf `i` (row-major) of the tensor.
void put_leaf(const json& leaf, Tensor& t, int64_t i, const std::string& input) {
  const DType d = t.dtype();
  const auto k = static_cast<size_t>(i);
  if (d != DType::String && leaf.is_object())
    bad("input '" + input + "': " + dtype_name(d) + " values cannot be given as an object" +
        (is_b64(leaf) ? " ({\"b64\": ...} is for string inputs)" : ""));
  switch (d) {
    case DType::Float: t.data<float>()[k] = static_cast<float>(number_of(leaf, input, d)); return;
    case DType::Double: t.data<double>()[k] = number_of(leaf, input, d); return;
    case DType::Half:
      static_cast<uint16_t*>(t.raw_data())[k] = float_to_half(static_cast<float>(number_of(leaf, input, d)));
      return;
    case DType::BFloat16:
      static_cast<uint16_t*>(t.raw_data())[k] = float_to_bfloat16(static_cast<float>(number_of(leaf, input, d)));
      return;
    case DType::Int8: put_integer(leaf, t.data<int8_t>() + k, input, d); return;
    case DType::UInt8: put_integer(leaf, t.data<uint8_t>() + k, input, d); return;
    case DType::Int16: put_integer(leaf, t.data<int16_t>() + k, input, d); return;
    case DType::UInt16: put_integer(leaf, t.data<uint16_t>() + k, input, d); return;
    case DType::Int32: put_integer(leaf, t.data<int32_t>() + k, input, d); return;
    case DType::UInt32: put_integer(leaf, t.data<uint32_t>() + k, input, d); return;
    case DType::Int64: put_integer(leaf, t.data<int64_t>() + k, input, d); return;
    case DType::UInt64: put_integer(leaf, t.data<uint64_t>() + k, input, d); return;
    case DType::Bool:
      if (!leaf.is_boolean()) bad("input '" + input + "': expected true or false (bool), got " + json_kind(leaf));
      t.data<bool>()[k] = leaf.get<bool>();
      return;
    case DType::String:
      if (leaf.is_string()) {
        t.strings()[k] = leaf.get<std::string>();
      } else if (is_b64(leaf) && leaf["b64"].is_string()) {
        auto bytes = base64_decode(leaf["b64"].get_ref<const std::string&>());
        if (!bytes) bad("input '" + input + "': the \"b64\" value is not valid base64");
        t.strings()[k] = std::move(*bytes);
      } else {
        bad("input '" + input + "': expected a string or {\"b64\": \"...\"}, got " + json_kind(leaf));
      }
      return;
    default: bad("input '" + input + "': inputs of dtype " + dtype_name(d) + " cannot be fed over JSON");
  }
}

void fill(const json& v, Tensor& t, int64_t& next, const std::string& input) {
  if (!v.is_array()) {
    put_leaf(v, t, next++, input);
    return;
  }
  for (const json& e : v) fill(e, t, next, input);
}

Tensor to_tensor(const Value& value, const TensorSpec& spec) {
  std::vector<int64_t> dims;
  if (value.scalar) {
    dims = first_path_dims(value.scalar);
    check_rectangular(*value.scalar, 0, dims, spec.key);
  } else {
    const std::vector<int64_t> row_dims =
        value.rows.empty() ? std::vector<int64_t>{} : first_path_dims(value.rows.front());
    for (const json* r : value.rows) check_rectangular(*r, 0, row_dims, spec.key);
    dims.push_back(static_cast<int64_t>(value.rows.size()));
    dims.insert(dims.end(), row_dims.begin(), row_dims.end());
  }
  const Shape shape(dims);
  if (!spec.shape.accepts(shape))
    bad("input '" + spec.key + "': expected shape " + spec.shape.to_string() + ", got " + shape.to_string());
  Tensor t(spec.dtype, shape);
  int64_t next = 0;
  if (value.scalar) {
    fill(*value.scalar, t, next, spec.key);
  } else {
    for (const json* r : value.rows) fill(*r, t, next, spec.key);
  }
  return t;
}

// The signature input a client's key names: "x" or "x:0".
const TensorSpec* find_input(const ServedModel& model, const std::string& key) {
  for (const TensorSpec& in : model.inputs())
    if (in.key == key || in.id.to_string() == key || key == in.key + ":0") return &in;
  return nullptr;
}

std::string input_names(const ServedModel& model) {
  std::string names;
  for (const TensorSpec& in : model.inputs()) names += (names.empty() ? "'" : ", '") + in.key + "'";
  return names;
}

// Every input named exactly once, none unknown.
void check_named(const json& object, const ServedModel& model, const std::string& where) {
  for (const auto& [key, value] : object.items()) {
    (void)value;
    if (!find_input(model, key)) bad(where + "names an unknown input '" + key + "'; the model's inputs are " + input_names(model));
  }
  for (const TensorSpec& in : model.inputs())
    if (!object.contains(in.key) && !object.contains(in.key + ":0"))
      bad("missing input '" + in.key + "' (" + dtype_name(in.dtype) + " " + in.shape.to_string() + ")" +
          (where.empty() ? "" : " in " + where.substr(0, where.size() - 1)));
}

const json& named_value(const json& object, const TensorSpec& in) {
  auto it = object.find(in.key);
  return it != object.end() ? *it : object.at(in.key + ":0");
}

bool is_named_object(const json& v) { return v.is_object() && !is_b64(v); }

PredictRequest parse_rows(const json& instances, const ServedModel& model) {
  if (!instances.is_array()) bad(std::string("\"instances\" must be a list, got ") + json_kind(instances));
  if (instances.empty()) bad("\"instances\" is an empty list");
  PredictRequest req;
  req.format = RequestFormat::Row;
  req.rows = static_cast<int64_t>(instances.size());
  const bool named = is_named_object(instances[0]);
  for (const TensorSpec& in : model.inputs()) {
    Value value;
    for (size_t i = 0; i < instances.size(); ++i) {
      const json& row = instances[i];
      if (named != is_named_object(row))
        bad("instance " + std::to_string(i) + ": all instances must be objects of named inputs, or none");
      if (!named) {
        if (model.inputs().size() > 1)
          bad("the model has " + std::to_string(model.inputs().size()) + " inputs (" + input_names(model) +
              "): each instance must be an object naming them");
        value.rows.push_back(&row);
      } else {
        check_named(row, model, "instance " + std::to_string(i) + " ");
        value.rows.push_back(&named_value(row, in));
      }
    }
    req.feeds[in.id] = to_tensor(value, in);
  }
  return req;
}

PredictRequest parse_columns(const json& inputs, const ServedModel& model) {
  PredictRequest req;
  req.format = RequestFormat::Columnar;
  const bool named = is_named_object(inputs);
  if (!named && model.inputs().size() > 1)
    bad("the model has " + std::to_string(model.inputs().size()) + " inputs (" + input_names(model) +
        "): \"inputs\" must be an object naming them");
  if (named) check_named(inputs, model, "");
  for (const TensorSpec& in : model.inputs()) {
    const json& v = named ? named_value(inputs, in) : inputs;
    Value value;
    if (v.is_array()) {
      for (const json& r : v) value.rows.push_back(&r);
    } else {
      value.scalar = &v;
    }
    Tensor t = to_tensor(value, in);
    const int64_t rows = t.rank() > 0 ? t.shape().dim(0) : -1;
    if (&in == &model.inputs().front()) {
      req.rows = rows;
    } else if (req.rows != rows) {
      req.rows = -1;  // inputs disagree on dim 0: the request runs alone
    }
    req.feeds[in.id] = std::move(t);
  }
  return req;
}

}  // namespace

PredictRequest parse_predict_request(std::string_view body, const ServedModel& model) {
  if (auto fast = parse_numeric_predict_request(body, model)) return std::move(*fast);
  return parse_predict_request_dom(body, model);
}

PredictRequest parse_predict_request_dom(std::string_view body, const ServedModel& model) {
  json doc;
  try {
    doc = json::parse(body.begin(), body.end());
  } catch (const json::exception& e) {  // parse_error, or out_of_range for a number like 1e400
    bad(std::string("malformed JSON: ") + e.what());
  }
  if (!doc.is_object()) bad(std::string("the request body must be a JSON object, got ") + json_kind(doc));
  for (const auto& [key, value] : doc.items()) {
    (void)value;
    if (key != "signature_name" && key != "instances" && key != "inputs")
      bad("unknown field '" + key + "' in the request (expected \"instances\" or \"inputs\", and \"signature_name\")");
  }
  if (auto sig = doc.find("signature_name"); sig != doc.end()) {
    if (!sig->is_string()) bad("\"signature_name\" must be a string");
    const auto& name = sig->get_ref<const std::string&>();
    if (!name.empty() && name != "serving_default")
      bad("unknown signature_name '" + name + "': the model serves only \"serving_default\"");
  }
  const bool rows = doc.contains("instances"), columns = doc.contains("inputs");
  if (rows && columns) bad("the request has both \"instances\" and \"inputs\"; send one");
  if (!rows && !columns) bad("the request has neither \"instances\" (row format) nor \"inputs\" (columnar format)");
  return rows ? parse_rows(doc["instances"], model) : parse_columns(doc["inputs"], model);
}

}  // namespace frost::serve
