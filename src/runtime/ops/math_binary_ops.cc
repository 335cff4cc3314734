// Binary element-wise ops with numpy broadcasting: arithmetic, comparisons,
// logical and/or; and AddN. Inputs must share one dtype; half and bfloat16
// are computed in float and rounded back, as TensorFlow's Eigen kernels do.
#include "runtime/ops/math_common.h"

namespace frost::ops {

namespace {

using kernels::BinaryOp;
using kernels::CompareOp;

bool is_real(DType t) {
  return dispatch_real(t, [](auto) {});
}

struct BinarySpec {
  const char* name;
  BinaryOp op;
  bool float_only;
};

constexpr BinarySpec kBinaryOps[] = {
    {"Add", BinaryOp::Add, false},
    {"AddV2", BinaryOp::Add, false},
    {"Sub", BinaryOp::Sub, false},
    {"Mul", BinaryOp::Mul, false},
    {"RealDiv", BinaryOp::Div, true},
    {"Div", BinaryOp::Div, false},
    {"FloorDiv", BinaryOp::FloorDiv, false},
    {"FloorMod", BinaryOp::FloorMod, false},
    {"Maximum", BinaryOp::Maximum, false},
    {"Minimum", BinaryOp::Minimum, false},
    {"SquaredDifference", BinaryOp::SquaredDifference, false},
    {"Pow", BinaryOp::Pow, false},
};

// x op y for float, double or an integer type, into output 0 when `to_output`
// (else into a new tensor, returned).
Tensor compute_binary(OpContext& ctx, BinaryOp op, const Tensor& x, const Tensor& y, bool to_output) {
  const Shape out_shape = broadcast_all(ctx, {&x.shape(), &y.shape()});
  const kernels::Broadcast plan = plan_broadcast_or_throw(ctx, out_shape, {&x.shape(), &y.shape()});
  Tensor out = to_output ? ctx.allocate_output(0, x.dtype(), out_shape) : Tensor(x.dtype(), out_shape);
  kernels::BinaryStatus status = kernels::BinaryStatus::Ok;
  dispatch_real(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    status = kernels::binary_reference<T>(op, plan, x.data<T>(), y.data<T>(), out.data<T>());
  });
  if (status == kernels::BinaryStatus::IntegerDivisionByZero) throw ctx.error("integer division by zero");
  if (status == kernels::BinaryStatus::NegativeIntegerExponent)
    throw ctx.error("integers to negative integer powers are not allowed");
  return out;
}

void run_binary(OpContext& ctx, const BinarySpec& spec) {
  require_num_inputs(ctx, 2);
  const Tensor& x = ctx.input(0);
  const Tensor& y = ctx.input(1);
  require_same_dtype(ctx, x, y);
  const DType t = x.dtype();
  if (is_16bit_float(t)) {
    const Tensor out = compute_binary(ctx, spec.op, cast_tensor(x, DType::Float), cast_tensor(y, DType::Float), false);
    ctx.set_output(0, cast_tensor(out, t));
    return;
  }
  if (!is_real(t) || (spec.float_only && !dtype_is_float(t)))
    throw ctx.error(std::string(spec.name) + " does not support dtype " + dtype_name(t));
  compute_binary(ctx, spec.op, x, y, true);
}

struct CompareSpec {
  const char* name;
  CompareOp op;
};

constexpr CompareSpec kCompareOps[] = {
    {"Greater", CompareOp::Greater}, {"GreaterEqual", CompareOp::GreaterEqual},
    {"Less", CompareOp::Less},       {"LessEqual", CompareOp::LessEqual},
    {"Equal", CompareOp::Equal},     {"NotEqual", CompareOp::NotEqual},
};

bool is_equality(CompareOp op) { return op == CompareOp::Equal || op == CompareOp::NotEqual; }

// Equal/NotEqual with incompatible_shape_error=false answer incompatible
// shapes with one scalar (false for Equal, true for NotEqual).
bool tolerates_incompatible_shapes(const Node& node, CompareOp op) {
  return is_equality(op) && !node.attr_bool_or("incompatible_shape_error", true);
}

void run_compare(OpContext& ctx, const CompareSpec& spec) {
  require_num_inputs(ctx, 2);
  Tensor x = ctx.input(0);
  Tensor y = ctx.input(1);
  require_same_dtype(ctx, x, y);
  const DType t = x.dtype();
  if (tolerates_incompatible_shapes(ctx.node(), spec.op)) {
    try {
      (void)broadcast_shapes(x.shape(), y.shape());
    } catch (const Error&) {
      ctx.set_output(0, Tensor::scalar<bool>(spec.op == CompareOp::NotEqual));
      return;
    }
  }
  if (is_16bit_float(t)) {  // widening to float keeps order and equality exactly
    x = cast_tensor(x, DType::Float);
    y = cast_tensor(y, DType::Float);
  } else if (!is_real(t) && !(t == DType::Bool && is_equality(spec.op))) {
    throw ctx.error(std::string(spec.name) + " does not support dtype " + dtype_name(t));
  }
  const Shape out_shape = broadcast_all(ctx, {&x.shape(), &y.shape()});
  const kernels::Broadcast plan = plan_broadcast_or_throw(ctx, out_shape, {&x.shape(), &y.shape()});
  Tensor out(DType::Bool, out_shape);
  if (x.dtype() == DType::Bool) {
    kernels::compare_reference<bool>(spec.op, plan, x.data<bool>(), y.data<bool>(), out.data<bool>());
  } else {
    dispatch_real(x.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      kernels::compare_reference<T>(spec.op, plan, x.data<T>(), y.data<T>(), out.data<bool>());
    });
  }
  ctx.set_output(0, out);
}

std::vector<PartialShape> infer_compare(const ShapeContext& ctx, CompareOp op) {
  if (tolerates_incompatible_shapes(ctx.node, op) && ctx.input_shapes.size() == 2) {
    // Unknown dimensions might turn out incompatible: then the output is a scalar.
    if (!ctx.input_shapes[0].fully_known() || !ctx.input_shapes[1].fully_known()) return {PartialShape::unknown()};
    try {
      return {broadcast_shapes(ctx.input_shapes[0], ctx.input_shapes[1])};
    } catch (const Error&) {
      return {PartialShape(Shape{})};
    }
  }
  return infer_broadcast(ctx);
}

void run_logical(OpContext& ctx, kernels::LogicalOp op) {
  require_num_inputs(ctx, 2);
  const Tensor& x = ctx.input(0);
  const Tensor& y = ctx.input(1);
  if (x.dtype() != DType::Bool || y.dtype() != DType::Bool)
    throw ctx.error("inputs must be bool, got " + dtype_name(x.dtype()) + " and " + dtype_name(y.dtype()));
  const Shape out_shape = broadcast_all(ctx, {&x.shape(), &y.shape()});
  const kernels::Broadcast plan = plan_broadcast_or_throw(ctx, out_shape, {&x.shape(), &y.shape()});
  Tensor out(DType::Bool, out_shape);
  kernels::logical_reference(op, plan, x.data<bool>(), y.data<bool>(), out.data<bool>());
  ctx.set_output(0, out);
}

// AddN: n >= 1 inputs of one dtype and one shape (no broadcasting).
void run_add_n(OpContext& ctx) {
  if (ctx.num_inputs() < 1) throw ctx.error("expects at least 1 input");
  const Tensor& first = ctx.input(0);
  for (int i = 1; i < ctx.num_inputs(); ++i) {
    const Tensor& t = ctx.input(i);
    require_same_dtype(ctx, first, t, "inputs[0]", ("inputs[" + std::to_string(i) + "]").c_str());
    if (t.shape() != first.shape())
      throw ctx.error("inputs must have the same shape, got " + first.shape().to_string() + " and " +
                      t.shape().to_string() + " (inputs[" + std::to_string(i) + "])");
  }
  const DType t = first.dtype();
  if (is_16bit_float(t)) {  // as Eigen's half adds: round after every addition
    Tensor sum = first;
    for (int i = 1; i < ctx.num_inputs(); ++i) {
      const Tensor step = compute_binary(ctx, BinaryOp::Add, cast_tensor(sum, DType::Float),
                                         cast_tensor(ctx.input(i), DType::Float), false);
      sum = cast_tensor(step, t);
    }
    ctx.set_output(0, sum);
    return;
  }
  if (!is_real(t)) throw ctx.error("AddN does not support dtype " + dtype_name(t));
  Tensor out(t, first.shape());
  dispatch_real(t, [&](auto tag) {
    using T = typename decltype(tag)::type;
    std::vector<const T*> inputs;
    for (const Tensor& in : ctx.inputs()) inputs.push_back(in.data<T>());
    kernels::add_n_reference<T>(out.num_elements(), inputs, out.data<T>());
  });
  ctx.set_output(0, out);
}

}  // namespace

void register_math_binary_ops(OpRegistry& r) {
  for (const BinarySpec& spec : kBinaryOps) {
    OpDef def;
    def.name = spec.name;
    def.infer_shapes = with_node_context(infer_broadcast);
    def.reference = with_node_context([&spec](OpContext& ctx) { run_binary(ctx, spec); });
    // out[i] = x[i] op y[j]: an input of the output's size is read at i just before out[i] is written.
    def.inplace_inputs = {0, 1};
    r.add(std::move(def));
  }
  for (const CompareSpec& spec : kCompareOps) {
    OpDef def;
    def.name = spec.name;
    const CompareOp op = spec.op;
    def.infer_shapes = with_node_context([op](const ShapeContext& ctx) { return infer_compare(ctx, op); });
    def.reference = with_node_context([&spec](OpContext& ctx) { run_compare(ctx, spec); });
    r.add(std::move(def));
  }
  for (const auto& [name, op] : {std::pair{"LogicalAnd", kernels::LogicalOp::And},
                                 std::pair{"LogicalOr", kernels::LogicalOp::Or}}) {
    OpDef def;
    def.name = name;
    def.infer_shapes = with_node_context(infer_broadcast);
    def.reference = with_node_context([op = op](OpContext& ctx) { run_logical(ctx, op); });
    r.add(std::move(def));
  }
  OpDef add_n;
  add_n.name = "AddN";
  add_n.infer_shapes = with_node_context(infer_same_shape);
  add_n.reference = with_node_context(run_add_n);
  r.add(std::move(add_n));
}

}  // namespace frost::ops
