#include "io/keras/keras_config.h"

#include <cmath>
#include <set>

#include "graph/error.h"

namespace frost::keras {

namespace {

// Bounds on what a config may describe (the file is untrusted).
constexpr size_t kMaxLayers = 100000;
constexpr int kMaxNesting = 16;
constexpr int64_t kMaxIndex = 1 << 20;

const JsonValue* member(const JsonValue& v, const std::string& key) {
  const JsonValue* m = v.is_object() ? v.find(key) : nullptr;
  return m && m->kind != JsonValue::Kind::Null ? m : nullptr;
}

const JsonValue& required(const JsonValue& v, const std::string& key, const std::string& what) {
  const JsonValue* m = member(v, key);
  if (!m) throw Error(v.where + ": " + what + " has no '" + key + "'");
  return *m;
}

int small_index(const JsonValue& v) {
  const int64_t i = v.as_int();
  if (i < 0 || i > kMaxIndex) throw Error(v.where + ": index out of range");
  return static_cast<int>(i);
}

// [name, node, tensor] (Keras 2 inbound entries add a kwargs dict).
KerasTensorRef tensor_ref(const JsonValue& v) {
  const auto& a = v.as_array();
  if (a.size() < 3) throw Error(v.where + ": expected [layer, node_index, tensor_index]");
  return {a[0].as_string(), small_index(a[1]), small_index(a[2])};
}

// "input_layers": [[name, 0, 0], ...], or Keras 3's [name, 0, 0] for one tensor.
std::vector<KerasTensorRef> tensor_refs(const JsonValue& v) {
  const auto& a = v.as_array();
  if (!a.empty() && a[0].kind == JsonValue::Kind::String) return {tensor_ref(v)};
  std::vector<KerasTensorRef> out;
  for (const JsonValue& e : a) out.push_back(tensor_ref(e));
  return out;
}

// Every Keras 3 "__keras_tensor__" in a call's args, in order.
void collect_keras_tensors(const JsonValue& v, std::vector<KerasTensorRef>& out, int depth) {
  if (depth > kMaxJsonDepth) return;
  if (v.is_array()) {
    for (const JsonValue& e : v.array) collect_keras_tensors(e, out, depth + 1);
    return;
  }
  if (!v.is_object()) return;
  const JsonValue* cls = member(v, "class_name");
  if (cls && cls->kind == JsonValue::Kind::String && cls->string == "__keras_tensor__") {
    out.push_back(tensor_ref(required(required(v, "config", "a Keras tensor"), "keras_history", "a Keras tensor")));
    return;
  }
  for (const auto& [k, e] : v.object) collect_keras_tensors(e, out, depth + 1);
}

std::vector<KerasTensorRef> call_inputs(const JsonValue& node) {
  std::vector<KerasTensorRef> inputs;
  if (node.is_object()) {  // Keras 3: {"args": [...], "kwargs": {...}}
    if (const JsonValue* args = member(node, "args")) collect_keras_tensors(*args, inputs, 0);
    return inputs;
  }
  for (const JsonValue& entry : node.as_array()) inputs.push_back(tensor_ref(entry));
  return inputs;
}

std::string layer_name(const JsonValue& entry) {
  if (const JsonValue* n = member(entry, "name")) return n->as_string();
  if (const JsonValue* c = member(entry, "config"))
    if (const JsonValue* n = member(*c, "name")) return n->as_string();
  throw Error(entry.where + ": a layer without a name");
}

std::shared_ptr<const KerasModelConfig> parse_model(const JsonValue& entry, int depth);

KerasLayer parse_layer(const JsonValue& entry, int depth) {
  KerasLayer layer;
  layer.json = &entry;
  layer.class_name = required(entry, "class_name", "a layer").as_string();
  layer.name = layer_name(entry);
  if (is_model_class(layer.class_name)) layer.nested = parse_model(entry, depth + 1);
  return layer;
}

// The InputLayer Keras builds for a Sequential model whose first layer was
// given `input_shape`: named FIRST_input (Keras 2), with the first layer's
// batch shape and dtype.
std::shared_ptr<const JsonValue> implied_input(const KerasLayer& first, const JsonValue* model_config) {
  const JsonValue* shape = nullptr;
  if (const JsonValue* c = member(*first.json, "config")) {
    shape = member(*c, "batch_input_shape");
    if (!shape) shape = member(*c, "batch_shape");
  }
  if (!shape && model_config) shape = member(*model_config, "build_input_shape");
  if (!shape)
    throw Error("Keras Sequential model: the first layer '" + first.name +
                "' has no input shape (batch_input_shape) and there is no InputLayer");
  auto input = std::make_shared<JsonValue>();
  input->kind = JsonValue::Kind::Object;
  input->where = first.json->where;
  JsonValue cls;
  cls.kind = JsonValue::Kind::String;
  cls.string = "InputLayer";
  JsonValue config;
  config.kind = JsonValue::Kind::Object;
  JsonValue name;
  name.kind = JsonValue::Kind::String;
  name.string = first.name + "_input";
  // JsonMember{...}, not emplace_back(key, value): clang 14 (the sanitizer and fuzz build)
  // has no parenthesised aggregate initialisation.
  config.object.push_back(JsonMember{"name", name});
  config.object.push_back(JsonMember{"batch_input_shape", *shape});
  if (const JsonValue* c = member(*first.json, "config"))
    if (const JsonValue* dtype = member(*c, "dtype"); dtype && dtype->kind == JsonValue::Kind::String)
      config.object.push_back(JsonMember{"dtype", *dtype});
  input->object.push_back(JsonMember{"class_name", cls});
  input->object.push_back(JsonMember{"config", config});
  return input;
}

std::shared_ptr<const KerasModelConfig> parse_model(const JsonValue& entry, int depth) {
  if (depth > kMaxNesting) throw Error(entry.where + ": models nested more than " + std::to_string(kMaxNesting) + " deep");
  auto model = std::make_shared<KerasModelConfig>();
  model->class_name = required(entry, "class_name", "a model").as_string();
  const JsonValue& config = required(entry, "config", "a model");
  // Keras 2.0-2.2 Sequential: "config" is the list of layers itself.
  const JsonValue& layers = config.is_array() ? config : required(config, "layers", "a model config");
  if (layers.as_array().size() > kMaxLayers) throw Error(layers.where + ": too many layers");
  model->name = config.is_object() && member(config, "name") ? member(config, "name")->as_string() : "model";
  for (const JsonValue& l : layers.as_array()) model->layers.push_back(parse_layer(l, depth));

  std::set<std::string> names;
  for (const KerasLayer& l : model->layers)
    if (!names.insert(l.name).second) throw Error(l.json->where + ": two layers named '" + l.name + "'");

  if (model->class_name == "Sequential") {
    if (model->layers.empty()) throw Error(entry.where + ": a Sequential model without layers");
    if (model->layers.front().class_name != "InputLayer") {
      auto input = implied_input(model->layers.front(), config.is_object() ? &config : nullptr);
      KerasLayer layer = parse_layer(*input, depth);
      if (names.count(layer.name)) layer.name += "_1";
      model->made.push_back(input);
      model->layers.insert(model->layers.begin(), std::move(layer));
    }
    for (size_t i = 1; i < model->layers.size(); ++i)
      model->layers[i].calls = {{KerasTensorRef{model->layers[i - 1].name, 0, 0}}};
    model->inputs = {{model->layers.front().name, 0, 0}};
    model->outputs = {{model->layers.back().name, 0, 0}};
    return model;
  }

  for (size_t i = 0; i < model->layers.size(); ++i) {
    const JsonValue* inbound = member(layers.array[i], "inbound_nodes");
    if (!inbound) continue;
    for (const JsonValue& node : inbound->as_array()) model->layers[i].calls.push_back(call_inputs(node));
  }
  model->inputs = tensor_refs(required(config, "input_layers", "a functional model config"));
  model->outputs = tensor_refs(required(config, "output_layers", "a functional model config"));
  for (const auto* refs : {&model->inputs, &model->outputs})
    for (const KerasTensorRef& r : *refs)
      if (!model->find(r.layer)) throw Error(entry.where + ": the model's inputs/outputs name an unknown layer '" + r.layer + "'");
  return model;
}

}  // namespace

bool is_model_class(const std::string& c) { return c == "Sequential" || c == "Functional" || c == "Model"; }

const KerasLayer* KerasModelConfig::find(const std::string& layer) const {
  for (const KerasLayer& l : layers)
    if (l.name == layer) return &l;
  return nullptr;
}

LayerConfig KerasLayer::config() const {
  const JsonValue* c = json->is_object() ? json->find("config") : nullptr;
  return LayerConfig(c, name, class_name);
}

Error LayerConfig::error(const std::string& message) const {
  return Error("Keras layer '" + layer_ + "' (" + class_ + "): " + message);
}

const JsonValue* LayerConfig::find(const std::string& key) const { return config_ ? member(*config_, key) : nullptr; }

std::string LayerConfig::string_or(const std::string& key, const std::string& fallback) const {
  const JsonValue* v = find(key);
  if (!v) return fallback;
  if (v->kind != JsonValue::Kind::String) throw error("config '" + key + "': expected a string");
  return v->string;
}

double LayerConfig::number_or(const std::string& key, double fallback) const {
  const JsonValue* v = find(key);
  if (!v) return fallback;
  if (v->kind != JsonValue::Kind::Number) throw error("config '" + key + "': expected a number");
  return v->number;
}

int64_t LayerConfig::int_or(const std::string& key, int64_t fallback) const {
  const JsonValue* v = find(key);
  if (!v) return fallback;
  if (v->kind != JsonValue::Kind::Number || v->number != std::floor(v->number) || std::fabs(v->number) > 1e12)
    throw error("config '" + key + "': expected an integer");
  return static_cast<int64_t>(v->number);
}

bool LayerConfig::bool_or(const std::string& key, bool fallback) const {
  const JsonValue* v = find(key);
  if (!v) return fallback;
  if (v->kind != JsonValue::Kind::Bool) throw error("config '" + key + "': expected true or false");
  return v->boolean;
}

std::vector<int64_t> LayerConfig::ints(const std::string& key, size_t n, std::optional<int64_t> fallback) const {
  const JsonValue* v = find(key);
  if (!v) {
    if (!fallback) throw error("config has no '" + key + "'");
    return std::vector<int64_t>(n, *fallback);
  }
  const auto as_int = [&](const JsonValue& e) {
    if (e.kind != JsonValue::Kind::Number || e.number != std::floor(e.number) || std::fabs(e.number) > 1e12)
      throw error("config '" + key + "': expected integers");
    return static_cast<int64_t>(e.number);
  };
  if (v->kind == JsonValue::Kind::Number) return std::vector<int64_t>(n, as_int(*v));
  if (!v->is_array() || v->array.size() != n)
    throw error("config '" + key + "': expected " + std::to_string(n) + " integers");
  std::vector<int64_t> out;
  for (const JsonValue& e : v->array) out.push_back(as_int(e));
  return out;
}

std::vector<int64_t> LayerConfig::shape(const std::string& key) const {
  const JsonValue* v = find(key);
  if (!v || !v->is_array()) throw error("config '" + key + "': expected a list of dimensions");
  std::vector<int64_t> out;
  for (const JsonValue& e : v->array) {
    if (e.kind == JsonValue::Kind::Null) {
      out.push_back(-1);
      continue;
    }
    if (e.kind != JsonValue::Kind::Number || e.number != std::floor(e.number) || e.number < -1 || e.number > 1e12)
      throw error("config '" + key + "': expected dimensions (integers, -1 or null)");
    out.push_back(static_cast<int64_t>(e.number));
  }
  return out;
}

KerasConfig parse_keras_config(const std::string& json_text, const std::string& source) {
  KerasConfig out;
  auto doc = std::make_shared<JsonValue>(parse_json(json_text, source));
  out.document = doc;
  try {
    const JsonValue* cls = member(*doc, "class_name");
    if (!cls || cls->kind != JsonValue::Kind::String) throw Error("the Keras config has no model class_name");
    if (!is_model_class(cls->string))
      throw Error("the Keras config describes a '" + cls->string + "', not a Sequential or Functional model");
    out.model = parse_model(*doc, 0);
  } catch (Error& e) {
    e.file(source);
    throw;
  }
  return out;
}

}  // namespace frost::keras
