// Pooling: MaxPool, MaxPoolV2 (ksize and strides as inputs), AvgPool.
// NHWC and NCHW (transposed to NHWC around the kernel), SAME/VALID, and
// EXPLICIT for MaxPool as TensorFlow allows. float and double.
#include "kernels/pool.h"
#include "runtime/ops/nn_common.h"

namespace frost {

namespace {

using nn::DataFormat;
using nn::Window2DAttrs;

enum class PoolKind { Max, Avg };

// MaxPoolV2 takes ksize and strides from inputs 1 and 2 (int32 vectors).
bool is_v2(const Node& node) { return node.op == "MaxPoolV2"; }

Window2DAttrs pool_attrs_from_values(const Node& node, bool allow_explicit, const Tensor* ksize,
                                     const Tensor* strides) {
  if (!is_v2(node)) return nn::read_pool_attrs(node, allow_explicit);
  const std::vector<int64_t> k = ksize->to_int64_vector(), s = strides->to_int64_vector();
  return nn::read_pool_attrs(node, allow_explicit, &k, &s);
}

std::vector<PartialShape> pool_shape(const ShapeContext& ctx, bool allow_explicit) {
  const PartialShape in = nn::input_shape(ctx, 0);
  if (in.known_rank() && in.rank() != 4) throw ctx.error("input must be 4-D, got shape " + in.to_string());
  const Tensor* k = ctx.input_values.size() > 1 ? ctx.input_values[1] : nullptr;
  const Tensor* s = ctx.input_values.size() > 2 ? ctx.input_values[2] : nullptr;
  if (is_v2(ctx.node) && (k == nullptr || s == nullptr)) return {PartialShape{-1, -1, -1, -1}};
  const Window2DAttrs a = pool_attrs_from_values(ctx.node, allow_explicit, k, s);
  const auto d = nn::nhwc_dims(in, a.format);
  return {nn::shape_from_nhwc({d[0], nn::window_output_or_unknown(ctx.node, a, 0, d[1], a.window_h),
                               nn::window_output_or_unknown(ctx.node, a, 1, d[2], a.window_w), d[3]},
                              a.format)};
}

void pool(OpContext& ctx, PoolKind kind, bool allow_explicit) {
  const bool v2 = is_v2(ctx.node());
  nn::check_num_inputs(ctx, v2 ? 3 : 1);
  const Tensor& input = ctx.input(0);
  nn::check_float_input(ctx, input, "input");
  if (input.rank() != 4) throw ctx.error("input must be 4-D, got shape " + input.shape().to_string());
  if (v2) {
    for (int i = 1; i <= 2; ++i)
      if ((ctx.input(i).dtype() != DType::Int32 && ctx.input(i).dtype() != DType::Int64) || ctx.input(i).rank() != 1)
        throw ctx.error(std::string(i == 1 ? "ksize" : "strides") + " must be a 1-D int32 tensor");
  }
  const Window2DAttrs a =
      pool_attrs_from_values(ctx.node(), allow_explicit, v2 ? &ctx.input(1) : nullptr, v2 ? &ctx.input(2) : nullptr);

  const kernels::Pool2DParams p = nn::pool_params(ctx.node(), a, input.shape());

  const Tensor in = a.format == DataFormat::ChannelsFirst ? nn::to_channels_last(input) : input;
  const Shape out_shape{p.batch, p.out_h, p.out_w, p.channels};
  Tensor nchw_out;  // NCHW pools into a temporary, transposed after
  Tensor& out = a.format == DataFormat::ChannelsFirst ? (nchw_out = Tensor(input.dtype(), out_shape))
                                                       : ctx.allocate_output(0, input.dtype(), out_shape);
  nn::with_float_type(ctx, input.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if (kind == PoolKind::Max)
      kernels::max_pool2d_reference(p, in.data<T>(), out.data<T>());
    else
      kernels::avg_pool2d_reference(p, in.data<T>(), out.data<T>());
  });
  if (a.format == DataFormat::ChannelsFirst) ctx.set_output(0, nn::to_channels_first(out));
}

}  // namespace

void register_nn_pool_ops(OpRegistry& r) {
  const std::vector<std::pair<std::string, std::string>> required = {
      {"ksize", "list(int)"}, {"strides", "list(int)"}, {"padding", "string"}};
  r.add({.name = "MaxPool",
         .infer_shapes = [](const ShapeContext& c) { return pool_shape(c, true); },
         .reference = [](OpContext& c) { pool(c, PoolKind::Max, true); },
         .required_attrs = required});
  r.add({.name = "MaxPoolV2",
         .infer_shapes = [](const ShapeContext& c) { return pool_shape(c, false); },
         .reference = [](OpContext& c) { pool(c, PoolKind::Max, false); },
         .required_attrs = {{"padding", "string"}}});
  r.add({.name = "AvgPool",
         .infer_shapes = [](const ShapeContext& c) { return pool_shape(c, false); },
         .reference = [](OpContext& c) { pool(c, PoolKind::Avg, false); },
         .required_attrs = required});
}

}  // namespace frost
