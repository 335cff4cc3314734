#include "runtime/cpu_backend.h"

#include <optional>

#include "kernels/conv_simd.h"
#include "kernels/gemm.h"
#include "runtime/cpu_lower_conv_transpose.h"
#include "runtime/cpu_lowerings.h"
#include "runtime/packed_weights.h"
#include "runtime/ops/nn_common.h"

namespace frost {

namespace {

using kernels::Activation;
using kernels::GemmEpilogue;

// What follows the contraction in a node (plain or _Fused*), in GEMM-epilogue
// terms; nullopt when the epilogue cannot express it (FusedBatchNorm args...).
struct Fusion {
  bool bias = false, residual = false;
  Activation activation = Activation::kNone;
  float alpha = 0;
};

std::optional<Fusion> read_fusion(const Node& n) {
  Fusion f;
  if (n.op[0] != '_') return f;
  const std::vector<std::string> ops = n.has_attr("fused_ops") ? n.attr("fused_ops").list_s() : std::vector<std::string>{};
  size_t i = 0;
  if (i < ops.size() && ops[i] == "BiasAdd") f.bias = true, ++i;
  if (f.bias && i < ops.size() && ops[i] == "Add") f.residual = true, ++i;
  if (i < ops.size()) {
    const std::string& a = ops[i++];
    if (a == "Relu") f.activation = Activation::kRelu;
    else if (a == "Relu6") f.activation = Activation::kRelu6;
    else if (a == "Elu") f.activation = Activation::kElu, f.alpha = 1.0f;
    else if (a == "LeakyRelu") f.activation = Activation::kLeakyRelu, f.alpha = n.attr_float_or("leakyrelu_alpha", 0.2f);
    else if (a == "Sigmoid") f.activation = Activation::kSigmoid;
    else if (a == "Tanh") f.activation = Activation::kTanh;
    else return std::nullopt;
  }
  if (i != ops.size()) return std::nullopt;
  const int64_t args = (f.bias ? 1 : 0) + (f.residual ? 1 : 0);
  if (n.attr_int_or("num_args", 0) != args) return std::nullopt;
  return f;
}

// The epilogue for an output viewed as rows × `columns`; validates the args.
GemmEpilogue epilogue(const OpContext& ctx, const Fusion& f, const Shape& out_shape, int64_t columns) {
  GemmEpilogue ep;
  int next = 2;
  if (f.bias) {
    const Tensor& bias = ctx.input(next++);
    if (bias.dtype() != DType::Float || bias.num_elements() != columns)
      throw ctx.error("bias has shape " + bias.shape().to_string() + ", expected [" + std::to_string(columns) + "]");
    ep.bias = bias.data<float>();
  }
  if (f.residual) {
    const Tensor& r = ctx.input(next++);
    if (r.dtype() != DType::Float || r.shape() != out_shape)
      throw ctx.error("residual has shape " + r.shape().to_string() + ", expected " + out_shape.to_string());
    ep.residual = r.data<float>();
    ep.ldr = columns;
  }
  ep.activation = f.activation;
  ep.alpha = f.alpha;
  return ep;
}

// Conv2D geometry from the node's attrs and the input/filter shapes (NHWC).
kernels::Conv2DParams conv_params(const Node& n, const Shape& input, const Shape& filter, bool depthwise) {
  kernels::Conv2DParams p = nn::conv_params(n, nn::read_conv_attrs(n), input, filter);
  p.depth_multiplier = depthwise ? filter[3] : 1;
  p.out_c = depthwise ? p.in_c * filter[3] : filter[3];
  return p;
}

bool float_nhwc(const Node& n) {
  return element_type_is_float(n) && n.attr_string_or("data_format", "NHWC") == "NHWC";
}

// Falls back to the reference kernel for inputs the lowering does not take
// (checked at run time: shapes are only known then).
KernelFn conv_kernel(const OpDef& def, Fusion f, bool constant_filter) {
  auto packed = std::make_shared<PackedWeights>();
  return [&def, f, constant_filter, packed](OpContext& ctx) {
    const Tensor &x = ctx.input(0), &w = ctx.input(1);
    if (x.dtype() != DType::Float || w.dtype() != DType::Float || x.rank() != 4 || w.rank() != 4 ||
        w.shape()[2] <= 0 || x.shape()[3] % w.shape()[2] != 0)
      return def.reference(ctx);  // malformed: the reference validates and reports
    kernels::Conv2DParams p = conv_params(ctx.node(), x.shape(), w.shape(), false);
    // Grouped (filter in-depth C / G, as group_convolutions writes it): a GEMM per group.
    p.groups = x.shape()[3] / w.shape()[2];
    if (p.out_c % p.groups != 0) return def.reference(ctx);
    const auto pack = [&](float* out) { kernels::conv2d_pack_filter(p, w.data<float>(), out); };
    const size_t floats = kernels::conv2d_packed_filter_floats(p);
    std::vector<int64_t> filter_key = w.shape().dims();
    filter_key.push_back(p.groups);  // the packing depends on the group count
    const PackedWeights::Buffer filter =
        constant_filter ? packed->get(w.raw_data(), filter_key, floats, pack) : pack_once(floats, pack);
    const Shape out_shape{p.batch, p.out_h, p.out_w, p.out_c};
    const GemmEpilogue ep = epilogue(ctx, f, out_shape, p.out_c);
    Tensor& y = ctx.allocate_output(0, DType::Float, out_shape);
    kernels::conv2d_f32(p, x.data<float>(), filter->data(), y.data<float>(), ep);
  };
}

KernelFn depthwise_kernel(const OpDef& def, Fusion f) {
  return [&def, f](OpContext& ctx) {
    const Tensor &x = ctx.input(0), &w = ctx.input(1);
    if (x.dtype() != DType::Float || w.dtype() != DType::Float || x.rank() != 4 || w.rank() != 4 ||
        w.shape()[2] != x.shape()[3])
      return def.reference(ctx);
    const kernels::Conv2DParams p = conv_params(ctx.node(), x.shape(), w.shape(), true);
    const Shape out_shape{p.batch, p.out_h, p.out_w, p.out_c};
    const GemmEpilogue ep = epilogue(ctx, f, out_shape, p.out_c);
    Tensor& y = ctx.allocate_output(0, DType::Float, out_shape);
    kernels::depthwise_conv2d_f32(p, x.data<float>(), w.data<float>(), y.data<float>(), ep);
  };
}

KernelFn matmul_kernel(const OpDef& def, Fusion f, bool constant_b) {
  auto packed = std::make_shared<PackedWeights>();
  return [&def, f, constant_b, packed](OpContext& ctx) {
    const Tensor &a = ctx.input(0), &b = ctx.input(1);
    const bool tb = ctx.node().attr_bool_or("transpose_b", false);
    if (a.dtype() != DType::Float || b.dtype() != DType::Float || a.rank() != 2 || b.rank() != 2 ||
        a.shape()[1] != (tb ? b.shape()[1] : b.shape()[0]))
      return def.reference(ctx);
    kernels::GemmShape s;
    s.m = a.shape()[0];
    s.k = a.shape()[1];
    s.n = tb ? b.shape()[0] : b.shape()[1];
    s.trans_b = tb;
    s.lda = s.k;
    s.ldb = b.shape()[1];
    s.ldc = s.n;
    const auto pack = [&](float* out) { kernels::gemm_pack_b(s, b.data<float>(), out); };
    const size_t floats = kernels::gemm_packed_b_floats(s.n, s.k);
    const PackedWeights::Buffer packed_b = constant_b ? packed->get(b.raw_data(), {s.n, s.k, s.trans_b}, floats, pack)
                                                      : pack_once(floats, pack);
    const Shape out_shape{s.m, s.n};
    const GemmEpilogue ep = epilogue(ctx, f, out_shape, s.n);
    Tensor& c = ctx.allocate_output(0, DType::Float, out_shape);
    kernels::gemm_f32_packed(s, a.data<float>(), packed_b->data(), c.data<float>(), ep);
  };
}

}  // namespace

bool CpuBackend::input_is_constant(const Node& n, int input) const {
  if (input >= n.num_data_inputs()) return false;
  const Node* p = graph_.find(n.input(input).node);
  return p && p->op == "Const";
}

KernelFn CpuBackend::kernel_for(const Node& n, const OpDef& def) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (const auto it = kernels_.find(n.name); it != kernels_.end()) return it->second;
  KernelFn k = def.reference;
  const std::optional<Fusion> f = read_fusion(n);
  if (f && float_nhwc(n)) {
    if (n.op == "Conv2D" || n.op == "_FusedConv2D") k = conv_kernel(def, *f, input_is_constant(n, 1));
    else if (n.op == "DepthwiseConv2dNative" || n.op == "_FusedDepthwiseConv2dNative") k = depthwise_kernel(def, *f);
    else if ((n.op == "MatMul" || n.op == "_FusedMatMul") && !n.attr_bool_or("transpose_a", false))
      k = matmul_kernel(def, *f, input_is_constant(n, 1));
  }
  if (KernelFn t = lower_conv2d_backprop_input(n, def, input_is_constant(n, 1))) k = std::move(t);
  if (KernelFn v = lower_pool(n, def)) k = std::move(v);
  if (KernelFn v = lower_elementwise(n, def)) k = std::move(v);
  if (KernelFn v = lower_activation(n, def)) k = std::move(v);
  if (KernelFn v = lower_transpose(n, def)) k = std::move(v);
  if (k.target_type() != def.reference.target_type()) ++lowered_;
  kernels_[n.name] = k;
  return k;
}

}  // namespace frost
