#include "io/keras_graph/model_builder.h"

#include <cctype>
#include <map>

#include "io/keras_graph/layer_context.h"
#include "io/keras_graph/tf_ops.h"

namespace frost::keras {

std::string node_name(const std::string& keras_name) {
  std::string out = keras_name.empty() ? "layer" : keras_name;
  for (char& c : out)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-' && c != '/') c = '_';
  if (out[0] == '_' || out[0] == '-' || out[0] == '/') out = "k" + out;
  return out;
}

namespace {

DType keras_dtype(const LayerConfig& c) {
  const JsonValue* d = c.find("dtype");
  std::string name = "float32";
  if (d && d->kind == JsonValue::Kind::String) name = d->string;
  if (d && d->is_object())  // Keras 3 DTypePolicy {"config": {"name": "float32"}}
    if (const JsonValue* cfg = d->find("config"))
      if (const JsonValue* n = cfg->find("name"); n && n->kind == JsonValue::Kind::String) name = n->string;
  if (name == "float32" || name == "mixed_float16" || name == "mixed_bfloat16") return DType::Float;
  if (name == "int32") return DType::Int32;
  if (name == "int64") return DType::Int64;
  if (name == "uint8") return DType::UInt8;
  if (name == "bool") return DType::Bool;
  if (name == "float64") return DType::Double;
  throw c.error("input dtype '" + name + "' is not supported");
}

Value make_input(GraphBuilder& b, const KerasLayer& layer, const std::string& prefix, const BuildOptions& options) {
  const LayerConfig c = layer.config();
  std::vector<int64_t> dims;
  if (c.has("batch_input_shape"))
    dims = c.shape("batch_input_shape");
  else if (c.has("batch_shape"))
    dims = c.shape("batch_shape");
  else
    throw c.error("an InputLayer without batch_input_shape/batch_shape");
  if (dims.empty()) throw c.error("an input without a batch dimension");
  if (options.batch > 0 && dims[0] < 0) dims[0] = options.batch;
  return b.placeholder(node_name(prefix + layer.name), keras_dtype(c), PartialShape(dims));
}

// Names the call's outputs after the layer: its last node is renamed to the
// layer's scope (so `--output dense_1` fetches the layer's output); outputs
// that are not this call's own fresh nodes get an Identity (one output) or an
// IdentityN (several) of that name.
std::vector<Value> name_outputs(GraphBuilder& b, const std::string& scope, std::vector<Value> outs) {
  if (outs.size() == 1) {
    const TensorId id = TensorId::parse(outs[0].tensor);
    const bool own = id.index == 0 && id.node.rfind(scope + "/", 0) == 0 && !b.consumed(id.node) &&
                     !outs[0].constant.valid();
    if (own) return {b.rename(outs[0], scope)};
    return {tf::identity(b, scope, outs[0])};
  }
  std::vector<DType> types;
  for (const Value& v : outs) types.push_back(v.dtype);
  std::vector<Value> named = b.add(scope, "IdentityN", outs, {{"T", types}}, static_cast<int>(outs.size()));
  for (size_t i = 0; i < named.size(); ++i) named[i].shape = outs[i].shape;
  return named;
}

}  // namespace

std::vector<Value> build_model(GraphBuilder& b, const KerasModelConfig& model, const WeightsLookup& weights,
                               const std::string& prefix, const std::vector<Value>* fed, const BuildOptions& options) {
  std::map<std::pair<std::string, int>, std::vector<Value>> produced;
  if (fed && fed->size() != model.inputs.size())
    throw Error("Keras model '" + model.name + "' takes " + std::to_string(model.inputs.size()) + " inputs, called with " +
                std::to_string(fed->size()));
  for (size_t i = 0; i < model.inputs.size(); ++i) {
    const KerasLayer* layer = model.find(model.inputs[i].layer);
    if (layer->class_name != "InputLayer")
      throw layer->config().error("a model input that is not an InputLayer");
    produced[{layer->name, 0}] = {fed ? (*fed)[i] : make_input(b, *layer, prefix, options)};
  }

  // A nested model's node 0 in Keras is its own construction (from its
  // Input), so references to its calls count from 1 when that node exists.
  // The config only lists the calls: when some reference names node N (N =
  // the number of calls), the numbering starts at 1.
  std::map<std::string, int> node_offset;
  const auto note_ref = [&](const KerasTensorRef& r) {
    const KerasLayer* l = model.find(r.layer);
    if (l && l->nested && r.node == static_cast<int>(l->calls.size())) node_offset[r.layer] = 1;
  };
  for (const KerasLayer& l : model.layers)
    for (const auto& call : l.calls)
      for (const KerasTensorRef& r : call) note_ref(r);
  // Keras 3 renumbers the calls in inbound nodes but not in output_layers.
  if (options.keras_major < 3)
    for (const KerasTensorRef& r : model.outputs) note_ref(r);

  // Calls left to convert: (layer, call index). Converted when all their
  // inputs exist, sweeping until none is left (shared layers may be called
  // from later parts of the layer list).
  std::vector<std::pair<const KerasLayer*, int>> pending;
  for (const KerasLayer& l : model.layers) {
    if (l.class_name == "InputLayer") continue;
    for (size_t c = 0; c < l.calls.size(); ++c) pending.emplace_back(&l, static_cast<int>(c));
  }
  while (!pending.empty()) {
    bool progress = false;
    for (auto it = pending.begin(); it != pending.end();) {
      const auto [layer, call] = *it;
      std::vector<Value> inputs;
      bool ready = true;
      for (const KerasTensorRef& r : layer->calls[static_cast<size_t>(call)]) {
        const auto p = produced.find({r.layer, r.node});
        if (p == produced.end()) {
          ready = false;
          break;
        }
        if (r.tensor >= static_cast<int>(p->second.size()))
          throw layer->config().error("input '" + r.layer + "' has no output " + std::to_string(r.tensor));
        inputs.push_back(p->second[static_cast<size_t>(r.tensor)]);
      }
      if (!ready) {
        ++it;
        continue;
      }
      const std::string scope = b.reserve(node_name(prefix + layer->name));
      const std::string weight_scope = node_name(prefix + layer->name);
      const LayerWeights w = weights(layer->name);
      std::vector<Value> outs;
      if (layer->nested) {
        outs = build_model(b, *layer->nested, [w](const std::string& n) { return w.sublayer(n); }, scope + "/",
                           &inputs, options);
      } else {
        LayerContext ctx{b, *layer, layer->config(), w, scope, weight_scope, options.keras_major};
        outs = convert_layer(ctx, inputs);
      }
      produced[{layer->name, call + node_offset[layer->name]}] = name_outputs(b, scope, std::move(outs));
      it = pending.erase(it);
      progress = true;
    }
    if (!progress)
      throw pending.front().first->config().error("its inputs are never computed (a cycle, or a layer missing from the model)");
  }

  std::vector<Value> outputs;
  for (const KerasTensorRef& r : model.outputs) {
    const KerasLayer* l = model.find(r.layer);
    const bool counted_from_one = l && l->nested && node_offset[r.layer] == 0 && r.node == static_cast<int>(l->calls.size());
    const auto p = produced.find({r.layer, counted_from_one ? r.node - 1 : r.node});
    if (p == produced.end() || r.tensor >= static_cast<int>(p->second.size()))
      throw Error("Keras model '" + model.name + "': output " + r.layer + " [" + std::to_string(r.node) + "][" +
                  std::to_string(r.tensor) + "] is never computed");
    outputs.push_back(p->second[static_cast<size_t>(r.tensor)]);
  }
  return outputs;
}

}  // namespace frost::keras
