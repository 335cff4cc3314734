// Per-channel ops: BiasAdd (NHWC and NCHW), BiasAddV1 (last axis), and
// FusedBatchNorm / V2 / V3: inference with the given mean and variance, or,
// with is_training (TensorFlow's default when the attr is absent), with the
// batch statistics. float and double.
#include <cmath>
#include <limits>

#include "kernels/batchnorm.h"
#include "kernels/bias_add.h"
#include "runtime/ops/nn_common.h"

namespace frost {

namespace {

using nn::DataFormat;

// Splits a shape into [outer, channels, inner] around its channel dimension.
struct ChannelSplit {
  int64_t outer = 1, channels = 0, inner = 1;
};
ChannelSplit split_channels(const Shape& s, DataFormat f) {
  const int c = f == DataFormat::ChannelsLast ? s.rank() - 1 : 1;
  ChannelSplit r;
  r.channels = s[c];
  for (int i = 0; i < c; ++i) r.outer *= s[i];
  for (int i = c + 1; i < s.rank(); ++i) r.inner *= s[i];
  return r;
}

void check_vector(const OpContext& ctx, const Tensor& t, const std::string& what, int64_t channels, DType dtype) {
  if (t.dtype() != dtype)
    throw ctx.error(what + " has dtype " + dtype_name(t.dtype()) + ", expected " + dtype_name(dtype));
  if (t.rank() != 1 || t.shape()[0] != channels)
    throw ctx.error(what + " must be a vector of " + std::to_string(channels) + " channels, got shape " +
                    t.shape().to_string());
}

// ---- BiasAdd -------------------------------------------------------------

DataFormat bias_format(const Node& node) {
  return node.op == "BiasAddV1" ? DataFormat::ChannelsLast : nn::read_data_format(node);
}

std::vector<PartialShape> bias_add_shape(const ShapeContext& ctx) {
  const PartialShape x = nn::input_shape(ctx, 0), b = nn::input_shape(ctx, 1);
  (void)bias_format(ctx.node);  // validates data_format
  if (x.known_rank() && x.rank() < 2) throw ctx.error("value must be at least 2-D, got shape " + x.to_string());
  if (b.known_rank() && b.rank() != 1) throw ctx.error("bias must be 1-D, got shape " + b.to_string());
  return {x};
}

void bias_add(OpContext& ctx) {
  nn::check_num_inputs(ctx, 2);
  const DataFormat f = bias_format(ctx.node());
  const Tensor &x = ctx.input(0), &bias = ctx.input(1);
  nn::check_float_input(ctx, x, "value");
  if (x.rank() < 2) throw ctx.error("value must be at least 2-D, got shape " + x.shape().to_string());
  const ChannelSplit s = split_channels(x.shape(), f);
  check_vector(ctx, bias, "bias", s.channels, x.dtype());
  kernels::BiasAddParams p{s.outer, s.channels, s.inner};
  Tensor& y = ctx.allocate_output(0, x.dtype(), x.shape());
  nn::with_float_type(ctx, x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    kernels::bias_add_reference(p, x.data<T>(), bias.data<T>(), y.data<T>());
  });
}

// ---- FusedBatchNorm, V2, V3 ----------------------------------------------

int batch_norm_outputs(const Node& node) { return node.op == "FusedBatchNormV3" ? 6 : 5; }

std::vector<PartialShape> batch_norm_shape(const ShapeContext& ctx) {
  const DataFormat f = nn::read_data_format(ctx.node, true);
  const PartialShape x = nn::input_shape(ctx, 0);
  if (x.known_rank() && x.rank() != 4 && x.rank() != 5)
    throw ctx.error("x must be 4-D (or 5-D), got shape " + x.to_string());
  int64_t c = PartialShape::kUnknown;
  if (x.known_rank()) c = x.dim(f == DataFormat::ChannelsLast ? x.rank() - 1 : 1);
  const PartialShape scale = nn::input_shape(ctx, 1);
  if (c < 0 && scale.known_rank() && scale.rank() == 1) c = scale.dim(0);
  std::vector<PartialShape> out{x, PartialShape{c}, PartialShape{c}, PartialShape{c}, PartialShape{c}};
  if (batch_norm_outputs(ctx.node) == 6) out.push_back(PartialShape::unknown());
  return out;
}

void fused_batch_norm(OpContext& ctx) {
  nn::check_num_inputs(ctx, 5);
  const Node& node = ctx.node();
  const DataFormat f = nn::read_data_format(node, true);
  const Tensor &x = ctx.input(0), &scale = ctx.input(1), &offset = ctx.input(2), &mean = ctx.input(3),
               &variance = ctx.input(4);
  nn::check_float_input(ctx, x, "x");
  if (x.rank() != 4 && x.rank() != 5) throw ctx.error("x must be 4-D (or 5-D), got shape " + x.shape().to_string());
  const ChannelSplit s = split_channels(x.shape(), f);
  const bool training = node.attr_bool_or("is_training", true);
  const float factor = node.attr_float_or("exponential_avg_factor", 1.0f);
  check_vector(ctx, scale, "scale", s.channels, x.dtype());
  check_vector(ctx, offset, "offset", s.channels, x.dtype());
  // In training the running mean and variance are only read to update them
  // with exponential_avg_factor, and may be empty when it is 1 (Keras graphs
  // at training phase feed empty tensors).
  const bool need_running = !training || factor != 1.0f;
  for (const auto& [t, what] : {std::pair{&mean, "mean"}, std::pair{&variance, "variance"}}) {
    if (!need_running && t->num_elements() == 0 && t->dtype() == x.dtype()) continue;
    check_vector(ctx, *t, what, s.channels, x.dtype());
  }

  kernels::BatchNormParams p{s.outer, s.channels, s.inner, node.attr_float_or("epsilon", 0.0001f)};
  const Shape cs{s.channels};
  Tensor y(x.dtype(), x.shape()), batch_mean(x.dtype(), cs), batch_var(x.dtype(), cs), saved_mean(x.dtype(), cs),
      saved_var(x.dtype(), cs);
  nn::with_float_type(ctx, x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if (!training) {
      kernels::batch_norm_inference_reference(p, x.data<T>(), scale.data<T>(), offset.data<T>(), mean.data<T>(),
                                              variance.data<T>(), y.data<T>());
      batch_mean = mean.clone();
      batch_var = variance.clone();
      saved_mean = mean.clone();
      saved_var = variance.clone();
      return;
    }
    // Training: normalise with the batch's own mean and biased variance.
    kernels::batch_norm_statistics_reference(p, x.data<T>(), saved_mean.data<T>(), saved_var.data<T>());
    kernels::batch_norm_inference_reference(p, x.data<T>(), scale.data<T>(), offset.data<T>(), saved_mean.data<T>(),
                                            saved_var.data<T>(), y.data<T>());
    // The variance output is the unbiased estimate (n / (n - 1)), blended into
    // the running values when exponential_avg_factor is not 1.
    const int64_t count = s.outer * s.inner;
    const double adjust = count > 1 ? static_cast<double>(count) / static_cast<double>(count - 1) : 1.0;
    for (int64_t c = 0; c < s.channels; ++c) {
      double m = saved_mean.data<T>()[c], v = saved_var.data<T>()[c] * adjust;
      if (count == 0) m = v = std::numeric_limits<double>::quiet_NaN();  // as TensorFlow for an empty batch
      if (factor != 1.0f) {
        m = (1.0 - factor) * static_cast<double>(mean.data<T>()[c]) + factor * m;
        v = (1.0 - factor) * static_cast<double>(variance.data<T>()[c]) + factor * v;
      }
      batch_mean.data<T>()[c] = static_cast<T>(m);
      batch_var.data<T>()[c] = static_cast<T>(v);
    }
  });
  ctx.set_output(0, y);
  ctx.set_output(1, batch_mean);
  ctx.set_output(2, batch_var);
  ctx.set_output(3, saved_mean);
  ctx.set_output(4, saved_var);
  // V3's reserve_space_3 is a placeholder TensorFlow's CPU kernel leaves
  // unused; a scalar keeps it a valid tensor.
  if (ctx.num_outputs() == 6) ctx.set_output(5, Tensor(x.dtype(), Shape{}));
}

}  // namespace

void register_nn_norm_ops(OpRegistry& r) {
  // In place over the value: y[k] = x[k] + bias[c] reads x[k] just before writing y[k].
  r.add({.name = "BiasAdd", .infer_shapes = bias_add_shape, .reference = bias_add, .inplace_inputs = {0}});
  r.add({.name = "BiasAddV1", .infer_shapes = bias_add_shape, .reference = bias_add, .inplace_inputs = {0}});
  for (const char* name : {"FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3"})
    r.add({.name = name,
           .num_outputs = batch_norm_outputs,
           .infer_shapes = batch_norm_shape,
           .reference = fused_batch_norm,
           .required_attrs = {}});
}

}  // namespace frost
