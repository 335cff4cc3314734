// Transpose on the fast permutation kernel (kernels/transpose.h):
// transpose/permute, any dtype with a fixed element size (a view of the
// input when only size-1 dims move); strings, invalid
// perms and ranks over kMaxTransposeRank go to the reference, which
// validates and reports.
#include "kernels/transpose.h"
#include "runtime/impl_families.h"

namespace frost {

namespace {

KernelFn prepare_transpose(const PrepareContext& pc) {
  const OpDef& def = pc.def;
  return [&def](OpContext& ctx) {
    if (ctx.num_inputs() != 2) return def.reference(ctx);
    const Tensor &x = ctx.input(0), &perm_t = ctx.input(1);
    if (!x.valid() || x.dtype() == DType::String || dtype_size(x.dtype()) == 0 ||
        x.rank() > kernels::kMaxTransposeRank || !perm_t.valid() || !dtype_is_integer(perm_t.dtype()) ||
        perm_t.rank() != 1 || perm_t.num_elements() != x.rank())
      return def.reference(ctx);
    const std::vector<int64_t> perm = perm_t.to_int64_vector();
    std::vector<bool> seen(perm.size(), false);
    std::vector<int64_t> out_dims;
    for (int64_t p : perm) {
      if (p < 0 || p >= x.rank() || seen[static_cast<size_t>(p)]) return def.reference(ctx);
      seen[static_cast<size_t>(p)] = true;
      out_dims.push_back(x.shape()[static_cast<int>(p)]);
    }
    // A perm that moves only size-1 dims keeps the elements in order: the
    // output views the input (as Reshape), e.g. [1, T, F] -> [T, 1, F] in
    // Keras' batch-major to time-major RNN transposes at batch 1.
    int64_t last = -1;
    bool in_order = true;
    for (int64_t p : perm) {
      if (x.shape()[static_cast<int>(p)] == 1) continue;
      in_order = in_order && p > last;
      last = p;
    }
    if (in_order) return ctx.set_output(0, x.reshaped(Shape(out_dims)));
    Tensor& y = ctx.allocate_output(0, x.dtype(), Shape(out_dims));
    kernels::transpose({x.shape().dims(), perm}, x.raw_data(), y.raw_data(), dtype_size(x.dtype()));
  };
}

}  // namespace

std::vector<Implementation> transpose_implementations() {
  return {{"transpose/permute", {"Transpose"}, [](const PrepareContext&) { return true; }, prepare_transpose}};
}

}  // namespace frost
