// BatchNormalization (FusedBatchNormV3 on 4-D channels-last input, as
// tf.keras freezes it; the batch_normalization formula elsewhere),
// LayerNormalization, Rescaling and Normalization.
#include <algorithm>
#include <cmath>

#include "io/keras_graph/layer_context.h"
#include "io/keras_graph/tf_ops.h"

namespace frost::keras {

namespace {

std::vector<int64_t> axes_of(const LayerContext& ctx, const Value& x, int64_t fallback) {
  const JsonValue* a = ctx.config.find("axis");
  std::vector<int64_t> axes;
  if (!a)
    axes = {fallback};
  else if (a->is_array())
    for (const JsonValue& e : a->array) axes.push_back(e.as_int());
  else
    axes = {a->as_int()};
  for (int64_t& ax : axes) {
    if (ax < 0) ax += x.rank();
    if (ax < 0 || ax >= x.rank()) throw ctx.error("axis out of range for input " + x.shape.to_string());
  }
  return axes;
}

// A per-channel vector reshaped to broadcast against x along `axis`.
Value broadcast_param(LayerContext& ctx, const std::string& name, const Tensor& v, const Value& x, int64_t axis) {
  if (axis == x.rank() - 1) return ctx.constant_weight(name, v);
  std::vector<int64_t> dims(static_cast<size_t>(x.rank()), 1);
  dims[static_cast<size_t>(axis)] = v.num_elements();
  return ctx.constant_weight(name + "/reshaped", v.reshaped(Shape(dims)));
}

Tensor filled(int64_t n, float value) {
  Tensor t(DType::Float, Shape{n});
  for (int64_t i = 0; i < n; ++i) t.data<float>()[i] = value;
  return t;
}

std::vector<Value> batch_norm(LayerContext& ctx, const std::vector<Value>& in) {
  auto& b = ctx.b;
  const Value& x = single_input(ctx, in);
  const bool scale = ctx.config.bool_or("scale", true), center = ctx.config.bool_or("center", true);
  std::vector<std::string> names;
  if (scale) names.push_back("gamma");
  if (center) names.push_back("beta");
  names.insert(names.end(), {"moving_mean", "moving_variance"});
  std::vector<Tensor> w = ctx.weight_tensors(names);
  const Tensor& mean = w[names.size() - 2];
  const Tensor& variance = w[names.size() - 1];
  const int64_t c = mean.num_elements();
  const Tensor gamma = scale ? w[0] : filled(c, 1.0f);
  const Tensor beta = center ? w[scale ? 1 : 0] : filled(c, 0.0f);
  const float epsilon = static_cast<float>(ctx.config.number_or("epsilon", 1e-3));
  const std::vector<int64_t> axes = axes_of(ctx, x, -1);
  if (axes.size() != 1) throw ctx.error("batch normalization over several axes is not supported");
  const int64_t axis = axes[0];
  if (x.dim(static_cast<int>(axis)) >= 0 && x.dim(static_cast<int>(axis)) != c)
    throw ctx.error("weights have " + std::to_string(c) + " channels, the input " + x.shape.to_string());
  if (x.rank() == 4 && axis == 3) {
    return {tf::fused_batch_norm(b, ctx.name("FusedBatchNormV3"), x, ctx.constant_weight("gamma", gamma),
                                 ctx.constant_weight("beta", beta), ctx.constant_weight("moving_mean", mean),
                                 ctx.constant_weight("moving_variance", variance), epsilon)};
  }
  // tf.nn.batch_normalization: x * inv + (beta - mean * inv), inv = gamma * rsqrt(var + eps).
  const Value var = broadcast_param(ctx, "moving_variance", variance, x, axis);
  const Value add = tf::binary(b, ctx.name("batchnorm/add"), "AddV2", var, tf::scalar(b, ctx.name("batchnorm/epsilon"), epsilon));
  const Value rsqrt = tf::unary(b, ctx.name("batchnorm/Rsqrt"), "Rsqrt", add);
  const Value inv = tf::binary(b, ctx.name("batchnorm/mul"), "Mul", rsqrt, broadcast_param(ctx, "gamma", gamma, x, axis));
  const Value xs = tf::binary(b, ctx.name("batchnorm/mul_1"), "Mul", x, inv);
  const Value ms = tf::binary(b, ctx.name("batchnorm/mul_2"), "Mul", broadcast_param(ctx, "moving_mean", mean, x, axis), inv);
  const Value shift = tf::binary(b, ctx.name("batchnorm/sub"), "Sub", broadcast_param(ctx, "beta", beta, x, axis), ms);
  return {tf::binary(b, ctx.name("batchnorm/add_1"), "AddV2", xs, shift)};
}

// (x - mean) * gamma * rsqrt(var + eps) + beta over `axis` (moments with kept dims).
std::vector<Value> layer_norm(LayerContext& ctx, const std::vector<Value>& in) {
  auto& b = ctx.b;
  const Value& x = single_input(ctx, in);
  if (ctx.config.bool_or("rms_scaling", false)) throw ctx.error("rms_scaling is not supported");
  const bool scale = ctx.config.bool_or("scale", true), center = ctx.config.bool_or("center", true);
  std::vector<std::string> names;
  if (scale) names.push_back("gamma");
  if (center) names.push_back("beta");
  const std::vector<Tensor> w = ctx.weight_tensors(names);
  const std::vector<int64_t> axes = axes_of(ctx, x, -1);
  const float epsilon = static_cast<float>(ctx.config.number_or("epsilon", 1e-3));
  // gamma/beta have the normalised axes' shape; broadcast them from the right.
  // (from the first normalised axis on, as Keras stores them: a 1-D gamma for
  // the last axis, which TensorFlow's layer-norm fusion requires).
  std::vector<int64_t> param_dims(static_cast<size_t>(x.rank()), 1);
  for (int64_t a : axes) param_dims[static_cast<size_t>(a)] = x.dim(static_cast<int>(a));
  param_dims.erase(param_dims.begin(), param_dims.begin() + *std::min_element(axes.begin(), axes.end()));
  const auto param = [&](const std::string& name, const Tensor& t) {
    for (int64_t d : param_dims)
      if (d < 0) throw ctx.error("needs known sizes on the normalised axes");
    return ctx.constant_weight(name, t.reshaped(Shape(param_dims)));
  };
  const Value mean = tf::reduce(b, ctx.name("moments/mean"), "Mean", x, axes, true);
  const Value sq = tf::binary(b, ctx.name("moments/SquaredDifference"), "SquaredDifference", x, mean);
  const Value variance = tf::reduce(b, ctx.name("moments/variance"), "Mean", sq, axes, true);
  const Value add = tf::binary(b, ctx.name("batchnorm/add"), "AddV2", variance, tf::scalar(b, ctx.name("batchnorm/epsilon"), epsilon));
  Value inv = tf::unary(b, ctx.name("batchnorm/Rsqrt"), "Rsqrt", add);
  if (scale) inv = tf::binary(b, ctx.name("batchnorm/mul"), "Mul", inv, param("gamma", w[0]));
  const Value xs = tf::binary(b, ctx.name("batchnorm/mul_1"), "Mul", x, inv);
  const Value ms = tf::binary(b, ctx.name("batchnorm/mul_2"), "Mul", mean, inv);
  if (center) {
    const Value shift = tf::binary(b, ctx.name("batchnorm/sub"), "Sub", param("beta", w[scale ? 1 : 0]), ms);
    return {tf::binary(b, ctx.name("batchnorm/add_1"), "AddV2", xs, shift)};
  }
  return {tf::binary(b, ctx.name("batchnorm/sub"), "Sub", xs, ms)};
}

std::vector<Value> rescaling(LayerContext& ctx, const std::vector<Value>& in) {
  auto& b = ctx.b;
  Value x = single_input(ctx, in);
  if (x.dtype != DType::Float) x = tf::cast(b, ctx.name("Cast"), x, DType::Float);
  const float scale = static_cast<float>(ctx.config.number_or("scale", 1.0));
  const float offset = static_cast<float>(ctx.config.number_or("offset", 0.0));
  const Value y = tf::binary(b, ctx.name("mul"), "Mul", x, tf::scalar(b, ctx.name("scale"), scale));
  return {tf::binary(b, ctx.name("add"), "AddV2", y, tf::scalar(b, ctx.name("offset"), offset))};
}

// (x - mean) / max(sqrt(variance), 1e-7), mean and variance from the config
// when given there, else the adapted weights (mean, variance, count).
std::vector<Value> normalization(LayerContext& ctx, const std::vector<Value>& in) {
  auto& b = ctx.b;
  Value x = single_input(ctx, in);
  if (x.dtype != DType::Float) x = tf::cast(b, ctx.name("Cast"), x, DType::Float);
  if (ctx.config.bool_or("invert", false)) throw ctx.error("invert=True is not supported");
  Tensor mean, variance;
  if (ctx.config.has("mean") && ctx.config.has("variance")) {
    const auto list = [&](const char* key) {
      const JsonValue* v = ctx.config.find(key);
      std::vector<float> out;
      if (v->is_array())
        for (const JsonValue& e : v->array) out.push_back(static_cast<float>(e.as_number()));
      else
        out.push_back(static_cast<float>(v->as_number()));
      return Tensor::from_vector(out);
    };
    mean = list("mean");
    variance = list("variance");
  } else {
    if (ctx.weights.values.size() < 2) throw ctx.error("expected the weights mean, variance, count; the file has fewer");
    mean = ctx.weights.values[0];
    variance = ctx.weights.values[1];
    if (mean.dtype() != DType::Float || variance.dtype() != DType::Float) throw ctx.error("mean/variance are not float");
  }
  const std::vector<int64_t> axes = axes_of(ctx, x, -1);
  std::vector<int64_t> dims(static_cast<size_t>(x.rank()), 1);
  int64_t n = 1;
  for (int64_t a : axes) {
    dims[static_cast<size_t>(a)] = x.dim(static_cast<int>(a));
    n *= x.dim(static_cast<int>(a));
  }
  const auto shaped = [&](const Tensor& t) {
    if (t.num_elements() == 1) return t.reshaped(Shape{});
    if (t.num_elements() != n) throw ctx.error("mean/variance do not match the input " + x.shape.to_string());
    return t.reshaped(Shape(dims));
  };
  const Value m = ctx.constant_weight("mean", shaped(mean));
  const Value v = ctx.constant_weight("variance", shaped(variance));
  const Value centered = tf::binary(b, ctx.name("sub"), "Sub", x, m);
  const Value sd = tf::unary(b, ctx.name("Sqrt"), "Sqrt", v);
  const Value den = tf::binary(b, ctx.name("Maximum"), "Maximum", sd, tf::scalar(b, ctx.name("epsilon"), 1e-7f));
  return {tf::binary(b, ctx.name("truediv"), "RealDiv", centered, den)};
}

}  // namespace

void register_normalization_layers(LayerTable& t) {
  t["BatchNormalization"] = batch_norm;
  t["LayerNormalization"] = layer_norm;
  t["Rescaling"] = rescaling;
  t["Normalization"] = normalization;
}

}  // namespace frost::keras
