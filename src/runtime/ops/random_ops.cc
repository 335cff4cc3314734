// Random ops, as frozen graphs carry them in dropout masks. Values come from a
// generator seeded by the node's seed/seed2 attrs (deterministic per run), not
// TensorFlow's Philox stream: a graph whose outputs depend on the random values
// (dropout at training time) cannot match TensorFlow bit for bit anyway, and
// at inference the masks are constant (keep_prob = 1) or on a dead branch.
#include <random>

#include "graph/op_registry.h"

namespace frost {

namespace {

Shape shape_input(const OpContext& ctx) {
  const std::vector<int64_t> dims = ctx.input(0).to_int64_vector();
  for (int64_t d : dims)
    if (d < 0) throw ctx.error("negative dimension " + std::to_string(d) + " in the requested shape");
  return Shape(dims);
}

std::mt19937_64 generator(const Node& n) {
  return std::mt19937_64(static_cast<uint64_t>(n.attr_int_or("seed", 0)) * 0x9e3779b97f4a7c15ull +
                         static_cast<uint64_t>(n.attr_int_or("seed2", 0)));
}

template <class Distribution>
void fill_random(OpContext& ctx, Distribution dist) {
  const DType t = ctx.node().attr_type_or("dtype", DType::Float);
  Tensor out(t, shape_input(ctx));
  auto rng = generator(ctx.node());
  const int64_t n = out.num_elements();
  if (t == DType::Float) {
    for (int64_t i = 0; i < n; ++i) out.data<float>()[i] = static_cast<float>(dist(rng));
  } else if (t == DType::Double) {
    for (int64_t i = 0; i < n; ++i) out.data<double>()[i] = dist(rng);
  } else {
    throw ctx.error("dtype " + dtype_name(t) + " is not supported");
  }
  ctx.set_output(0, out);
}

std::vector<PartialShape> shape_from_value(const ShapeContext& ctx) {
  if (ctx.input_values.empty() || !ctx.input_values[0]) return {PartialShape::unknown()};
  return {PartialShape(ctx.input_values[0]->to_int64_vector())};
}

}  // namespace

void register_random_ops(OpRegistry& r) {
  r.add({.name = "RandomUniform", .infer_shapes = shape_from_value,
         .reference = [](OpContext& ctx) { fill_random(ctx, std::uniform_real_distribution<double>(0.0, 1.0)); }});
  r.add({.name = "RandomStandardNormal", .infer_shapes = shape_from_value,
         .reference = [](OpContext& ctx) { fill_random(ctx, std::normal_distribution<double>(0.0, 1.0)); }});
}

}  // namespace frost
