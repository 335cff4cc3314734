// QuantizedMatMul (quint8 × quint8 -> qint32) on int32 loops that vectorise
// (kernels/quantize.h, quantized_matmul_rows): quantized_matmul/rows, for
// every shape whose sums cannot leave int32. Anything else (other dtypes,
// bad ranges or shapes, huge k) goes to the reference, which checks and reports.
#include "kernels/quantize.h"
#include "runtime/impl_families.h"

namespace frost {

namespace {

KernelFn prepare_quantized_matmul(const PrepareContext& pc) {
  const OpDef& def = pc.def;
  kernels::QuantizedGemmShape layout;
  layout.trans_a = pc.node.attr_bool_or("transpose_a", false);
  layout.trans_b = pc.node.attr_bool_or("transpose_b", false);
  const bool qint32_out = pc.node.attr_type_or("Toutput", DType::QInt32) == DType::QInt32;
  return [&def, layout, qint32_out](OpContext& ctx) {
    if (ctx.num_inputs() != 6 || !qint32_out) return def.reference(ctx);
    const Tensor &a = ctx.input(0), &b = ctx.input(1);
    if (a.dtype() != DType::QUInt8 || b.dtype() != DType::QUInt8 || a.rank() != 2 || b.rank() != 2)
      return def.reference(ctx);
    for (int i = 2; i < 6; ++i)
      if (ctx.input(i).num_elements() != 1 || ctx.input(i).dtype() != DType::Float) return def.reference(ctx);
    const float min_a = ctx.input(2).data<float>()[0], max_a = ctx.input(3).data<float>()[0];
    const float min_b = ctx.input(4).data<float>()[0], max_b = ctx.input(5).data<float>()[0];
    if (!(max_a > min_a) || !(max_b > min_b)) return def.reference(ctx);
    kernels::QuantizedGemmShape g = layout;
    g.m = a.shape().dim(g.trans_a ? 1 : 0);
    g.k = a.shape().dim(g.trans_a ? 0 : 1);
    g.n = b.shape().dim(g.trans_b ? 0 : 1);
    if (g.k != b.shape().dim(g.trans_b ? 1 : 0) || !kernels::quantized_matmul_fits_int32(g)) return def.reference(ctx);
    const auto offset_a = static_cast<int32_t>(kernels::float_to_quantized_unclamped<uint8_t>(0.0f, min_a, max_a));
    const auto offset_b = static_cast<int32_t>(kernels::float_to_quantized_unclamped<uint8_t>(0.0f, min_b, max_b));
    Tensor& out = ctx.allocate_output(0, DType::QInt32, Shape{g.m, g.n});
    kernels::quantized_matmul_rows(g, a.data<uint8_t>(), offset_a, b.data<uint8_t>(), offset_b, out.data<int32_t>());
    float min_c, max_c;
    kernels::quantized_matmul_output_range(min_a, max_a, min_b, max_b, &min_c, &max_c);
    ctx.set_output(1, Tensor::scalar<float>(min_c));
    ctx.set_output(2, Tensor::scalar<float>(max_c));
  };
}

}  // namespace

std::vector<Implementation> quantized_matmul_implementations() {
  return {{"quantized_matmul/rows", {"QuantizedMatMul"}, [](const PrepareContext&) { return true; },
           prepare_quantized_matmul}};
}

}  // namespace frost
