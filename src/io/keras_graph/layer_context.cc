#include "io/keras_graph/layer_context.h"

#include "io/keras_graph/tf_ops.h"

namespace frost::keras {

namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (const std::string& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

}  // namespace

std::vector<Tensor> LayerContext::weight_tensors(const std::vector<std::string>& names) const {
  if (weights.values.size() != names.size())
    throw error("expected " + std::to_string(names.size()) + " weights (" + joined(names) + "), the file has " +
                std::to_string(weights.values.size()));
  for (size_t i = 0; i < names.size(); ++i)
    if (weights.values[i].dtype() != DType::Float)
      throw error("weight " + names[i] + " is not floating point");
  return weights.values;
}

std::vector<Value> LayerContext::take_weights(const std::vector<std::string>& names) const {
  const std::vector<Tensor> tensors = weight_tensors(names);
  std::vector<Value> out;
  for (size_t i = 0; i < names.size(); ++i) out.push_back(constant_weight(names[i], tensors[i]));
  return out;
}

LayerContext LayerContext::inner(const KerasLayer& inner_layer, const LayerWeights& inner_weights,
                                 const std::string& suffix) const {
  return LayerContext{b, inner_layer, inner_layer.config(), inner_weights, scope + "/" + suffix,
                      weight_scope + "/" + suffix, keras_major};
}

const Value& single_input(const LayerContext& ctx, const std::vector<Value>& inputs) {
  if (inputs.size() != 1) throw ctx.error("expects one input, got " + std::to_string(inputs.size()));
  return inputs[0];
}

void require_rank(const LayerContext& ctx, const Value& x, int rank) {
  if (x.rank() != rank)
    throw ctx.error("expects an input of rank " + std::to_string(rank) + ", got " + x.shape.to_string());
}

bool channels_first(const LayerContext& ctx) {
  const std::string f = ctx.config.string_or("data_format", "channels_last");
  if (f != "channels_last" && f != "channels_first") throw ctx.error("unknown data_format '" + f + "'");
  return f == "channels_first";
}

Value to_channels_last(LayerContext& ctx, const Value& x) {
  std::vector<int64_t> perm{0};
  for (int i = 2; i < x.rank(); ++i) perm.push_back(i);
  perm.push_back(1);
  return tf::transpose(ctx.b, ctx.name("to_channels_last"), x, perm);
}

Value to_channels_first(LayerContext& ctx, const Value& x) {
  std::vector<int64_t> perm{0, x.rank() - 1};
  for (int i = 1; i < x.rank() - 1; ++i) perm.push_back(i);
  return tf::transpose(ctx.b, ctx.name("to_channels_first"), x, perm);
}

namespace {

const LayerTable& table() {
  static const LayerTable t = [] {
    LayerTable t;
    register_core_layers(t);
    register_activation_layers(t);
    register_conv_layers(t);
    register_pooling_layers(t);
    register_normalization_layers(t);
    register_merge_layers(t);
    register_reshaping_layers(t);
    register_recurrent_layers(t);
    return t;
  }();
  return t;
}

}  // namespace

const LayerConverter* find_layer_converter(const std::string& class_name) {
  const auto it = table().find(class_name);
  return it == table().end() ? nullptr : &it->second;
}

std::vector<Value> convert_layer(LayerContext& ctx, const std::vector<Value>& inputs) {
  const std::string& cls = ctx.layer.class_name;
  if (cls == "Lambda" || cls == "TFOpLambda" || cls == "SlicingOpLambda")
    throw ctx.error("a " + cls + " layer holds Python code, which Frost cannot convert; rebuild the model with standard Keras layers");
  if (cls == "Masking") throw ctx.error("masking is not supported (the conversion does not carry masks)");
  const LayerConverter* convert = find_layer_converter(cls);
  if (!convert) throw ctx.error("layer class '" + cls + "' is not a Keras layer Frost converts (a custom class?)");
  return (*convert)(ctx, inputs);
}

}  // namespace frost::keras
