// Merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum (chains of
// binary ops, in input order, as Keras's _merge_function), Concatenate, Dot.
#include "io/keras_graph/layer_context.h"
#include "io/keras_graph/tf_ops.h"

namespace frost::keras {

namespace {

void require_inputs(const LayerContext& ctx, const std::vector<Value>& in, size_t at_least) {
  if (in.size() < at_least) throw ctx.error("expects at least " + std::to_string(at_least) + " inputs, got " + std::to_string(in.size()));
}

Value chain(LayerContext& ctx, const std::vector<Value>& in, const std::string& op, const std::string& name) {
  require_inputs(ctx, in, 1);
  Value out = in[0];
  for (size_t i = 1; i < in.size(); ++i)
    out = tf::binary(ctx.b, ctx.name(i == 1 ? name : name + "_" + std::to_string(i - 1)), op, out, in[i]);
  return out;
}

std::vector<Value> subtract(LayerContext& ctx, const std::vector<Value>& in) {
  if (in.size() != 2) throw ctx.error("expects exactly two inputs");
  return {tf::binary(ctx.b, ctx.name("sub"), "Sub", in[0], in[1])};
}

std::vector<Value> average(LayerContext& ctx, const std::vector<Value>& in) {
  const Value sum = chain(ctx, in, "AddV2", "add");
  return {tf::binary(ctx.b, ctx.name("truediv"), "RealDiv", sum,
                     tf::scalar(ctx.b, ctx.name("n"), static_cast<float>(in.size())))};
}

std::vector<Value> concatenate(LayerContext& ctx, const std::vector<Value>& in) {
  require_inputs(ctx, in, 1);
  int64_t axis = ctx.config.int_or("axis", -1);
  if (axis < 0) axis += in[0].rank();
  if (axis < 0 || axis >= in[0].rank()) throw ctx.error("axis out of range for " + in[0].shape.to_string());
  return {tf::concat(ctx.b, ctx.name("concat"), in, axis)};
}

// x / sqrt(max(sum(x^2, axis), 1e-12)) (tf.math.l2_normalize).
Value l2_normalize(LayerContext& ctx, const Value& x, int64_t axis, const std::string& n) {
  auto& b = ctx.b;
  const Value sq = tf::unary(b, ctx.name(n + "/Square"), "Square", x);
  const Value sum = tf::reduce(b, ctx.name(n + "/Sum"), "Sum", sq, {axis}, true);
  const Value clipped = tf::binary(b, ctx.name(n + "/Maximum"), "Maximum", sum, tf::scalar(b, ctx.name(n + "/epsilon"), 1e-12f));
  return tf::binary(b, ctx.name(n), "Mul", x, tf::unary(b, ctx.name(n + "/Rsqrt"), "Rsqrt", clipped));
}

// Keras's batch_dot for 2-D and 3-D inputs.
std::vector<Value> dot(LayerContext& ctx, const std::vector<Value>& in) {
  if (in.size() != 2) throw ctx.error("expects exactly two inputs");
  Value x = in[0], y = in[1];
  if (x.rank() != y.rank() || (x.rank() != 2 && x.rank() != 3))
    throw ctx.error("supports two inputs of rank 2 or 3, got " + x.shape.to_string() + " and " + y.shape.to_string());
  std::vector<int64_t> axes = ctx.config.ints("axes", 2);
  for (size_t i = 0; i < 2; ++i) {
    if (axes[i] < 0) axes[i] += (i == 0 ? x : y).rank();
    if (axes[i] < 1) throw ctx.error("cannot contract the batch axis");
  }
  if (ctx.config.bool_or("normalize", false)) {
    x = l2_normalize(ctx, x, axes[0], "l2_normalize");
    y = l2_normalize(ctx, y, axes[1], "l2_normalize_1");
  }
  if (x.rank() == 2) {  // sum(x * y, axis 1) with the axis kept: [B, 1]
    const Value m = tf::binary(ctx.b, ctx.name("mul"), "Mul", x, y);
    return {tf::reduce(ctx.b, ctx.name("Sum"), "Sum", m, {1}, true)};
  }
  // 3-D: contract x's axis a with y's axis b by a batch matrix product.
  const bool adj_x = axes[0] == 1, adj_y = axes[1] == 2;
  return {tf::batch_matmul(ctx.b, ctx.name("MatMul"), x, y, adj_x, adj_y)};
}

}  // namespace

void register_merge_layers(LayerTable& t) {
  t["Add"] = [](LayerContext& c, const std::vector<Value>& in) { return std::vector<Value>{chain(c, in, "AddV2", "add")}; };
  t["Multiply"] = [](LayerContext& c, const std::vector<Value>& in) { return std::vector<Value>{chain(c, in, "Mul", "mul")}; };
  t["Maximum"] = [](LayerContext& c, const std::vector<Value>& in) {
    return std::vector<Value>{chain(c, in, "Maximum", "Maximum")};
  };
  t["Minimum"] = [](LayerContext& c, const std::vector<Value>& in) {
    return std::vector<Value>{chain(c, in, "Minimum", "Minimum")};
  };
  t["Subtract"] = subtract;
  t["Average"] = average;
  t["Concatenate"] = concatenate;
  t["Dot"] = dot;
}

}  // namespace frost::keras
