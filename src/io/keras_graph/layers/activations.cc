// Keras activation functions (by name) and the activation layers: Activation,
// ReLU, LeakyReLU, PReLU, ELU, ThresholdedReLU, Softmax. Formulas follow
// Keras's TensorFlow backend op for op, so a frozen tf.keras model and this
// conversion compute the same thing.
#include <map>
#include <optional>

#include "io/keras_graph/layer_context.h"
#include "io/keras_graph/tf_ops.h"

namespace frost::keras {

namespace {

Value hard_sigmoid(LayerContext& ctx, const Value& x) {
  auto& b = ctx.b;
  if (ctx.keras_major >= 3) {  // Keras 3: relu6(x + 3) / 6
    const Value shifted = tf::binary(b, ctx.name("add"), "AddV2", x, tf::scalar(b, ctx.name("three"), 3.0f));
    const Value r6 = tf::unary(b, ctx.name("Relu6"), "Relu6", shifted);
    return tf::binary(b, ctx.name("truediv"), "RealDiv", r6, tf::scalar(b, ctx.name("six"), 6.0f));
  }
  // Keras 2: clip(0.2 * x + 0.5, 0, 1)
  const Value scaled = tf::binary(b, ctx.name("mul"), "Mul", x, tf::scalar(b, ctx.name("point_two"), 0.2f));
  const Value shifted = tf::binary(b, ctx.name("add"), "AddV2", scaled, tf::scalar(b, ctx.name("point_five"), 0.5f));
  const Value upper = tf::binary(b, ctx.name("clip_by_value/Minimum"), "Minimum", shifted, tf::scalar(b, ctx.name("one"), 1.0f));
  return tf::binary(b, ctx.name("clip_by_value"), "Maximum", upper, tf::scalar(b, ctx.name("zero"), 0.0f));
}

Value softplus(LayerContext& ctx, const Value& x) { return tf::unary(ctx.b, ctx.name("Softplus"), "Softplus", x); }

// Softmax over `axis`: TensorFlow's op works on the last axis, others are
// moved there and back.
Value softmax_axis(LayerContext& ctx, const Value& x, int64_t axis, bool log = false) {
  const int r = x.rank();
  if (r < 1) throw ctx.error("softmax of a scalar");
  if (axis < 0) axis += r;
  if (axis < 0 || axis >= r) throw ctx.error("softmax axis out of range for input " + x.shape.to_string());
  if (axis == r - 1) return tf::softmax(ctx.b, ctx.name(log ? "LogSoftmax" : "Softmax"), x, log);
  std::vector<int64_t> perm;
  for (int i = 0; i < r; ++i) perm.push_back(i);
  std::swap(perm[static_cast<size_t>(axis)], perm.back());
  const Value t = tf::transpose(ctx.b, ctx.name("transpose"), x, perm);
  const Value s = tf::softmax(ctx.b, ctx.name(log ? "LogSoftmax" : "Softmax"), t, log);
  return tf::transpose(ctx.b, ctx.name("transpose_1"), s, perm);
}

}  // namespace

Value apply_activation(LayerContext& ctx, const std::string& a, const Value& x) {
  auto& b = ctx.b;
  if (a.empty() || a == "linear") return x;
  static const std::map<std::string, std::string> kSingleOp = {
      {"relu", "Relu"},     {"relu6", "Relu6"}, {"sigmoid", "Sigmoid"},     {"tanh", "Tanh"}, {"elu", "Elu"},
      {"selu", "Selu"},     {"softplus", "Softplus"}, {"exponential", "Exp"},
  };
  if (auto it = kSingleOp.find(a); it != kSingleOp.end()) return tf::unary(b, ctx.name(it->second), it->second, x);
  if (a == "softmax") return softmax_axis(ctx, x, -1);
  if (a == "log_softmax") return softmax_axis(ctx, x, -1, true);
  if (a == "softsign") {  // x / (1 + |x|)
    const Value abs = tf::unary(b, ctx.name("Abs"), "Abs", x);
    const Value den = tf::binary(b, ctx.name("add"), "AddV2", abs, tf::scalar(b, ctx.name("one"), 1.0f));
    return tf::binary(b, ctx.name("Softsign"), "RealDiv", x, den);
  }
  if (a == "swish" || a == "silu") {
    const Value s = tf::unary(b, ctx.name("Sigmoid"), "Sigmoid", x);
    return tf::binary(b, ctx.name("mul"), "Mul", x, s);
  }
  if (a == "hard_sigmoid") return hard_sigmoid(ctx, x);
  if (a == "hard_silu" || a == "hard_swish") return tf::binary(b, ctx.name("mul_1"), "Mul", x, hard_sigmoid(ctx, x));
  if (a == "mish") {
    const Value t = tf::unary(b, ctx.name("Tanh"), "Tanh", softplus(ctx, x));
    return tf::binary(b, ctx.name("mul"), "Mul", x, t);
  }
  if (a == "leaky_relu") return tf::leaky_relu(b, ctx.name("LeakyRelu"), x, 0.2f);
  if (a == "hard_tanh") {
    const Value upper = tf::binary(b, ctx.name("Minimum"), "Minimum", x, tf::scalar(b, ctx.name("one"), 1.0f));
    return tf::binary(b, ctx.name("Maximum"), "Maximum", upper, tf::scalar(b, ctx.name("minus_one"), -1.0f));
  }
  if (a == "tanh_shrink") return tf::binary(b, ctx.name("sub"), "Sub", x, tf::unary(b, ctx.name("Tanh"), "Tanh", x));
  if (a == "log_sigmoid") {  // -softplus(-x)
    const Value neg = tf::unary(b, ctx.name("Neg"), "Neg", x);
    return tf::unary(b, ctx.name("Neg_1"), "Neg", softplus(ctx, neg));
  }
  if (a == "gelu") {  // exact: 0.5 x (1 + erf(x / sqrt(2))), as tf.nn.gelu(approximate=False)
    const Value scaled = tf::binary(b, ctx.name("truediv"), "RealDiv", x, tf::scalar(b, ctx.name("sqrt_two"), 1.4142135623730951f));
    const Value erf = tf::unary(b, ctx.name("Erf"), "Erf", scaled);
    const Value one_plus = tf::binary(b, ctx.name("add"), "AddV2", tf::scalar(b, ctx.name("one"), 1.0f), erf);
    const Value half_x = tf::binary(b, ctx.name("mul"), "Mul", tf::scalar(b, ctx.name("half"), 0.5f), x);
    return tf::binary(b, ctx.name("mul_1"), "Mul", half_x, one_plus);
  }
  if (a == "glu") {  // first half of the last axis times sigmoid of the second
    const std::vector<Value> halves = tf::split(b, ctx.name("split"), x, x.rank() - 1, 2);
    return tf::binary(b, ctx.name("mul"), "Mul", halves[0], tf::unary(b, ctx.name("Sigmoid"), "Sigmoid", halves[1]));
  }
  if (a == "hard_shrink") {  // x where |x| > 0.5, else 0
    const Value big = tf::binary(b, ctx.name("Greater"), "Greater", tf::unary(b, ctx.name("Abs"), "Abs", x),
                                 tf::scalar(b, ctx.name("threshold"), 0.5f));
    return tf::select(b, ctx.name("SelectV2"), big, x, tf::unary(b, ctx.name("ZerosLike"), "ZerosLike", x));
  }
  if (a == "soft_shrink") {  // x - 0.5 above 0.5, x + 0.5 below -0.5, else 0
    const Value half = tf::scalar(b, ctx.name("threshold"), 0.5f);
    const Value minus_half = tf::scalar(b, ctx.name("minus_threshold"), -0.5f);
    const Value zeros = tf::unary(b, ctx.name("ZerosLike"), "ZerosLike", x);
    const Value low = tf::select(b, ctx.name("SelectV2"), tf::binary(b, ctx.name("Less"), "Less", x, minus_half),
                                 tf::binary(b, ctx.name("add"), "AddV2", x, half), zeros);
    return tf::select(b, ctx.name("SelectV2_1"), tf::binary(b, ctx.name("Greater"), "Greater", x, half),
                      tf::binary(b, ctx.name("sub"), "Sub", x, half), low);
  }
  if (a == "squareplus") {  // (x + sqrt(x^2 + 4)) / 2
    const Value sq = tf::binary(b, ctx.name("add"), "AddV2", tf::unary(b, ctx.name("Square"), "Square", x),
                                tf::scalar(b, ctx.name("b"), 4.0f));
    const Value sum = tf::binary(b, ctx.name("add_1"), "AddV2", x, tf::unary(b, ctx.name("Sqrt"), "Sqrt", sq));
    return tf::binary(b, ctx.name("truediv"), "RealDiv", sum, tf::scalar(b, ctx.name("two"), 2.0f));
  }
  if (a == "sparse_plus") {  // 0 for x <= -1, (x + 1)^2 / 4 for x < 1, else x
    const Value one = tf::scalar(b, ctx.name("one"), 1.0f);
    const Value quarter = tf::binary(b, ctx.name("mul"), "Mul", tf::scalar(b, ctx.name("quarter"), 0.25f),
                                     tf::binary(b, ctx.name("Pow"), "Pow", tf::binary(b, ctx.name("add"), "AddV2", x, one),
                                                tf::scalar(b, ctx.name("two"), 2.0f)));
    const Value mid = tf::select(b, ctx.name("SelectV2"), tf::binary(b, ctx.name("Less"), "Less", x, one), quarter, x);
    return tf::select(b, ctx.name("SelectV2_1"),
                      tf::binary(b, ctx.name("LessEqual"), "LessEqual", x, tf::scalar(b, ctx.name("minus_one"), -1.0f)),
                      tf::unary(b, ctx.name("ZerosLike"), "ZerosLike", x), mid);
  }
  throw ctx.error("activation '" + a + "' is not supported");
}

namespace {

std::string activation_name(const LayerContext& ctx, const char* key) {
  const JsonValue* a = ctx.config.find(key);
  if (!a) return "linear";
  if (a->kind == JsonValue::Kind::String) return a->string;
  throw ctx.error(std::string("'") + key + "' is not a built-in activation name (a custom function?)");
}

// Keras's backend relu(x, alpha, max_value, threshold), op for op.
Value keras_relu(LayerContext& ctx, const Value& x, double alpha, std::optional<double> max_value, double threshold) {
  auto& b = ctx.b;
  if (alpha != 0 && !max_value && threshold == 0) return tf::leaky_relu(b, ctx.name("LeakyRelu"), x, static_cast<float>(alpha));
  std::optional<Value> negative;
  if (alpha != 0) {
    Value neg = tf::unary(b, ctx.name("Neg"), "Neg", x);
    if (threshold != 0)
      neg = tf::binary(b, ctx.name("add"), "AddV2", neg, tf::scalar(b, ctx.name("threshold"), static_cast<float>(threshold)));
    negative = tf::unary(b, ctx.name("Relu_1"), "Relu", neg);
  }
  bool clip = max_value.has_value();
  Value y;
  if (threshold != 0) {
    const Value above = tf::binary(b, ctx.name("Greater"), "Greater", x,
                                   tf::scalar(b, ctx.name("threshold_1"), static_cast<float>(threshold)));
    y = tf::binary(b, ctx.name("mul"), "Mul", x, tf::cast(b, ctx.name("Cast"), above, DType::Float));
  } else if (max_value && *max_value == 6) {
    y = tf::unary(b, ctx.name("Relu6"), "Relu6", x);
    clip = false;
  } else {
    y = tf::unary(b, ctx.name("Relu"), "Relu", x);
  }
  if (clip) {
    const Value upper = tf::binary(b, ctx.name("clip_by_value/Minimum"), "Minimum", y,
                                   tf::scalar(b, ctx.name("max_value"), static_cast<float>(*max_value)));
    y = tf::binary(b, ctx.name("clip_by_value"), "Maximum", upper, tf::scalar(b, ctx.name("zero"), 0.0f));
  }
  if (negative) {
    const Value scaled =
        tf::binary(b, ctx.name("mul_1"), "Mul", tf::scalar(b, ctx.name("alpha"), static_cast<float>(alpha)), *negative);
    y = tf::binary(b, ctx.name("sub"), "Sub", y, scaled);
  }
  return y;
}

std::vector<Value> activation_layer(LayerContext& ctx, const std::vector<Value>& in) {
  return {apply_activation(ctx, activation_name(ctx, "activation"), single_input(ctx, in))};
}

std::vector<Value> relu_layer(LayerContext& ctx, const std::vector<Value>& in) {
  const Value& x = single_input(ctx, in);
  std::optional<double> max_value;
  if (ctx.config.has("max_value")) max_value = ctx.config.number_or("max_value", 0);
  return {keras_relu(ctx, x, ctx.config.number_or("negative_slope", 0), max_value, ctx.config.number_or("threshold", 0))};
}

std::vector<Value> leaky_relu_layer(LayerContext& ctx, const std::vector<Value>& in) {
  const double alpha = ctx.config.has("negative_slope") ? ctx.config.number_or("negative_slope", 0.3)
                                                        : ctx.config.number_or("alpha", 0.3);
  return {tf::leaky_relu(ctx.b, ctx.name("LeakyRelu"), single_input(ctx, in), static_cast<float>(alpha))};
}

// relu(x) - alpha * relu(-x), alpha broadcast over shared axes.
std::vector<Value> prelu_layer(LayerContext& ctx, const std::vector<Value>& in) {
  auto& b = ctx.b;
  const Value& x = single_input(ctx, in);
  const Value alpha = ctx.take_weights({"alpha"})[0];
  const Value pos = tf::unary(b, ctx.name("Relu"), "Relu", x);
  const Value neg_alpha = tf::unary(b, ctx.name("Neg"), "Neg", alpha);
  const Value neg_x = tf::unary(b, ctx.name("Neg_1"), "Neg", x);
  const Value neg = tf::binary(b, ctx.name("mul"), "Mul", neg_alpha, tf::unary(b, ctx.name("Relu_1"), "Relu", neg_x));
  return {tf::binary(b, ctx.name("add"), "AddV2", pos, neg)};
}

std::vector<Value> elu_layer(LayerContext& ctx, const std::vector<Value>& in) {
  auto& b = ctx.b;
  const Value& x = single_input(ctx, in);
  const double alpha = ctx.config.number_or("alpha", 1.0);
  const Value elu = tf::unary(b, ctx.name("Elu"), "Elu", x);
  if (alpha == 1.0) return {elu};
  const Value positive = tf::binary(b, ctx.name("Greater"), "Greater", x, tf::scalar(b, ctx.name("zero"), 0.0f));
  const Value scaled = tf::binary(b, ctx.name("mul"), "Mul", tf::scalar(b, ctx.name("alpha"), static_cast<float>(alpha)), elu);
  return {tf::select(b, ctx.name("SelectV2"), positive, elu, scaled)};
}

// x * cast(x > theta)
std::vector<Value> thresholded_relu_layer(LayerContext& ctx, const std::vector<Value>& in) {
  auto& b = ctx.b;
  const Value& x = single_input(ctx, in);
  const float theta = static_cast<float>(ctx.config.number_or("theta", 1.0));
  const Value above = tf::binary(b, ctx.name("Greater"), "Greater", x, tf::scalar(b, ctx.name("theta"), theta));
  return {tf::binary(b, ctx.name("mul"), "Mul", x, tf::cast(b, ctx.name("Cast"), above, DType::Float))};
}

std::vector<Value> softmax_layer(LayerContext& ctx, const std::vector<Value>& in) {
  const Value& x = single_input(ctx, in);
  const JsonValue* axis = ctx.config.find("axis");
  int64_t a = -1;
  if (axis && axis->is_array()) {
    if (axis->array.size() != 1) throw ctx.error("softmax over several axes is not supported");
    a = axis->array[0].as_int();
  } else if (axis) {
    a = ctx.config.int_or("axis", -1);
  }
  return {softmax_axis(ctx, x, a)};
}

}  // namespace

void register_activation_layers(LayerTable& t) {
  t["Activation"] = activation_layer;
  t["ReLU"] = relu_layer;
  t["LeakyReLU"] = leaky_relu_layer;
  t["PReLU"] = prelu_layer;
  t["ELU"] = elu_layer;
  t["ThresholdedReLU"] = thresholded_relu_layer;
  t["Softmax"] = softmax_layer;
}

}  // namespace frost::keras
