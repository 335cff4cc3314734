// MatMul (plain and _FusedMatMul: bias, residual add, activation in the
// epilogue), float32, not transpose_a, on the SIMD GEMM (kernels/gemm.h):
// matmul/gemm. A constant B is packed into the micro-kernel's layout at
// prepare time; a few rows read a narrow B in place instead (read_b_in_place).
#include "runtime/impl_epilogue.h"
#include "runtime/impl_families.h"

namespace frost {

namespace {

bool matmul_applies(const PrepareContext& ctx) {
  return ctx.dtype() == DType::Float && !ctx.node.attr_bool_or("transpose_a", false) && ctx.num_inputs() >= 2 &&
         read_fusion(ctx.node).has_value();
}

// The GEMM of a [m, k] A and a B of `b` (op(B) is [k, n]).
kernels::GemmShape gemm_shape(int64_t m, const Shape& b, bool trans_b) {
  kernels::GemmShape s;
  s.m = m;
  s.k = trans_b ? b[1] : b[0];
  s.n = trans_b ? b[0] : b[1];
  s.trans_b = trans_b;
  s.lda = s.k;
  s.ldb = b[1];
  s.ldc = s.n;
  return s;
}

// Whether a few rows read B as stored rather than the prepacked panels: the
// small-m GEMM then streams B's rows once, in place (kernels/simd/
// gemm_small_m_impl.h), where the panels pad n up to NR columns. Taken when
// that padding is a quarter or more: a 12-class head on 62720 inputs
// (speech_commands_conv) packs to 32 columns, 2.7 times the bytes to read.
// m ≤ 4 stays below every ISA's MR (the small-m path's bound).
bool read_b_in_place(const kernels::GemmShape& s) {
  if (s.trans_b || s.m > 4 || s.n <= 0 || s.k <= 0) return false;
  return 4 * kernels::gemm_packed_b_floats(s.n, s.k) >= static_cast<size_t>(5 * s.n * s.k);
}

KernelFn prepare_matmul(const PrepareContext& ctx) {
  const OpDef* def = &ctx.def;
  const Fusion f = *read_fusion(ctx.node);
  const bool tb = ctx.node.attr_bool_or("transpose_b", false);
  PackedConstant packed;
  if (const Tensor* b = ctx.constant(1); b && b->dtype() == DType::Float && b->rank() == 2) {
    const kernels::GemmShape s = gemm_shape(0, b->shape(), tb);
    packed = PackedConstant(*b, kernels::gemm_packed_b_floats(s.n, s.k),
                            [&](float* out) { kernels::gemm_pack_b(s, b->data<float>(), out); });
  }
  return [def, f, tb, packed](OpContext& ctx) {
    const Tensor &a = ctx.input(0), &b = ctx.input(1);
    if (a.dtype() != DType::Float || b.dtype() != DType::Float || a.rank() != 2 || b.rank() != 2 ||
        a.shape()[1] != (tb ? b.shape()[1] : b.shape()[0]))
      return def->reference(ctx);
    const kernels::GemmShape s = gemm_shape(a.shape()[0], b.shape(), tb);
    const Shape out_shape{s.m, s.n};
    const kernels::GemmEpilogue ep = epilogue(ctx, f, out_shape, s.n);
    Tensor& c = ctx.allocate_output(0, DType::Float, out_shape);
    if (read_b_in_place(s)) return kernels::gemm_f32(s, a.data<float>(), b.data<float>(), c.data<float>(), ep);
    with_packed(
        packed, b, kernels::gemm_packed_b_floats(s.n, s.k),
        [&](float* out) { kernels::gemm_pack_b(s, b.data<float>(), out); },
        [&](const float* packed_b) { kernels::gemm_f32_packed(s, a.data<float>(), packed_b, c.data<float>(), ep); });
  };
}

}  // namespace

std::vector<Implementation> matmul_implementations() {
  return {{"matmul/gemm", {"MatMul", "_FusedMatMul"}, matmul_applies, prepare_matmul}};
}

}  // namespace frost
