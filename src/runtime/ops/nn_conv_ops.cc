// Convolutions: Conv2D, DepthwiseConv2dNative, Conv2DBackpropInput (the
// transposed convolution). The kernels work in NHWC; NCHW nodes are
// transposed in and out here.
#include "kernels/conv.h"
#include "runtime/ops/nn_common.h"

namespace frost {

namespace {

using nn::DataFormat;
using nn::Window2DAttrs;

// ---- shared checks -------------------------------------------------------

void check_rank4(const OpContext& ctx, const Tensor& t, const std::string& what) {
  if (t.rank() != 4) throw ctx.error(what + " must be 4-D, got shape " + t.shape().to_string());
}

void check_rank4(const ShapeContext& ctx, const PartialShape& s, const std::string& what) {
  if (s.known_rank() && s.rank() != 4) throw ctx.error(what + " must be 4-D, got shape " + s.to_string());
}

int64_t dim_or_unknown(const PartialShape& s, int i) { return s.known_rank() ? s.dim(i) : PartialShape::kUnknown; }

void check_filter_taps(const OpContext& ctx, const Tensor& filter) {
  if (filter.shape()[0] < 1 || filter.shape()[1] < 1)
    throw ctx.error("filter has an empty spatial dimension: shape " + filter.shape().to_string());
}

// Runs `kernel` on NHWC views of `input` and returns the output in the
// node's layout. `out_nhwc` is the NHWC output shape.
template <class Kernel>
Tensor run_nhwc(const OpContext& ctx, const Window2DAttrs& a, const Tensor& input, const Tensor& filter,
                const Shape& out_nhwc, Kernel kernel) {
  const Tensor in = a.format == DataFormat::ChannelsFirst ? nn::to_channels_last(input) : input;
  Tensor out(input.dtype(), out_nhwc);
  nn::with_float_type(ctx, input.dtype(), [&](auto tag) {
    using T = decltype(tag);
    kernel(in.data<T>(), filter.data<T>(), out.data<T>());
  });
  return a.format == DataFormat::ChannelsFirst ? nn::to_channels_first(out) : out;
}

void check_same_dtype(const OpContext& ctx, const Tensor& a, const Tensor& b, const std::string& what) {
  if (a.dtype() != b.dtype())
    throw ctx.error(what + " has dtype " + dtype_name(b.dtype()) + ", input has " + dtype_name(a.dtype()));
}

// The checks every forward convolution makes on its input and filter.
void check_conv_inputs(const OpContext& ctx, const Tensor& input, const Tensor& filter) {
  nn::check_float_input(ctx, input, "input");
  check_same_dtype(ctx, input, filter, "filter");
  check_rank4(ctx, input, "input");
  check_rank4(ctx, filter, "filter");
  check_filter_taps(ctx, filter);
}

// p.groups from p.in_c and the filter's input depth: a filter with fewer
// input channels than the input (`what`: "input", "input_sizes") is a
// grouped convolution; anything else that does not divide is an error.
void set_groups(const OpContext& ctx, const Tensor& filter, const std::string& what, kernels::Conv2DParams& p) {
  const int64_t filter_in = filter.shape()[2];
  if (filter_in < 1 || p.in_c < filter_in || p.in_c % filter_in != 0)
    throw ctx.error(what + " depth " + std::to_string(p.in_c) + " does not match filter input depth " +
                    std::to_string(filter_in) + " (filter shape " + filter.shape().to_string() + ")");
  p.groups = p.in_c / filter_in;
  if (p.out_c % p.groups != 0)
    throw ctx.error("filter output depth " + std::to_string(p.out_c) + " is not a multiple of the group count " +
                    std::to_string(p.groups));
}

// ---- Conv2D --------------------------------------------------------------

std::vector<PartialShape> conv2d_shape(const ShapeContext& ctx) {
  const Window2DAttrs a = nn::read_conv_attrs(ctx.node);
  const PartialShape in = nn::input_shape(ctx, 0), filter = nn::input_shape(ctx, 1);
  check_rank4(ctx, in, "input");
  check_rank4(ctx, filter, "filter");
  const auto d = nn::nhwc_dims(in, a.format);
  const int64_t oh = nn::window_output_or_unknown(ctx.node, a, 0, d[1], dim_or_unknown(filter, 0));
  const int64_t ow = nn::window_output_or_unknown(ctx.node, a, 1, d[2], dim_or_unknown(filter, 1));
  return {nn::shape_from_nhwc({d[0], oh, ow, dim_or_unknown(filter, 3)}, a.format)};
}

void conv2d(OpContext& ctx) {
  nn::check_num_inputs(ctx, 2);
  const Window2DAttrs a = nn::read_conv_attrs(ctx.node());
  const Tensor &input = ctx.input(0), &filter = ctx.input(1);
  check_conv_inputs(ctx, input, filter);
  kernels::Conv2DParams p = nn::conv_params(ctx.node(), a, input.shape(), filter.shape());
  p.out_c = filter.shape()[3];
  set_groups(ctx, filter, "input", p);

  ctx.set_output(0,
                 run_nhwc(ctx, a, input, filter, Shape{p.batch, p.out_h, p.out_w, p.out_c},
                          [&](const auto* in, const auto* f, auto* out) { kernels::conv2d_reference(p, in, f, out); }));
}

// ---- DepthwiseConv2dNative -----------------------------------------------

std::vector<PartialShape> depthwise_shape(const ShapeContext& ctx) {
  const Window2DAttrs a = nn::read_conv_attrs(ctx.node);
  const PartialShape in = nn::input_shape(ctx, 0), filter = nn::input_shape(ctx, 1);
  check_rank4(ctx, in, "input");
  check_rank4(ctx, filter, "filter");
  const auto d = nn::nhwc_dims(in, a.format);
  const int64_t oh = nn::window_output_or_unknown(ctx.node, a, 0, d[1], dim_or_unknown(filter, 0));
  const int64_t ow = nn::window_output_or_unknown(ctx.node, a, 1, d[2], dim_or_unknown(filter, 1));
  const int64_t c = d[3] >= 0 ? d[3] : dim_or_unknown(filter, 2), m = dim_or_unknown(filter, 3);
  return {nn::shape_from_nhwc({d[0], oh, ow, c >= 0 && m >= 0 ? c * m : PartialShape::kUnknown}, a.format)};
}

void depthwise_conv2d(OpContext& ctx) {
  nn::check_num_inputs(ctx, 2);
  const Window2DAttrs a = nn::read_conv_attrs(ctx.node());
  const Tensor &input = ctx.input(0), &filter = ctx.input(1);
  check_conv_inputs(ctx, input, filter);
  kernels::Conv2DParams p = nn::conv_params(ctx.node(), a, input.shape(), filter.shape());
  if (filter.shape()[2] != p.in_c)
    throw ctx.error("input depth " + std::to_string(p.in_c) + " does not match filter depth " +
                    std::to_string(filter.shape()[2]) + " (filter shape " + filter.shape().to_string() + ")");
  p.depth_multiplier = filter.shape()[3];
  p.out_c = p.in_c * p.depth_multiplier;

  ctx.set_output(0, run_nhwc(ctx, a, input, filter, Shape{p.batch, p.out_h, p.out_w, p.out_c},
                             [&](const auto* in, const auto* f, auto* out) {
                               kernels::depthwise_conv2d_reference(p, in, f, out);
                             }));
}

// ---- Conv2DBackpropInput -------------------------------------------------

// The result shape in NHWC order from input_sizes: 4 values in the node's
// data_format, or 2 values (height, width) with batch and depth taken from
// out_backprop and the filter (-1 where those are unknown).
std::array<int64_t, 4> backprop_result_nhwc(const Node& node, DataFormat f, const std::vector<int64_t>& sizes,
                                            int64_t batch, int64_t depth) {
  if (sizes.size() == 4) {
    for (const int64_t s : sizes)
      if (s < 0) throw node.error("input_sizes has a negative value");
    return f == DataFormat::ChannelsLast ? std::array<int64_t, 4>{sizes[0], sizes[1], sizes[2], sizes[3]}
                                         : std::array<int64_t, 4>{sizes[0], sizes[2], sizes[3], sizes[1]};
  }
  if (sizes.size() == 2) {
    if (sizes[0] < 0 || sizes[1] < 0) throw node.error("input_sizes has a negative value");
    return {batch, sizes[0], sizes[1], depth};
  }
  throw node.error("input_sizes must have 4 (or 2) elements, has " + std::to_string(sizes.size()));
}

std::vector<PartialShape> backprop_input_shape(const ShapeContext& ctx) {
  const Window2DAttrs a = nn::read_conv_attrs(ctx.node);
  const PartialShape filter = nn::input_shape(ctx, 1), grad = nn::input_shape(ctx, 2);
  check_rank4(ctx, filter, "filter");
  check_rank4(ctx, grad, "out_backprop");
  const Tensor* sizes = ctx.input_values.size() > 0 ? ctx.input_values[0] : nullptr;
  if (sizes == nullptr) return {PartialShape{-1, -1, -1, -1}};
  const auto g = nn::nhwc_dims(grad, a.format);
  return {nn::shape_from_nhwc(
      backprop_result_nhwc(ctx.node, a.format, sizes->to_int64_vector(), g[0], dim_or_unknown(filter, 2)), a.format)};
}

void conv2d_backprop_input(OpContext& ctx) {
  const Window2DAttrs a = nn::read_conv_attrs(ctx.node());
  const kernels::Conv2DParams p = nn::conv2d_backprop_input_params(ctx, a);
  ctx.set_output(0, run_nhwc(ctx, a, ctx.input(2), ctx.input(1), Shape{p.batch, p.in_h, p.in_w, p.in_c},
                             [&](const auto* dy, const auto* f, auto* dx) {
                               kernels::conv2d_backprop_input_reference(p, dy, f, dx);
                             }));
}

const std::vector<std::pair<std::string, std::string>> kConvRequired = {{"strides", "list(int)"},
                                                                        {"padding", "string"}};

}  // namespace

// The forward geometry of a Conv2DBackpropInput node from its inputs
// (input_sizes, filter, out_backprop), with every check.
kernels::Conv2DParams nn::conv2d_backprop_input_params(const OpContext& ctx, const Window2DAttrs& a) {
  nn::check_num_inputs(ctx, 3);
  const Tensor &sizes = ctx.input(0), &filter = ctx.input(1), &grad = ctx.input(2);
  if (sizes.dtype() != DType::Int32 && sizes.dtype() != DType::Int64)
    throw ctx.error("input_sizes must be int32 or int64, got " + dtype_name(sizes.dtype()));
  if (sizes.rank() != 1) throw ctx.error("input_sizes must be 1-D, got shape " + sizes.shape().to_string());
  nn::check_float_input(ctx, grad, "out_backprop");
  check_same_dtype(ctx, grad, filter, "filter");
  check_rank4(ctx, filter, "filter");
  check_rank4(ctx, grad, "out_backprop");
  check_filter_taps(ctx, filter);

  const auto g = nn::nhwc_dims(grad.shape(), a.format);
  const auto r = backprop_result_nhwc(ctx.node(), a.format, sizes.to_int64_vector(), g[0], filter.shape()[2]);
  kernels::Conv2DParams p;
  p.batch = r[0];
  p.in_h = r[1];
  p.in_w = r[2];
  p.in_c = r[3];
  p.filter_h = filter.shape()[0];
  p.filter_w = filter.shape()[1];
  p.out_c = filter.shape()[3];
  set_groups(ctx, filter, "input_sizes", p);
  nn::fill_conv_window(ctx.node(), a, p);
  // out_backprop must be exactly what the forward convolution of a tensor of
  // input_sizes would produce.
  const std::array<int64_t, 4> expected{p.batch, p.out_h, p.out_w, p.out_c};
  if (g != expected)
    throw ctx.error("out_backprop shape " + grad.shape().to_string() +
                    " does not match the forward convolution output " +
                    nn::shape_from_nhwc(expected, a.format).to_string() + " of input_sizes");
  return p;
}

void register_nn_conv_ops(OpRegistry& r) {
  r.add({.name = "Conv2D", .infer_shapes = conv2d_shape, .reference = conv2d, .required_attrs = kConvRequired});
  r.add({.name = "DepthwiseConv2dNative",
         .infer_shapes = depthwise_shape,
         .reference = depthwise_conv2d,
         .required_attrs = kConvRequired});
  r.add({.name = "Conv2DBackpropInput",
         .infer_shapes = backprop_input_shape,
         .reference = conv2d_backprop_input,
         .required_attrs = kConvRequired});
}

}  // namespace frost
