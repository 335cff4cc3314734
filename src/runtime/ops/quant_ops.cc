// Quantisation ops: Dequantize, QuantizeV2, QuantizedMatMul, Requantize,
// RequantizationRange, QuantizedRelu, QuantizedRelu6. Reference kernels and
// the formulas' provenance: kernels/quantize.h.
#include <limits>

#include "kernels/quantize.h"
#include "runtime/ops/math_common.h"

namespace frost {

namespace {

using kernels::QuantizeMode;
using ops::scalar_float;

// Calls f(TypeTag<storage>) for a quantised dtype; false for any other.
template <class F>
bool dispatch_quantized(DType t, F&& f) {
  switch (t) {
    case DType::QUInt8: f(ops::TypeTag<uint8_t>{}); return true;
    case DType::QInt8: f(ops::TypeTag<int8_t>{}); return true;
    case DType::QUInt16: f(ops::TypeTag<uint16_t>{}); return true;
    case DType::QInt16: f(ops::TypeTag<int16_t>{}); return true;
    case DType::QInt32: f(ops::TypeTag<int32_t>{}); return true;
    default: return false;
  }
}

QuantizeMode parse_mode(const OpContext& ctx) {
  const std::string mode = ctx.node().attr_string_or("mode", "MIN_COMBINED");
  if (mode == "MIN_COMBINED") return QuantizeMode::MinCombined;
  if (mode == "MIN_FIRST") return QuantizeMode::MinFirst;
  if (mode == "SCALED") return QuantizeMode::Scaled;
  throw ctx.error("mode must be MIN_COMBINED, MIN_FIRST or SCALED, got '" + mode + "'");
}

// The [outer, channels, inner] view for attr `axis` (-1: one range for all),
// checking that min/max hold one value per channel.
kernels::QuantizedSlices slices_for_axis(const OpContext& ctx, const Shape& shape, const Tensor& min_t,
                                         const Tensor& max_t, QuantizeMode mode) {
  const int64_t axis = ctx.node().attr_int_or("axis", -1);
  kernels::QuantizedSlices s;
  s.inner = shape.num_elements();
  if (axis != -1) {
    if (axis < 0 || axis >= shape.rank())
      throw ctx.error("axis " + std::to_string(axis) + " is out of range for input of shape " + shape.to_string());
    if (mode == QuantizeMode::MinFirst) throw ctx.error("MIN_FIRST mode is not defined for axis != -1");
    s.channels = shape.dim(static_cast<int>(axis));
    s.outer = 1;
    for (int d = 0; d < axis; ++d) s.outer *= shape.dim(d);
    s.inner = 1;
    for (int d = static_cast<int>(axis) + 1; d < shape.rank(); ++d) s.inner *= shape.dim(d);
  }
  for (const auto& [t, name] : {std::pair{&min_t, "min_range"}, std::pair{&max_t, "max_range"}}) {
    if (t->dtype() != DType::Float) throw ctx.error(std::string(name) + " must be float, got " + dtype_name(t->dtype()));
    if (t->num_elements() != s.channels)
      throw ctx.error(std::string(name) + " must have " + std::to_string(s.channels) + " element(s), got shape " +
                      t->shape().to_string());
  }
  return s;
}

void run_dequantize(OpContext& ctx) {
  ops::require_num_inputs(ctx, 3);
  const Tensor& x = ctx.input(0);
  const QuantizeMode mode = parse_mode(ctx);
  const DType out_type = ctx.node().attr_type_or("dtype", DType::Float);
  if (out_type != DType::Float && out_type != DType::BFloat16)
    throw ctx.error("dtype must be float or bfloat16, got " + dtype_name(out_type));
  if (out_type == DType::BFloat16 && mode != QuantizeMode::MinCombined)
    throw ctx.error("bfloat16 output needs mode MIN_COMBINED");
  const kernels::QuantizedSlices s = slices_for_axis(ctx, x.shape(), ctx.input(1), ctx.input(2), mode);
  const bool narrow_range = ctx.node().attr_bool_or("narrow_range", false);
  Tensor out(DType::Float, x.shape());
  const bool supported = dispatch_quantized(x.dtype(), [&](auto tag) {
    using Q = typename decltype(tag)::type;
    kernels::dequantize_reference<Q>(mode, narrow_range, s, ctx.input(1).data<float>(), ctx.input(2).data<float>(),
                                     x.data<Q>(), out.data<float>());
  });
  if (!supported) throw ctx.error("input must be quint8, qint8, quint16, qint16 or qint32, got " + dtype_name(x.dtype()));
  ctx.set_output(0, out_type == DType::Float ? out : ops::cast_tensor(out, out_type));
}

void run_quantize_v2(OpContext& ctx) {
  ops::require_num_inputs(ctx, 3);
  const Tensor& x = ctx.input(0);
  const Node& node = ctx.node();
  if (x.dtype() != DType::Float) throw ctx.error("input must be float, got " + dtype_name(x.dtype()));
  kernels::QuantizeParams p;
  p.mode = parse_mode(ctx);
  const std::string round_mode = node.attr_string_or("round_mode", "HALF_AWAY_FROM_ZERO");
  if (round_mode == "HALF_TO_EVEN") {
    if (p.mode != QuantizeMode::Scaled) throw ctx.error("round_mode HALF_TO_EVEN needs mode SCALED");
    p.round = kernels::QuantizeRound::HalfToEven;
  } else if (round_mode != "HALF_AWAY_FROM_ZERO") {
    throw ctx.error("round_mode must be HALF_AWAY_FROM_ZERO or HALF_TO_EVEN, got '" + round_mode + "'");
  }
  p.narrow_range = node.attr_bool_or("narrow_range", false);
  p.ensure_minimum_range = node.attr_float_or("ensure_minimum_range", 0.01f);
  const Tensor& min_t = ctx.input(1);
  const Tensor& max_t = ctx.input(2);
  const kernels::QuantizedSlices s = slices_for_axis(ctx, x.shape(), min_t, max_t, p.mode);
  for (int64_t c = 0; c < s.channels; ++c)
    if (max_t.data<float>()[c] < min_t.data<float>()[c])
      throw ctx.error("max_range must not be smaller than min_range");
  const DType out_type = node.attr_type("T");
  Tensor out(out_type, x.shape());
  const bool per_channel = node.attr_int_or("axis", -1) != -1;
  const Shape range_shape = per_channel ? Shape{s.channels} : Shape{};
  Tensor out_min(DType::Float, range_shape), out_max(DType::Float, range_shape);
  const bool supported = dispatch_quantized(out_type, [&](auto tag) {
    using Q = typename decltype(tag)::type;
    kernels::quantize_reference<Q>(p, s, min_t.data<float>(), max_t.data<float>(), x.data<float>(), out.data<Q>(),
                                   out_min.data<float>(), out_max.data<float>());
  });
  if (!supported) throw ctx.error("T must be a quantised type, got " + dtype_name(out_type));
  ctx.set_output(0, out);
  ctx.set_output(1, out_min);
  ctx.set_output(2, out_max);
}

// QuantizedMatMul: quint8 x quint8 -> qint32 (the one combination TensorFlow registers).
void run_quantized_matmul(OpContext& ctx) {
  ops::require_num_inputs(ctx, 6);
  const Tensor& a = ctx.input(0);
  const Tensor& b = ctx.input(1);
  const Node& node = ctx.node();
  if (a.dtype() != DType::QUInt8 || b.dtype() != DType::QUInt8)
    throw ctx.error("inputs must be quint8, got " + dtype_name(a.dtype()) + " and " + dtype_name(b.dtype()));
  const DType out_type = node.attr_type_or("Toutput", DType::QInt32);
  if (out_type != DType::QInt32) throw ctx.error("Toutput must be qint32, got " + dtype_name(out_type));
  const float min_a = scalar_float(ctx, ctx.input(2), "min_a"), max_a = scalar_float(ctx, ctx.input(3), "max_a");
  const float min_b = scalar_float(ctx, ctx.input(4), "min_b"), max_b = scalar_float(ctx, ctx.input(5), "max_b");
  if (!(max_a > min_a)) throw ctx.error("max_a must be larger than min_a");
  if (!(max_b > min_b)) throw ctx.error("max_b must be larger than min_b");
  if (a.rank() != 2 || b.rank() != 2)
    throw ctx.error("inputs must be matrices, got " + a.shape().to_string() + " and " + b.shape().to_string());
  kernels::QuantizedGemmShape g;
  g.trans_a = node.attr_bool_or("transpose_a", false);
  g.trans_b = node.attr_bool_or("transpose_b", false);
  g.m = a.shape().dim(g.trans_a ? 1 : 0);
  g.k = a.shape().dim(g.trans_a ? 0 : 1);
  g.n = b.shape().dim(g.trans_b ? 0 : 1);
  const int64_t k_b = b.shape().dim(g.trans_b ? 1 : 0);
  if (g.k != k_b)
    throw ctx.error("matrix sizes do not match: " + a.shape().to_string() + " and " + b.shape().to_string());
  Tensor out(DType::QInt32, Shape{g.m, g.n});
  const auto offset_a = static_cast<int32_t>(kernels::float_to_quantized_unclamped<uint8_t>(0.0f, min_a, max_a));
  const auto offset_b = static_cast<int32_t>(kernels::float_to_quantized_unclamped<uint8_t>(0.0f, min_b, max_b));
  kernels::quantized_matmul_reference(g, a.data<uint8_t>(), offset_a, b.data<uint8_t>(), offset_b, out.data<int32_t>());
  float min_c, max_c;
  kernels::quantized_matmul_output_range(min_a, max_a, min_b, max_b, &min_c, &max_c);
  ctx.set_output(0, out);
  ctx.set_output(1, Tensor::scalar<float>(min_c));
  ctx.set_output(2, Tensor::scalar<float>(max_c));
}

void run_requantize(OpContext& ctx) {
  ops::require_num_inputs(ctx, 5);
  const Tensor& x = ctx.input(0);
  if (x.dtype() != DType::QInt32) throw ctx.error("input must be qint32, got " + dtype_name(x.dtype()));
  const float in_min = scalar_float(ctx, ctx.input(1), "input_min");
  const float in_max = scalar_float(ctx, ctx.input(2), "input_max");
  const float out_min = scalar_float(ctx, ctx.input(3), "requested_output_min");
  const float out_max = scalar_float(ctx, ctx.input(4), "requested_output_max");
  if (!(out_min <= 0.0f)) throw ctx.error("requested_output_min must be <= 0, got " + std::to_string(out_min));
  if (!(out_max >= 0.0f)) throw ctx.error("requested_output_max must be >= 0, got " + std::to_string(out_max));
  const DType out_type = ctx.node().attr_type("out_type");
  Tensor out(out_type, x.shape());
  if (out_type == DType::QUInt8)
    kernels::requantize_reference<uint8_t>(x.num_elements(), x.data<int32_t>(), in_min, in_max, out_min, out_max,
                                           out.data<uint8_t>());
  else if (out_type == DType::QInt8)
    kernels::requantize_reference<int8_t>(x.num_elements(), x.data<int32_t>(), in_min, in_max, out_min, out_max,
                                          out.data<int8_t>());
  else
    throw ctx.error("out_type must be quint8 or qint8, got " + dtype_name(out_type));
  ctx.set_output(0, out);
  ctx.set_output(1, Tensor::scalar<float>(out_min));
  ctx.set_output(2, Tensor::scalar<float>(out_max));
}

void run_requantization_range(OpContext& ctx) {
  ops::require_num_inputs(ctx, 3);
  const Tensor& x = ctx.input(0);
  if (x.dtype() != DType::QInt32) throw ctx.error("input must be qint32, got " + dtype_name(x.dtype()));
  const float in_min = scalar_float(ctx, ctx.input(1), "input_min");
  const float in_max = scalar_float(ctx, ctx.input(2), "input_max");
  float used_min, used_max;
  kernels::requantization_range_reference(x.num_elements(), x.data<int32_t>(), in_min, in_max, &used_min, &used_max);
  ctx.set_output(0, Tensor::scalar<float>(used_min));
  ctx.set_output(1, Tensor::scalar<float>(used_max));
}

// QuantizedRelu clamps below at the quantised 0; QuantizedRelu6 also above at 6.
void run_quantized_relu(OpContext& ctx, bool relu6) {
  ops::require_num_inputs(ctx, 3);
  const Tensor& x = ctx.input(0);
  const float min_in = scalar_float(ctx, ctx.input(1), "min_features");
  const float max_in = scalar_float(ctx, ctx.input(2), "max_features");
  const DType out_type = ctx.node().attr_type_or("out_type", DType::QUInt8);
  if (out_type != x.dtype())
    throw ctx.error("out_type " + dtype_name(out_type) + " must match the input's dtype " + dtype_name(x.dtype()));
  Tensor out(x.dtype(), x.shape());
  const bool supported = dispatch_quantized(x.dtype(), [&](auto tag) {
    using Q = typename decltype(tag)::type;
    const Q lower = kernels::float_to_quantized<Q>(0.0f, min_in, max_in);
    const Q upper = relu6 ? kernels::float_to_quantized<Q>(6.0f, min_in, max_in) : std::numeric_limits<Q>::max();
    kernels::quantized_clamp_reference<Q>(x.num_elements(), x.data<Q>(), lower, upper, out.data<Q>());
  });
  if (!supported) throw ctx.error("input must be a quantised type, got " + dtype_name(x.dtype()));
  ctx.set_output(0, out);
  ctx.set_output(1, Tensor::scalar<float>(min_in));
  ctx.set_output(2, Tensor::scalar<float>(max_in));
}

// ---- shape functions

PartialShape input_shape(const ShapeContext& ctx, size_t i) {
  return i < ctx.input_shapes.size() ? ctx.input_shapes[i] : PartialShape::unknown();
}

std::vector<PartialShape> infer_quantize_v2(const ShapeContext& ctx) {
  const PartialShape range =
      ctx.node.attr_int_or("axis", -1) == -1 ? PartialShape(Shape{}) : input_shape(ctx, 1);
  return {input_shape(ctx, 0), range, range};
}

std::vector<PartialShape> infer_same_with_scalar_range(const ShapeContext& ctx) {
  return {input_shape(ctx, 0), PartialShape(Shape{}), PartialShape(Shape{})};
}

std::vector<PartialShape> infer_quantized_matmul(const ShapeContext& ctx) {
  const PartialShape a = input_shape(ctx, 0), b = input_shape(ctx, 1);
  const int64_t m = a.known_rank() && a.rank() == 2 ? a.dim(ctx.node.attr_bool_or("transpose_a", false) ? 1 : 0)
                                                    : PartialShape::kUnknown;
  const int64_t n = b.known_rank() && b.rank() == 2 ? b.dim(ctx.node.attr_bool_or("transpose_b", false) ? 0 : 1)
                                                    : PartialShape::kUnknown;
  return {PartialShape{m, n}, PartialShape(Shape{}), PartialShape(Shape{})};
}

OpDef quant_op(const char* name, int outputs, std::function<void(OpContext&)> reference,
               std::function<std::vector<PartialShape>(const ShapeContext&)> infer) {
  OpDef def;
  def.name = name;
  def.num_outputs = [outputs](const Node&) { return outputs; };
  def.reference = ops::with_node_context(std::move(reference));
  def.infer_shapes = ops::with_node_context(std::move(infer));
  return def;
}

}  // namespace

void register_quant_ops(OpRegistry& r) {
  r.add(quant_op("Dequantize", 1, run_dequantize, shape_of_input0));
  OpDef quantize = quant_op("QuantizeV2", 3, run_quantize_v2, infer_quantize_v2);
  quantize.required_attrs = {{"T", "type"}};
  r.add(std::move(quantize));
  r.add(quant_op("QuantizedMatMul", 3, run_quantized_matmul, infer_quantized_matmul));
  OpDef requantize = quant_op("Requantize", 3, run_requantize, infer_same_with_scalar_range);
  requantize.required_attrs = {{"out_type", "type"}};
  r.add(std::move(requantize));
  r.add(quant_op("RequantizationRange", 2, run_requantization_range, [](const ShapeContext&) {
    return std::vector<PartialShape>{PartialShape(Shape{}), PartialShape(Shape{})};
  }));
  r.add(quant_op("QuantizedRelu", 3, [](OpContext& ctx) { run_quantized_relu(ctx, false); },
                 infer_same_with_scalar_range));
  r.add(quant_op("QuantizedRelu6", 3, [](OpContext& ctx) { run_quantized_relu(ctx, true); },
                 infer_same_with_scalar_range));
}

}  // namespace frost
