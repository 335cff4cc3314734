#include "runtime/fpga/dpu_ops.h"

#include "runtime/fpga/fix_point.h"
#include "runtime/fpga/partition.h"
#include "runtime/ops/nn_common.h"

namespace frost::fpga {

namespace {

using kernels::DpuActivation;

DpuActivation activation_of(const std::string& op) {
  if (op == "Relu") return DpuActivation::Relu;
  if (op == "Relu6") return DpuActivation::Relu6;
  if (op == "LeakyRelu") return DpuActivation::LeakyRelu;
  return DpuActivation::None;
}

const Tensor& const_value(const Graph& g, const Node& n, int input) {
  const Node* p = constant_input(g, n, input);
  if (!p) throw n.error("input " + std::to_string(input) + " must be a Const for the DPU");
  const Tensor& v = p->attr_tensor("value");
  if (v.dtype() != DType::Float) throw n.error("DPU parameters must be float32");
  return v;
}

// Per-tensor quantisation of a constant at the fix position of its own range.
std::vector<int8_t> quantize_constant(const Tensor& t, int& fp) {
  fp = fix_position_for_range(max_abs(t.data<float>(), t.num_elements()));
  std::vector<int8_t> q(static_cast<size_t>(t.num_elements()));
  quantize(t.data<float>(), t.num_elements(), fp, q.data());
  return q;
}

std::vector<int8_t> quantize_input(const Tensor& t, int fp, const OpContext& ctx) {
  if (t.dtype() != DType::Float) throw ctx.error("the DPU emulator takes float32 inputs, got " + dtype_name(t.dtype()));
  std::vector<int8_t> q(static_cast<size_t>(t.num_elements()));
  quantize(t.data<float>(), t.num_elements(), fp, q.data());
  return q;
}

Tensor float_output(const std::vector<int8_t>& q, int fp, const Shape& shape) {
  Tensor out(DType::Float, shape);
  dequantize(q.data(), out.num_elements(), fp, out.data<float>());
  return out;
}

kernels::DpuOutputParams output_params(const DpuNodeParams& p) {
  kernels::DpuOutputParams o;
  o.in_fp = p.in_fps.at(0);
  o.weight_fp = p.weight_fp;
  o.out_fp = p.out_fp;
  o.bias = p.bias.empty() ? nullptr : p.bias.data();
  o.bias_fp = p.bias_fp;
  o.activation = p.activation;
  return o;
}

void run_conv(OpContext& ctx, const DpuNodeParams& p, const std::string& base) {
  const Node& n = ctx.node();
  const nn::Window2DAttrs a = nn::read_conv_attrs(n);
  const Shape& f = p.weight_shape;
  kernels::DpuOutputParams o = output_params(p);
  std::vector<int8_t> residual;
  if (base == "Conv2DBackpropInput") {
    const Tensor& grad = ctx.input(2);
    const std::vector<int64_t> sizes = ctx.input(0).to_int64_vector();
    if (sizes.size() != 4 || grad.rank() != 4)
      throw ctx.error("the DPU emulator needs 4-D input_sizes and out_backprop");
    kernels::Conv2DParams c = nn::conv_params(n, a, Shape(sizes), f);
    c.out_c = f[3];
    if (c.in_c != f[2] || c.out_h != grad.shape()[1] || c.out_w != grad.shape()[2] || c.out_c != grad.shape()[3] ||
        c.batch != grad.shape()[0])
      throw ctx.error("out_backprop " + grad.shape().to_string() + " does not match input_sizes and filter " +
                      f.to_string());
    const std::vector<int8_t> in = quantize_input(grad, p.in_fps[0], ctx);
    std::vector<int8_t> out(static_cast<size_t>(Shape(sizes).num_elements()));
    kernels::dpu_conv2d_transpose_int8(c, o, in.data(), p.weights.data(), out.data());
    ctx.set_output(0, float_output(out, p.out_fp, Shape(sizes)));
    return;
  }
  const Tensor& input = ctx.input(0);
  if (input.rank() != 4) throw ctx.error("input must be 4-D, got " + input.shape().to_string());
  kernels::Conv2DParams c = nn::conv_params(n, a, input.shape(), f);
  if (base == "DepthwiseConv2dNative") {
    if (c.in_c != f[2]) throw ctx.error("input channels do not match the filter " + f.to_string());
    c.depth_multiplier = f[3];
    c.out_c = c.in_c * f[3];
  } else {
    if (f[2] <= 0 || c.in_c % f[2] != 0) throw ctx.error("input channels do not match the filter " + f.to_string());
    c.groups = c.in_c / f[2];
    c.out_c = f[3];
    if (c.out_c % c.groups != 0) throw ctx.error("output channels are not a multiple of the groups");
  }
  const Shape out_shape{c.batch, c.out_h, c.out_w, c.out_c};
  if (p.in_fps.size() > 1) {  // fused residual Add
    const Tensor& r = ctx.input(3);
    if (r.shape() != out_shape) throw ctx.error("residual shape " + r.shape().to_string() + " differs from the output");
    residual = quantize_input(r, p.in_fps[1], ctx);
    o.residual = residual.data();
    o.residual_fp = p.in_fps[1];
  }
  const std::vector<int8_t> in = quantize_input(input, p.in_fps[0], ctx);
  std::vector<int8_t> out(static_cast<size_t>(out_shape.num_elements()));
  if (base == "DepthwiseConv2dNative")
    kernels::dpu_depthwise_conv2d_int8(c, o, in.data(), p.weights.data(), out.data());
  else
    kernels::dpu_conv2d_int8(c, o, in.data(), p.weights.data(), out.data());
  ctx.set_output(0, float_output(out, p.out_fp, out_shape));
}

void run_fc(OpContext& ctx, const DpuNodeParams& p) {
  const Tensor& input = ctx.input(0);
  kernels::DpuFcParams f{.m = 0, .k = p.weight_shape[0], .n = p.weight_shape[1]};
  if (input.rank() != 2 || input.shape()[1] != f.k)
    throw ctx.error("input " + input.shape().to_string() + " does not match weights [" + std::to_string(f.k) + ", " +
                    std::to_string(f.n) + "]");
  f.m = input.shape()[0];
  const std::vector<int8_t> in = quantize_input(input, p.in_fps[0], ctx);
  std::vector<int8_t> out(static_cast<size_t>(f.m * f.n));
  kernels::dpu_fully_connected_int8(f, output_params(p), in.data(), p.weights.data(), out.data());
  ctx.set_output(0, float_output(out, p.out_fp, Shape{f.m, f.n}));
}

// MaxPool, AvgPool, and Mean over H and W (an average pool over the whole map).
void run_pool(OpContext& ctx, const DpuNodeParams& p, bool max) {
  const Node& n = ctx.node();
  const Tensor& input = ctx.input(0);
  if (input.rank() != 4) throw ctx.error("input must be 4-D, got " + input.shape().to_string());
  const bool global = n.op == "Mean";
  nn::Window2DAttrs a;
  if (global) {
    a.window_h = input.shape()[1];
    a.window_w = input.shape()[2];
  } else {
    a = nn::read_pool_attrs(n, true);
  }
  kernels::Pool2DParams k;
  k.batch = input.shape()[0];
  k.in_h = input.shape()[1];
  k.in_w = input.shape()[2];
  k.channels = input.shape()[3];
  k.window_h = a.window_h;
  k.window_w = a.window_w;
  k.stride_h = a.stride_h;
  k.stride_w = a.stride_w;
  const kernels::WindowDim h = nn::window_dim(n, a, 0, k.in_h, k.window_h);
  const kernels::WindowDim w = nn::window_dim(n, a, 1, k.in_w, k.window_w);
  k.out_h = h.output;
  k.out_w = w.output;
  k.pad_top = h.pad_before;
  k.pad_left = w.pad_before;
  const Shape out_shape{k.batch, k.out_h, k.out_w, k.channels};
  const std::vector<int8_t> in = quantize_input(input, p.in_fps[0], ctx);
  std::vector<int8_t> out(static_cast<size_t>(out_shape.num_elements()));
  if (max) {
    if (p.in_fps[0] != p.out_fp) throw ctx.error("max pooling must keep its input's fix position");
    kernels::dpu_max_pool_int8(k, in.data(), out.data());
  } else {
    kernels::dpu_avg_pool_int8(k, p.in_fps[0], p.out_fp, in.data(), out.data());
  }
  const bool keep = n.attr_bool_or("keep_dims", false);
  ctx.set_output(0, float_output(out, p.out_fp, global && !keep ? Shape{k.batch, k.channels} : out_shape));
}

// Same shapes, or one side a per-channel constant (see partition.cc), tiled
// over the other's elements: on the DPU a depthwise 1x1 scale or offset.
void run_eltwise(OpContext& ctx, const DpuNodeParams& p, bool add) {
  const Tensor &a = ctx.input(0), &b = ctx.input(1);
  const Tensor& big = a.num_elements() >= b.num_elements() ? a : b;
  std::vector<int8_t> qa = quantize_input(a, p.in_fps[0], ctx), qb = quantize_input(b, p.in_fps[1], ctx);
  if (a.shape() != b.shape()) {
    std::vector<int8_t>& small = &big == &a ? qb : qa;
    const int64_t channels = static_cast<int64_t>(small.size());
    if (big.rank() < 1 || channels == 0 || big.shape()[big.rank() - 1] != channels)
      throw ctx.error("the DPU adds/multiplies equal shapes or a per-channel constant, got " + a.shape().to_string() +
                      " and " + b.shape().to_string());
    std::vector<int8_t> tiled(static_cast<size_t>(big.num_elements()));
    for (size_t i = 0; i < tiled.size(); ++i) tiled[i] = small[i % static_cast<size_t>(channels)];
    small = std::move(tiled);
  }
  std::vector<int8_t> out(qa.size());
  const kernels::DpuEltwiseParams e{.count = big.num_elements(),
                                    .a_fp = p.in_fps[0],
                                    .b_fp = p.in_fps[1],
                                    .out_fp = p.out_fp,
                                    .activation = DpuActivation::None};
  if (add)
    kernels::dpu_add_int8(e, qa.data(), qb.data(), out.data());
  else
    kernels::dpu_mul_int8(e, qa.data(), qb.data(), out.data());
  ctx.set_output(0, float_output(out, p.out_fp, big.shape()));
}

void run_concat(OpContext& ctx, const DpuNodeParams& p) {
  const int count = ctx.num_inputs() - 1;
  const Tensor& first = ctx.input(0);
  int64_t axis = ctx.input(count).as_int64(0);
  if (axis < 0) axis += first.rank();
  if (axis < 0 || axis >= first.rank()) throw ctx.error("concat axis out of range for " + first.shape().to_string());
  std::vector<int64_t> dims = first.shape().dims();
  dims[static_cast<size_t>(axis)] = 0;
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= first.shape()[static_cast<int>(d)];
  std::vector<std::vector<int8_t>> qs;
  std::vector<const int8_t*> ptrs;
  std::vector<int64_t> widths;
  for (int i = 0; i < count; ++i) {
    const Tensor& t = ctx.input(i);
    if (t.rank() != first.rank()) throw ctx.error("concat inputs differ in rank");
    for (int d = 0; d < t.rank(); ++d)
      if (d != axis && t.shape()[d] != first.shape()[d]) throw ctx.error("concat inputs differ off the axis");
    dims[static_cast<size_t>(axis)] += t.shape()[static_cast<int>(axis)];
    qs.push_back(quantize_input(t, p.in_fps[static_cast<size_t>(i)], ctx));
    widths.push_back(outer > 0 ? t.num_elements() / outer : 0);
  }
  for (const auto& q : qs) ptrs.push_back(q.data());
  const Shape out_shape(dims);
  std::vector<int8_t> out(static_cast<size_t>(out_shape.num_elements()));
  const kernels::DpuConcatParams c{
      .outer = outer, .num_inputs = count, .widths = widths.data(), .in_fps = p.in_fps.data(), .out_fp = p.out_fp};
  kernels::dpu_concat_int8(c, ptrs.data(), out.data());
  ctx.set_output(0, float_output(out, p.out_fp, out_shape));
}

void run_activation(OpContext& ctx, const DpuNodeParams& p, DpuActivation act) {
  const Tensor& input = ctx.input(0);
  const std::vector<int8_t> in = quantize_input(input, p.in_fps[0], ctx);
  std::vector<int8_t> out(in.size());
  kernels::dpu_activation_int8(input.num_elements(), p.in_fps[0], p.out_fp, act, in.data(), out.data());
  ctx.set_output(0, float_output(out, p.out_fp, input.shape()));
}

// Pad and Reshape only move values: the float kernel on the snapped input is
// exactly the int8 result (zero padding is q = 0).
void run_data_movement(OpContext& ctx, const DpuNodeParams& p, const KernelFn& reference) {
  std::vector<Tensor> inputs(ctx.inputs().begin(), ctx.inputs().end());
  inputs[0] = float_output(quantize_input(inputs[0], p.in_fps[0], ctx), p.in_fps[0], inputs[0].shape());
  std::vector<Tensor> outs(static_cast<size_t>(ctx.num_outputs()));
  OpContext inner(ctx.node(), inputs, outs);
  reference(inner);
  ctx.set_output(0, outs.at(0));
}

}  // namespace

DpuNodeParams prepare_dpu_node(const Graph& g, const Node& n, const std::map<TensorId, int>& activation_fps) {
  DpuNodeParams p;
  for (int i : activation_inputs(n)) p.in_fps.push_back(activation_fps.at(n.input(i)));
  p.out_fp = activation_fps.at(TensorId{n.name, 0, false});
  const std::string base = dpu_base_op(n.op);
  if (base == "Conv2D" || base == "DepthwiseConv2dNative" || base == "Conv2DBackpropInput" || base == "MatMul") {
    const Tensor& w = const_value(g, n, 1);
    p.weights = quantize_constant(w, p.weight_fp);
    p.weight_shape = w.shape();
    if (base == "MatMul" && n.attr_bool_or("transpose_b", false)) {  // store [K, N]
      const int64_t rows = w.shape()[0], cols = w.shape()[1];
      std::vector<int8_t> t(p.weights.size());
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c)
          t[static_cast<size_t>(c * rows + r)] = p.weights[static_cast<size_t>(r * cols + c)];
      p.weights = std::move(t);
      p.weight_shape = Shape{cols, rows};
    }
    const std::vector<std::string> fused =
        n.has_attr("fused_ops") ? n.attr("fused_ops").list_s() : std::vector<std::string>{};
    if (!fused.empty() && fused[0] == "BiasAdd") p.bias = quantize_constant(const_value(g, n, 2), p.bias_fp);
    if (!fused.empty()) p.activation = activation_of(fused.back());
  }
  return p;
}

KernelFn dpu_kernel(const Node& n, std::shared_ptr<const DpuNodeParams> params, KernelFn reference) {
  const std::string base = dpu_base_op(n.op);
  return [base, params, reference](OpContext& ctx) {
    const DpuNodeParams& p = *params;
    if (base == "Conv2D" || base == "DepthwiseConv2dNative" || base == "Conv2DBackpropInput")
      return run_conv(ctx, p, base);
    if (base == "MatMul") return run_fc(ctx, p);
    if (base == "MaxPool" || base == "AvgPool") return run_pool(ctx, p, base == "MaxPool");
    if (base == "Add" || base == "Mul") return run_eltwise(ctx, p, base == "Add");
    if (base == "ConcatV2") return run_concat(ctx, p);
    if (base == "Relu" || base == "Relu6") return run_activation(ctx, p, activation_of(base));
    if (base == "LeakyRelu") return run_activation(ctx, p, DpuActivation::LeakyRelu);
    if (base == "Pad" || base == "Reshape") return run_data_movement(ctx, p, reference);
    throw ctx.error("the DPU emulator has no kernel for " + base);
  };
}

}  // namespace frost::fpga
