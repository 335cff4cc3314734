// Convolutions: Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D,
// SeparableConv1D/2D, as TensorFlow runs them on a CPU: NHWC (channels_first
// models are transposed around the op), 1-D convolutions as 2-D ones over a
// height of 1 (ExpandDims/Conv2D/Squeeze, like tf.nn.conv1d).
#include <algorithm>
#include <optional>

#include "io/keras_graph/layer_context.h"
#include "io/keras_graph/tf_ops.h"

namespace frost::keras {

namespace {

std::string padding_of(const LayerContext& ctx, bool causal_ok) {
  const std::string p = ctx.config.string_or("padding", "valid");
  if (p == "valid") return "VALID";
  if (p == "same") return "SAME";
  if (p == "causal" && causal_ok) return "CAUSAL";
  throw ctx.error("padding '" + p + "' is not supported");
}

std::string activation_of(const LayerContext& ctx) {
  const JsonValue* a = ctx.config.find("activation");
  if (!a) return "linear";
  if (a->kind != JsonValue::Kind::String) throw ctx.error("'activation' is not a built-in activation name");
  return a->string;
}

// Bias and activation after the convolution proper (in NHWC), then back to
// channels_first when the layer asked for it.
Value finish(LayerContext& ctx, Value y, const std::optional<Value>& bias, bool first) {
  if (bias) y = tf::bias_add(ctx.b, ctx.name("BiasAdd"), y, *bias);
  y = apply_activation(ctx, activation_of(ctx), y);
  return first ? to_channels_first(ctx, y) : y;
}

// A [k, ...] kernel of a 1-D convolution as the [1, k, ...] kernel of a 2-D one.
Tensor with_unit_height(const Tensor& k) {
  std::vector<int64_t> dims{1};
  for (int64_t d : k.shape().dims()) dims.push_back(d);
  return k.reshaped(Shape(dims));
}

// The input made NHWC: channels_first transposed, 1-D given a height of 1.
Value prepare_input(LayerContext& ctx, Value x, int spatial, bool first) {
  require_rank(ctx, x, spatial + 2);
  if (first) x = to_channels_last(ctx, x);
  if (spatial == 1) x = tf::expand_dims(ctx.b, ctx.name("conv1d/ExpandDims"), x, 1);
  return x;
}

// Causal padding (1-D only): dilation * (kernel - 1) zeros before the sequence.
Value causal_pad(LayerContext& ctx, const Value& x4, int64_t kernel, int64_t dilation) {
  return tf::pad(ctx.b, ctx.name("Pad"), x4, {{0, 0}, {0, 0}, {dilation * (kernel - 1), 0}, {0, 0}});
}

std::vector<Value> conv(LayerContext& ctx, const std::vector<Value>& in, int spatial) {
  const bool first = channels_first(ctx);
  const bool use_bias = ctx.config.bool_or("use_bias", true);
  // groups > 1: the kernel is [kh, kw, in / groups, out], which Conv2D reads
  // as a grouped convolution (as TensorFlow does).
  if (ctx.config.int_or("groups", 1) < 1) throw ctx.error("groups must be at least 1");
  const std::vector<Tensor> w =
      ctx.weight_tensors(use_bias ? std::vector<std::string>{"kernel", "bias"} : std::vector<std::string>{"kernel"});
  if (w[0].rank() != spatial + 2) throw ctx.error("kernel rank does not match the layer");
  std::vector<int64_t> strides = ctx.config.ints("strides", static_cast<size_t>(spatial), 1);
  std::vector<int64_t> dilations = ctx.config.ints("dilation_rate", static_cast<size_t>(spatial), 1);
  std::string padding = padding_of(ctx, spatial == 1);
  Value x = prepare_input(ctx, single_input(ctx, in), spatial, first);
  const Value kernel = ctx.constant_weight("kernel", spatial == 1 ? with_unit_height(w[0]) : w[0]);
  if (spatial == 1) {
    strides.insert(strides.begin(), 1);
    dilations.insert(dilations.begin(), 1);
    if (padding == "CAUSAL") {
      x = causal_pad(ctx, x, w[0].shape().dim(0), dilations[1]);
      padding = "VALID";
    }
  }
  Value y = tf::conv2d(ctx.b, ctx.name(spatial == 1 ? "conv1d" : "Conv2D"), x, kernel, strides, padding, dilations);
  if (spatial == 1) y = tf::squeeze(ctx.b, ctx.name("conv1d/Squeeze"), y, {1});
  std::optional<Value> bias;
  if (use_bias) bias = ctx.constant_weight("bias", w[1]);
  return {finish(ctx, y, bias, first)};
}

std::vector<Value> conv1d(LayerContext& ctx, const std::vector<Value>& in) { return conv(ctx, in, 1); }
std::vector<Value> conv2d(LayerContext& ctx, const std::vector<Value>& in) { return conv(ctx, in, 2); }

// Keras's deconv_output_length.
int64_t deconv_length(int64_t input, int64_t kernel, const std::string& padding, std::optional<int64_t> output_padding,
                      int64_t stride, int64_t dilation) {
  if (input < 0) return -1;
  kernel = kernel + (kernel - 1) * (dilation - 1);
  if (!output_padding) return padding == "VALID" ? input * stride + std::max<int64_t>(kernel - stride, 0) : input * stride;
  const int64_t pad = padding == "SAME" ? kernel / 2 : 0;
  return (input - 1) * stride + kernel - 2 * pad + *output_padding;
}

std::vector<Value> conv2d_transpose(LayerContext& ctx, const std::vector<Value>& in) {
  auto& b = ctx.b;
  const bool first = channels_first(ctx);
  const bool use_bias = ctx.config.bool_or("use_bias", true);
  const std::vector<Value> w =
      ctx.take_weights(use_bias ? std::vector<std::string>{"kernel", "bias"} : std::vector<std::string>{"kernel"});
  if (w[0].rank() != 4) throw ctx.error("kernel is not 4-D");
  const std::vector<int64_t> strides = ctx.config.ints("strides", 2, 1);
  const std::vector<int64_t> dilations = ctx.config.ints("dilation_rate", 2, 1);
  if (dilations[0] != 1 || dilations[1] != 1) throw ctx.error("dilated transposed convolution is not supported");
  const std::string padding = padding_of(ctx, false);
  std::optional<std::vector<int64_t>> output_padding;
  if (ctx.config.has("output_padding")) output_padding = ctx.config.ints("output_padding", 2);
  const Value x = prepare_input(ctx, single_input(ctx, in), 2, first);
  int64_t out_hw[2];
  for (int i = 0; i < 2; ++i) {
    out_hw[i] = deconv_length(x.dim(1 + i), w[0].dim(i), padding,
                              output_padding ? std::optional<int64_t>((*output_padding)[static_cast<size_t>(i)]) : std::nullopt,
                              strides[static_cast<size_t>(i)], dilations[static_cast<size_t>(i)]);
    if (out_hw[i] < 0) throw ctx.error("needs known spatial input dimensions, got " + x.shape.to_string());
  }
  const int64_t filters = w[0].dim(2);
  Value output_shape;
  if (x.dim(0) >= 0) {
    output_shape = tf::int_vector(b, ctx.name("output_shape"), {x.dim(0), out_hw[0], out_hw[1], filters});
  } else {  // the batch from the input at run time
    const Value s = tf::shape_of(b, ctx.name("Shape"), x);
    const Value batch = tf::strided_slice(b, ctx.name("strided_slice"), s, {0}, {1}, {1});
    output_shape = tf::concat(b, ctx.name("stack"), {batch, tf::int_vector(b, ctx.name("hwc"), {out_hw[0], out_hw[1], filters})}, 0);
  }
  Value y = tf::conv2d_transpose(b, ctx.name("conv2d_transpose"), x, w[0], output_shape, strides, padding, dilations);
  y.shape = PartialShape({x.dim(0), out_hw[0], out_hw[1], filters});  // the run-time batch is not a constant
  std::optional<Value> bias;
  if (use_bias) bias = w[1];
  return {finish(ctx, y, bias, first)};
}

std::vector<Value> depthwise_conv2d(LayerContext& ctx, const std::vector<Value>& in) {
  const bool first = channels_first(ctx);
  const bool use_bias = ctx.config.bool_or("use_bias", true);
  const std::vector<Value> w = ctx.take_weights(use_bias ? std::vector<std::string>{"depthwise_kernel", "bias"}
                                                         : std::vector<std::string>{"depthwise_kernel"});
  const Value x = prepare_input(ctx, single_input(ctx, in), 2, first);
  const Value y = tf::depthwise_conv2d(ctx.b, ctx.name("depthwise"), x, w[0], ctx.config.ints("strides", 2, 1),
                                       padding_of(ctx, false), ctx.config.ints("dilation_rate", 2, 1));
  std::optional<Value> bias;
  if (use_bias) bias = w[1];
  return {finish(ctx, y, bias, first)};
}

// Depthwise then 1x1 pointwise (tf.nn.separable_conv2d).
std::vector<Value> separable_conv(LayerContext& ctx, const std::vector<Value>& in, int spatial) {
  const bool first = channels_first(ctx);
  const bool use_bias = ctx.config.bool_or("use_bias", true);
  const std::vector<Tensor> w =
      ctx.weight_tensors(use_bias ? std::vector<std::string>{"depthwise_kernel", "pointwise_kernel", "bias"}
                                  : std::vector<std::string>{"depthwise_kernel", "pointwise_kernel"});
  std::vector<int64_t> strides = ctx.config.ints("strides", static_cast<size_t>(spatial), 1);
  std::vector<int64_t> dilations = ctx.config.ints("dilation_rate", static_cast<size_t>(spatial), 1);
  std::string padding = padding_of(ctx, spatial == 1);
  Value x = prepare_input(ctx, single_input(ctx, in), spatial, first);
  const Value dw = ctx.constant_weight("depthwise_kernel", spatial == 1 ? with_unit_height(w[0]) : w[0]);
  const Value pw = ctx.constant_weight("pointwise_kernel", spatial == 1 ? with_unit_height(w[1]) : w[1]);
  if (spatial == 1) {
    strides.insert(strides.begin(), 1);
    dilations.insert(dilations.begin(), 1);
    if (padding == "CAUSAL") {
      x = causal_pad(ctx, x, w[0].shape().dim(0), dilations[1]);
      padding = "VALID";
    }
  }
  const Value d = tf::depthwise_conv2d(ctx.b, ctx.name("separable_conv2d/depthwise"), x, dw, strides, padding, dilations);
  Value y = tf::conv2d(ctx.b, ctx.name("separable_conv2d"), d, pw, {1, 1}, "VALID", {1, 1});
  if (spatial == 1) y = tf::squeeze(ctx.b, ctx.name("Squeeze"), y, {1});
  std::optional<Value> bias;
  if (use_bias) bias = ctx.constant_weight("bias", w[2]);
  return {finish(ctx, y, bias, first)};
}

std::vector<Value> separable_conv1d(LayerContext& ctx, const std::vector<Value>& in) { return separable_conv(ctx, in, 1); }
std::vector<Value> separable_conv2d(LayerContext& ctx, const std::vector<Value>& in) { return separable_conv(ctx, in, 2); }

}  // namespace

void register_conv_layers(LayerTable& t) {
  t["Conv1D"] = conv1d;
  t["Convolution1D"] = conv1d;
  t["Conv2D"] = conv2d;
  t["Convolution2D"] = conv2d;
  t["Conv2DTranspose"] = conv2d_transpose;
  t["Convolution2DTranspose"] = conv2d_transpose;
  t["DepthwiseConv2D"] = depthwise_conv2d;
  t["SeparableConv1D"] = separable_conv1d;
  t["SeparableConv2D"] = separable_conv2d;
}

}  // namespace frost::keras
