// Graph plumbing ops: inputs, constants and the identity family. (TF1 control
// flow — Switch/Merge/Enter/Exit/NextIteration — joins this family later.)
#include <cmath>

#include "graph/op_registry.h"

namespace frost {

namespace {

void placeholder(OpContext& ctx) {
  const Node& n = ctx.node();
  throw ctx.error("placeholder has no value: feed it a " +
                  dtype_name(dtype_base(static_cast<int>(n.attr_type_or("dtype", DType::Float)))) + " tensor");
}

std::vector<PartialShape> placeholder_shape(const ShapeContext& ctx) {
  if (!ctx.node.has_attr("shape")) return {PartialShape::unknown()};
  return {ctx.node.attr("shape").shape()};
}

void constant(OpContext& ctx) {
  const Tensor& value = ctx.node().attr_tensor("value");
  if (ctx.node().has_attr("dtype") && ctx.node().attr_type("dtype") != value.dtype())
    throw ctx.error("value is " + dtype_name(value.dtype()) + " but attr dtype is " +
                    dtype_name(ctx.node().attr_type("dtype")));
  ctx.set_output(0, value);
}

std::vector<PartialShape> constant_shape(const ShapeContext& ctx) {
  return {ctx.node.attr_tensor("value").shape()};
}

void pass_through(OpContext& ctx) {
  for (int i = 0; i < ctx.num_outputs(); ++i) ctx.set_output(i, ctx.input(i));
}

std::vector<PartialShape> all_input_shapes(const ShapeContext& ctx) { return ctx.input_shapes; }

// CheckNumerics fails the run when a float tensor holds NaN or Inf, as in TF.
void check_numerics(OpContext& ctx) {
  const Tensor& x = ctx.input(0);
  for (int64_t i = 0; i < x.num_elements(); ++i) {
    const double v = x.as_double(i);
    if (!std::isfinite(v))
      throw ctx.error(ctx.node().attr_string_or("message", "CheckNumerics") + ": tensor has " +
                      (std::isnan(v) ? "NaN" : "Inf") + " values");
  }
  ctx.set_output(0, x);
}

// Switch: both outputs carry the data; the executor marks the untaken one dead.
std::vector<PartialShape> switch_shapes(const ShapeContext& ctx) {
  const PartialShape s = ctx.input_shapes.empty() ? PartialShape::unknown() : ctx.input_shapes[0];
  return {s, s};
}

// Merge: the shape its inputs agree on, and the index of the input taken.
std::vector<PartialShape> merge_shapes(const ShapeContext& ctx) {
  PartialShape s = ctx.input_shapes.empty() ? PartialShape::unknown() : ctx.input_shapes[0];
  for (const PartialShape& other : ctx.input_shapes)
    if (!(other == s)) s = PartialShape::unknown();
  return {s, PartialShape{}};
}

void executor_routes_it(OpContext& ctx) {
  throw ctx.error("control-flow op evaluated outside the dataflow executor");
}

}  // namespace

void register_control_ops(OpRegistry& r) {
  // TF1 control flow: the executor routes values between frames and iterations;
  // Enter/Exit/NextIteration/LoopCond pass their input through.
  r.add({.name = "Switch", .num_outputs = [](const Node&) { return 2; }, .infer_shapes = switch_shapes,
         .reference = executor_routes_it});
  r.add({.name = "Merge", .num_outputs = [](const Node&) { return 2; }, .infer_shapes = merge_shapes,
         .reference = executor_routes_it});
  for (const char* op : {"Enter", "Exit", "NextIteration", "LoopCond"})
    r.add({.name = op, .infer_shapes = shape_of_input0, .reference = pass_through});

  r.add({.name = "Placeholder", .infer_shapes = placeholder_shape, .reference = placeholder,
         .required_attrs = {{"dtype", "type"}}});
  // Fed like a placeholder; otherwise passes its default input through.
  r.add({.name = "PlaceholderWithDefault", .infer_shapes = shape_of_input0, .reference = pass_through});
  r.add({.name = "Const", .infer_shapes = constant_shape, .reference = constant,
         .required_attrs = {{"value", "tensor"}}});
  for (const char* op : {"Identity", "Snapshot", "StopGradient", "PreventGradient", "EnsureShape"})
    r.add({.name = op, .infer_shapes = shape_of_input0, .reference = pass_through});
  r.add({.name = "CheckNumerics", .infer_shapes = shape_of_input0, .reference = check_numerics});
  r.add({.name = "IdentityN",
         .num_outputs = [](const Node& n) { return n.num_data_inputs(); },
         .infer_shapes = all_input_shapes,
         .reference = pass_through});
  r.add({.name = "NoOp",
         .num_outputs = [](const Node&) { return 0; },
         .infer_shapes = [](const ShapeContext&) { return std::vector<PartialShape>{}; },
         .reference = [](OpContext&) {}});
}

}  // namespace frost
