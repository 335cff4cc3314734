#include "runtime/fpga/dpu_rules.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "graph/activation_ops.h"
#include "runtime/ops/nn_common.h"

namespace frost::fpga {

namespace {

bool is_conv_like(const std::string& base) {
  return base == "Conv2D" || base == "DepthwiseConv2dNative" || base == "Conv2DBackpropInput";
}

std::vector<std::string> fused_ops_of(const Node& n) {
  return n.has_attr("fused_ops") ? n.attr("fused_ops").list_s() : std::vector<std::string>{};
}

// A partial shape as text, for reasons.
std::string shape_text(const PartialShape& s) { return s.to_string(); }

int64_t known_or_one(int64_t d) { return d < 0 ? 1 : d; }

int64_t elements(const PartialShape& s) {
  if (!s.known_rank()) return 1;
  int64_t n = 1;
  for (int i = 0; i < s.rank(); ++i) n *= known_or_one(s.dim(i));
  return n;
}

struct Shapes {
  const Graph& g;
  const std::map<TensorId, InferredTensor>& inferred;

  PartialShape of(const Node& n, int input) const {
    if (const Node* c = constant_input(g, n, input); c && c->has_attr("value")) return c->attr_tensor("value").shape();
    const TensorId id = n.input(input);
    const auto it = inferred.find(TensorId{id.node, id.index, false});
    return it == inferred.end() ? PartialShape::unknown() : it->second.shape;
  }
  PartialShape output(const Node& n) const {
    const auto it = inferred.find(TensorId{n.name, 0, false});
    return it == inferred.end() ? PartialShape::unknown() : it->second.shape;
  }
  const Node* producer(const Node& n, int input) const { return g.find(n.input(input).node); }
  bool constant(const Node& n, int input) const { return constant_input(g, n, input) != nullptr; }
};

std::string check_range(const Range& r, int64_t v, const std::string& what) {
  if (v < 0 || r.contains(v)) return "";
  return what + " " + std::to_string(v) + " outside the DPU's " + r.to_string();
}

// Vitis AI maps a LeakyRelu of slope 0.1 onto the DPU's 26/256; other slopes stay on the CPU.
std::string leaky_alpha_rejection(double alpha, const DpuArch& arch) {
  if (std::fabs(alpha - arch.leaky_relu_alpha) <= 0.01) return "";
  return "LeakyRelu alpha " + std::to_string(alpha) + " differs from the DPU's " +
         std::to_string(arch.leaky_relu_alpha);
}

// What a _Fused* contraction applies after its sums: a constant bias, a
// residual Add where the rule allows one, an activation the rule lists.
std::string fused_ops_rejection(const Node& n, const DpuOpRule& rule, const DpuArch& arch, const Shapes& s) {
  for (const std::string& step : fused_ops_of(n)) {
    if (step == "BiasAdd") {
      if (!s.constant(n, 2)) return "bias is not constant";
    } else if (step == "Add") {
      if (!rule.residual_add) return "fused residual Add is not supported by the DPU for this op";
    } else if (step == "Relu" || step == "Relu6" || step == "LeakyRelu") {
      if (std::find(rule.activations.begin(), rule.activations.end(), step) == rule.activations.end())
        return "fused activation " + step + " is not supported by the DPU for this op";
      if (step == "LeakyRelu")
        if (std::string r = leaky_alpha_rejection(fused_activation_alpha(n, *find_activation_op(step)), arch);
            !r.empty())
          return r;
    } else {
      return "fused " + step + " is not supported by the DPU";
    }
  }
  return "";
}

// Kernel size / stride / dilation / channel checks of a convolution or pool.
std::string check_window(const DpuOpRule& rule, const DpuArch& arch, int64_t kh, int64_t kw, int64_t sh, int64_t sw,
                         int64_t dh, int64_t dw) {
  for (const auto& [v, what] :
       std::vector<std::pair<int64_t, std::string>>{{kh, "kernel height"}, {kw, "kernel width"}}) {
    if (std::string r = check_range(rule.kernel, v, what); !r.empty()) return r;
    if (!rule.kernel_sizes.empty() && v >= 0 &&
        std::find(rule.kernel_sizes.begin(), rule.kernel_sizes.end(), v) == rule.kernel_sizes.end()) {
      std::string allowed;
      for (int64_t k : rule.kernel_sizes) {
        if (!allowed.empty()) allowed += "/";
        allowed += std::to_string(k);
      }
      return "kernel " + std::to_string(kh) + "x" + std::to_string(kw) + " (the DPU takes " + allowed + " only)";
    }
  }
  if (rule.square_kernel && kh != kw)
    return "kernel " + std::to_string(kh) + "x" + std::to_string(kw) + " is not square";
  for (const auto& [v, what] : std::vector<std::pair<int64_t, std::string>>{{sh, "stride"}, {sw, "stride"}})
    if (std::string r = check_range(arch.stride, v, what); !r.empty()) return r;
  for (const auto& [v, what] : std::vector<std::pair<int64_t, std::string>>{{dh, "dilation"}, {dw, "dilation"}})
    if (std::string r = check_range(arch.dilation, v, what); !r.empty()) return r;
  return "";
}

std::string conv_rejection(const Node& n, const std::string& base, const DpuOpRule& rule, const DpuArch& arch,
                           const Shapes& s) {
  const int filter_input = 1;
  if (!s.constant(n, filter_input)) return "weights are not constant";
  const PartialShape f = s.of(n, filter_input);
  if (!f.known_rank() || f.rank() != 4) return "filter shape " + shape_text(f) + " is not 4-D";
  const nn::Window2DAttrs a = nn::read_conv_attrs(n);
  if (std::string r = check_window(rule, arch, f.dim(0), f.dim(1), a.stride_h, a.stride_w, a.dilation_h, a.dilation_w);
      !r.empty())
    return r;
  // Filters are HWIO ([H, W, C, multiplier] for depthwise; [H, W, result, grad] for the transposed form).
  if (std::string r = check_range(arch.channels, f.dim(2), "input channels"); !r.empty()) return r;
  if (std::string r = check_range(arch.channels, base == "DepthwiseConv2dNative" ? f.dim(2) * f.dim(3) : f.dim(3),
                                  "output channels");
      !r.empty())
    return r;
  return fused_ops_rejection(n, rule, arch, s);
}

std::string matmul_rejection(const Node& n, const DpuOpRule& rule, const DpuArch& arch, const Shapes& s) {
  if (n.attr_bool_or("transpose_a", false)) return "MatMul with transpose_a";
  if (!s.constant(n, 1)) return "weights are not constant (only fully-connected MatMul runs on the DPU)";
  const PartialShape w = s.of(n, 1);
  if (!w.known_rank() || w.rank() != 2) return "weights are not 2-D";
  const bool tb = n.attr_bool_or("transpose_b", false);
  if (std::string r = check_range(arch.channels, w.dim(tb ? 1 : 0), "input features"); !r.empty()) return r;
  if (std::string r = check_range(arch.channels, w.dim(tb ? 0 : 1), "output features"); !r.empty()) return r;
  return fused_ops_rejection(n, rule, arch, s);
}

std::string pool_rejection(const Node& n, const DpuOpRule& rule, const DpuArch& arch) {
  const nn::Window2DAttrs a = nn::read_pool_attrs(n, true);
  return check_window(rule, arch, a.window_h, a.window_w, a.stride_h, a.stride_w, 1, 1);
}

// Whether input `c` of `n` is a Const of C values and the other input has C
// channels (last dim): a per-channel scale or offset, e.g. a batch norm left
// after a ReLU, which the DPU runs as a depthwise 1x1 (Vitis AI's "scale").
bool per_channel_constant(const Node& n, int c, const Shapes& s) {
  const Node* p = constant_input(s.g, n, c);
  if (!p || !p->has_attr("value")) return false;
  const Tensor& v = p->attr_tensor("value");
  for (int i = 0; i + 1 < v.rank(); ++i)
    if (v.shape()[i] != 1) return false;
  if (v.rank() < 1) return false;
  if (n.op == "BiasAdd") return c == 1;  // TensorFlow checks bias length == channels
  const PartialShape other = s.of(n, 1 - c);
  return other.known_rank() && other.rank() >= v.rank() && other.dim(other.rank() - 1) == v.shape()[v.rank() - 1];
}

// Mean over H and W of an NHWC tensor runs as an average pool whose window
// is the whole feature map, so the AvgPool kernel limits apply to H and W.
std::string global_pool_rejection(const Node& n, const DpuOpRule& rule, const DpuArch& arch, const Shapes& s) {
  if (!s.constant(n, 1)) return "Mean axes are not constant";
  std::vector<int64_t> axes = constant_input(s.g, n, 1)->attr_tensor("value").to_int64_vector();
  const PartialShape in = s.of(n, 0);
  if (!in.known_rank() || in.rank() != 4) return "Mean of a tensor that is not 4-D";
  for (int64_t& a : axes)
    if (a < 0) a += 4;
  std::sort(axes.begin(), axes.end());
  if (axes != std::vector<int64_t>{1, 2}) return "Mean over axes other than H and W";
  if (in.dim(1) < 0 || in.dim(2) < 0) return "Mean over a feature map of unknown size";
  return check_window(rule, arch, in.dim(1), in.dim(2), 1, 1, 1, 1);
}

std::string eltwise_rejection(const Node& n, const Shapes& s) {
  if (n.num_data_inputs() != 2) return "needs two inputs";
  if (per_channel_constant(n, 0, s) || per_channel_constant(n, 1, s)) return "";
  const PartialShape a = s.of(n, 0), b = s.of(n, 1);
  const std::string why = "broadcasting " + n.op + " (shapes " + shape_text(a) + " and " + shape_text(b) + ")";
  if (!a.known_rank() || !b.known_rank() || a.rank() != b.rank()) return why;
  for (int i = 0; i < a.rank(); ++i)
    if (a.dim(i) != b.dim(i) && !(i == 0 && (a.dim(0) < 0 || b.dim(0) < 0))) return why;
  return "";
}

std::string reshape_rejection(const Node& n, const Shapes& s) {
  const PartialShape in = s.of(n, 0), out = s.output(n);
  if (!in.known_rank() || !out.known_rank() || in.rank() < 1 || out.rank() < 1) return "reshape of unknown shape";
  // On the DPU a reshape is free when each batch item keeps its data in
  // row-major order (NHWC flattening for a fully-connected layer, squeezes).
  if (in.dim(0) != out.dim(0) && !(in.dim(0) < 0 && out.dim(0) < 0))
    return "reshape changes the batch dimension (" + shape_text(in) + " -> " + shape_text(out) + ")";
  return "";
}

std::string op_rejection(const Node& n, const DpuArch& arch, const Shapes& s) {
  const std::string base = dpu_base_op(n.op);
  const DpuOpRule* rule = arch.rule(base);
  if (!rule) return "op " + n.op + " is not supported by the DPU (arch " + arch.name + ")";
  const DType t = n.attr_type_or("T", DType::Float);
  if (t != DType::Float) return "dtype " + dtype_name(t) + " (the DPU runs float models quantised to int8)";
  if (n.has_attr("data_format") && n.attr_string("data_format") != "NHWC")
    return "data_format " + n.attr_string("data_format") + " (the DPU takes NHWC)";
  for (int i : activation_inputs(n)) {
    const Node* p = s.producer(n, i);
    if (!p) return "input " + std::to_string(i) + " has no producer";
  }
  if (is_conv_like(base)) return conv_rejection(n, base, *rule, arch, s);
  if (base == "MatMul") return matmul_rejection(n, *rule, arch, s);
  if (n.op == "Mean") return global_pool_rejection(n, *rule, arch, s);
  if (base == "MaxPool" || base == "AvgPool") return pool_rejection(n, *rule, arch);
  if (base == "Add" || base == "Mul") return eltwise_rejection(n, s);
  if (base == "ConcatV2") {
    if (!s.constant(n, n.num_data_inputs() - 1)) return "concat axis is not constant";
    return "";
  }
  if (base == "Pad") return s.constant(n, 1) ? "" : "paddings are not constant";
  if (base == "Reshape") return reshape_rejection(n, s);
  if (base == "LeakyRelu") return leaky_alpha_rejection(activation_alpha(n, *find_activation_op(base)), arch);
  return "";
}

int64_t macs_of(const Node& n, const Shapes& s) {
  const std::string base = dpu_base_op(n.op);
  const PartialShape out = s.output(n);
  if (base == "Conv2D" || base == "DepthwiseConv2dNative") {
    const PartialShape f = s.of(n, 1);
    if (!f.known_rank() || f.rank() != 4) return 0;
    const int64_t taps = known_or_one(f.dim(0)) * known_or_one(f.dim(1));
    return elements(out) * taps * (base == "Conv2D" ? known_or_one(f.dim(2)) : 1);
  }
  if (base == "Conv2DBackpropInput") {
    const PartialShape f = s.of(n, 1), grad = s.of(n, 2);
    if (!f.known_rank() || f.rank() != 4) return 0;
    return elements(grad) * known_or_one(f.dim(0)) * known_or_one(f.dim(1)) * known_or_one(f.dim(2));
  }
  if (base == "MatMul") {
    // M x K x N, from the weights when the activation's shape is unknown (inside loops).
    const PartialShape a = s.of(n, 0), w = s.of(n, 1);
    const bool ta = n.attr_bool_or("transpose_a", false);
    const int64_t m = a.known_rank() && a.rank() == 2 ? known_or_one(a.dim(ta ? 1 : 0)) : 1;
    if (w.known_rank() && w.rank() == 2) return m * known_or_one(w.dim(0)) * known_or_one(w.dim(1));
    if (!a.known_rank() || a.rank() != 2) return 0;
    return elements(out) * known_or_one(a.dim(ta ? 0 : 1));
  }
  return 0;
}

int64_t param_bytes_of(const Graph& g, const Node& n) {
  int64_t bytes = 0;
  const std::string base = dpu_base_op(n.op);
  const std::vector<int> acts = activation_inputs(n);
  for (int i = 0; i < n.num_data_inputs(); ++i) {
    const Node* p = constant_input(g, n, i);
    // Weights, bias and per-channel constants (Mul/Add) are int8 on the DPU;
    // shape, axis and padding constants are not parameters.
    if (base == "Add" || base == "Mul") {
      if (p && p->has_attr("value")) bytes += p->attr_tensor("value").num_elements();
      continue;
    }
    if (std::find(acts.begin(), acts.end(), i) != acts.end()) continue;
    if (base == "Conv2DBackpropInput" && i == 0) continue;  // input_sizes
    const bool weight_or_bias = is_conv_like(base) || base == "MatMul";
    if (p && weight_or_bias && p->has_attr("value"))
      bytes += p->attr_tensor("value").num_elements();
  }
  return bytes;
}

}  // namespace

const Node* constant_input(const Graph& g, const Node& n, int input) {
  const Node* p = g.find(n.input(input).node);
  for (int hops = 0; p && hops < 8 && (p->op == "Enter" || p->op == "Identity") && p->num_data_inputs() >= 1; ++hops)
    p = g.find(p->input(0).node);
  return p && p->op == "Const" ? p : nullptr;
}

std::string dpu_base_op(const std::string& op) {
  if (op == "_FusedConv2D") return "Conv2D";
  if (op == "_FusedDepthwiseConv2dNative") return "DepthwiseConv2dNative";
  if (op == "_FusedMatMul") return "MatMul";
  if (op == "AddV2" || op == "BiasAdd") return "Add";  // a BiasAdd is a per-channel Add
  if (op == "Mean") return "AvgPool";                  // over H and W: global average pooling
  return op;
}

std::vector<int> activation_inputs(const Node& n) {
  const std::string base = dpu_base_op(n.op);
  if (base == "Conv2DBackpropInput") return {2};
  if (base == "Add" || base == "Mul") return {0, 1};
  if (base == "ConcatV2") {
    std::vector<int> v(static_cast<size_t>(std::max(0, n.num_data_inputs() - 1)));
    std::iota(v.begin(), v.end(), 0);
    return v;
  }
  if (base == "Conv2D") {
    const std::vector<std::string> fused = fused_ops_of(n);
    // ["BiasAdd", "Add", ...]: args are [bias, residual] after the two base inputs.
    if (fused.size() >= 2 && fused[1] == "Add") return {0, 3};
  }
  return {0};
}

std::string dpu_rejection(const Graph& g, const Node& n, const DpuArch& arch,
                          const std::map<TensorId, InferredTensor>& shapes) {
  try {
    return op_rejection(n, arch, Shapes{g, shapes});
  } catch (const Error& e) {
    return "cannot read its attributes: " + e.message();
  }
}

int64_t dpu_node_macs(const Graph& g, const Node& n, const std::map<TensorId, InferredTensor>& shapes) {
  return macs_of(n, Shapes{g, shapes});
}

int64_t dpu_node_param_bytes(const Graph& g, const Node& n) { return param_bytes_of(g, n); }

}  // namespace frost::fpga
