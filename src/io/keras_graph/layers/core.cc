// Core layers: Dense, Embedding, Flatten, Reshape, Permute, RepeatVector and
// the layers that do nothing at inference (Dropout and friends).
#include "io/keras_graph/layer_context.h"
#include "io/keras_graph/tf_ops.h"

namespace frost::keras {

namespace {

std::string activation_of(const LayerContext& ctx) {
  const JsonValue* a = ctx.config.find("activation");
  if (!a) return "linear";
  if (a->kind != JsonValue::Kind::String) throw ctx.error("'activation' is not a built-in activation name");
  return a->string;
}

// x @ kernel + bias over the last axis (Keras's Dense; rank > 2 through a
// reshape to 2-D and back, as Tensordot does), then the activation.
std::vector<Value> dense(LayerContext& ctx, const std::vector<Value>& in) {
  auto& b = ctx.b;
  const Value& x = single_input(ctx, in);
  const bool use_bias = ctx.config.bool_or("use_bias", true);
  const std::vector<Value> w = ctx.take_weights(use_bias ? std::vector<std::string>{"kernel", "bias"}
                                                         : std::vector<std::string>{"kernel"});
  if (w[0].rank() != 2) throw ctx.error("kernel is not 2-D");
  const int64_t in_dim = w[0].dim(0), units = w[0].dim(1);
  if (x.rank() < 2) throw ctx.error("expects an input of rank >= 2, got " + x.shape.to_string());
  if (x.dim(-1) >= 0 && x.dim(-1) != in_dim)
    throw ctx.error("input has " + std::to_string(x.dim(-1)) + " features, the kernel expects " + std::to_string(in_dim));
  const bool flat = x.rank() == 2;
  const Value x2 = flat ? x : tf::reshape(b, ctx.name("Tensordot/Reshape"), x, std::vector<int64_t>{-1, in_dim});
  Value y = tf::matmul(b, ctx.name(flat ? "MatMul" : "Tensordot/MatMul"), x2, w[0]);
  if (!flat) y = tf::reshape_keep_leading(b, ctx.name("Tensordot"), y, x, x.rank() - 1, {units});
  if (use_bias) y = tf::bias_add(b, ctx.name("BiasAdd"), y, w[1]);
  return {apply_activation(ctx, activation_of(ctx), y)};
}

// Layers that only act while training (or only regularise): the input itself.
std::vector<Value> passthrough(LayerContext& ctx, const std::vector<Value>& in) { return {single_input(ctx, in)}; }

std::vector<Value> flatten(LayerContext& ctx, const std::vector<Value>& in) {
  Value x = single_input(ctx, in);
  if (x.rank() < 1) throw ctx.error("cannot flatten a scalar");
  if (x.rank() == 2) return {x};
  if (channels_first(ctx) && x.rank() > 2) x = to_channels_last(ctx, x);
  int64_t n = 1;
  for (int i = 1; i < x.rank(); ++i) n = x.dim(i) < 0 || n < 0 ? -1 : n * x.dim(i);
  if (x.rank() == 1) return {tf::expand_dims(ctx.b, ctx.name("ExpandDims"), x, 1)};
  if (n >= 0) return {tf::reshape(ctx.b, ctx.name("Reshape"), x, std::vector<int64_t>{-1, n})};
  return {tf::reshape_keep_leading(ctx.b, ctx.name("Reshape"), x, x, 1, {-1})};
}

std::vector<Value> reshape(LayerContext& ctx, const std::vector<Value>& in) {
  const Value& x = single_input(ctx, in);
  const std::vector<int64_t> target = ctx.config.shape("target_shape");
  return {tf::reshape_keep_leading(ctx.b, ctx.name("Reshape"), x, x, 1, target)};
}

std::vector<Value> permute(LayerContext& ctx, const std::vector<Value>& in) {
  const Value& x = single_input(ctx, in);
  const JsonValue* dims = ctx.config.find("dims");
  if (!dims || !dims->is_array()) throw ctx.error("config has no 'dims'");
  std::vector<int64_t> perm{0};
  for (const int64_t d : ctx.config.ints("dims", dims->array.size())) perm.push_back(d);
  if (static_cast<int>(perm.size()) != x.rank()) throw ctx.error("dims do not match the input " + x.shape.to_string());
  return {tf::transpose(ctx.b, ctx.name("transpose"), x, perm)};
}

// [B, F] -> [B, n, F]
std::vector<Value> repeat_vector(LayerContext& ctx, const std::vector<Value>& in) {
  const Value& x = single_input(ctx, in);
  require_rank(ctx, x, 2);
  const int64_t n = ctx.config.int_or("n", 1);
  const Value e = tf::expand_dims(ctx.b, ctx.name("ExpandDims"), x, 1);
  return {tf::tile(ctx.b, ctx.name("Tile"), e, {1, n, 1})};
}

// Row lookup; indices are cast to int32 first, as Keras does for float inputs.
std::vector<Value> embedding(LayerContext& ctx, const std::vector<Value>& in) {
  Value ids = single_input(ctx, in);
  // A mask changes what later layers (RNNs) compute; the conversion does not
  // carry masks, so refusing is the honest answer.
  if (ctx.config.bool_or("mask_zero", false)) throw ctx.error("mask_zero=True (masking) is not supported");
  const Value table = ctx.take_weights({"embeddings"})[0];
  if (ids.dtype != DType::Int32 && ids.dtype != DType::Int64) ids = tf::cast(ctx.b, ctx.name("Cast"), ids, DType::Int32);
  return {tf::gather(ctx.b, ctx.name("embedding_lookup"), table, ids, 0)};
}

}  // namespace

void register_core_layers(LayerTable& t) {
  t["Dense"] = dense;
  for (const char* name : {"Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise",
                           "GaussianDropout", "AlphaDropout", "ActivityRegularization", "InputLayer"})
    t[name] = passthrough;
  t["Flatten"] = flatten;
  t["Reshape"] = reshape;
  t["Permute"] = permute;
  t["RepeatVector"] = repeat_vector;
  t["Embedding"] = embedding;
}

}  // namespace frost::keras
