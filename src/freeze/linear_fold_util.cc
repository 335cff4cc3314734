#include "freeze/linear_fold_util.h"

#include "freeze/rewrite_util.h"

namespace frost {

std::optional<LinearOp> as_linear_op(Graph& g, const std::string& tensor_name) {
  const TensorId id = TensorId::parse(tensor_name);
  if (id.control || id.index != 0) return std::nullopt;
  Node* n = g.find(id.node);
  if (!n || n->num_data_inputs() < 2) return std::nullopt;
  LinearOp op;
  op.node = n;
  op.weights = const_input(g, *n, 1);
  if (!op.weights || (op.weights->dtype() != DType::Float && op.weights->dtype() != DType::Double))
    return std::nullopt;
  const Shape& w = op.weights->shape();
  if (n->op == "Conv2D" || n->op == "DepthwiseConv2dNative") {
    if (w.rank() != 4) return std::nullopt;
    op.out_rank = 4;
    op.data_format = n->attr_string_or("data_format", "NHWC");
    op.channels = n->op == "Conv2D" ? w.dim(3) : w.dim(2) * w.dim(3);
  } else if (n->op == "MatMul") {
    if (w.rank() != 2) return std::nullopt;
    op.out_rank = 2;
    op.channels = n->attr_bool_or("transpose_b", false) ? w.dim(0) : w.dim(1);
  } else {
    return std::nullopt;
  }
  return op;
}

Tensor scale_weights(const LinearOp& op, const std::vector<double>& scale) {
  const Tensor& w = *op.weights;
  Tensor out = w.clone();
  const int64_t n = w.num_elements();
  const bool rows = op.node->op == "MatMul" && op.node->attr_bool_or("transpose_b", false);
  const int64_t inner = rows ? w.shape().dim(1) : 1;
  for (int64_t e = 0; e < n; ++e) {
    // Channel is the fastest-varying index group except for transposed MatMul.
    const int64_t c = rows ? e / inner : e % op.channels;
    if (w.dtype() == DType::Float)
      out.data<float>()[e] = static_cast<float>(static_cast<double>(w.data<float>()[e]) * scale[static_cast<size_t>(c)]);
    else
      out.data<double>()[e] = w.data<double>()[e] * scale[static_cast<size_t>(c)];
  }
  return out;
}

std::optional<std::vector<double>> per_channel(const Tensor& c, int64_t channels, int out_rank) {
  if (!dtype_is_float(c.dtype()) || c.rank() > out_rank) return std::nullopt;
  const int64_t count = c.num_elements();
  if (count != 1 && count != channels) return std::nullopt;
  for (int i = 0; i + 1 < c.rank(); ++i)
    if (c.shape().dim(i) != 1) return std::nullopt;
  if (count != 1 && c.shape().dim(c.rank() - 1) != channels) return std::nullopt;
  std::vector<double> values(static_cast<size_t>(channels));
  for (int64_t i = 0; i < channels; ++i) values[static_cast<size_t>(i)] = c.as_double(count == 1 ? 0 : i);
  return values;
}

Tensor float_vector(const std::vector<double>& values, DType dtype) {
  Tensor t(dtype, Shape{static_cast<int64_t>(values.size())});
  for (size_t i = 0; i < values.size(); ++i) {
    if (dtype == DType::Double) t.data<double>()[i] = values[i];
    else t.data<float>()[i] = static_cast<float>(values[i]);
  }
  return t;
}

std::string add_const(Graph& g, const std::string& base, const Tensor& value) {
  const std::string name = unique_name(g, base);
  g.add(make_const(name, value));
  return name;
}

void become_bias_add(Node& n, const std::string& input, const std::string& bias, DType t,
                     const std::string& data_format) {
  std::vector<std::string> controls = control_inputs(n);
  n.op = "BiasAdd";
  n.inputs = {input, bias};
  n.attrs = {{"T", t}, {"data_format", data_format}};
  add_control_inputs(n, controls);
}

}  // namespace frost
