// Transpose on the fast permutation kernel (kernels/transpose.h): any dtype
// with a fixed element size; strings, invalid perms and ranks over
// kMaxTransposeRank go to the reference, which validates and reports.
#include "kernels/transpose.h"
#include "runtime/cpu_lowerings.h"

namespace frost {

KernelFn lower_transpose(const Node& n, const OpDef& def) {
  if (n.op != "Transpose") return {};
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
    Tensor& y = ctx.allocate_output(0, x.dtype(), Shape(out_dims));
    kernels::transpose({x.shape().dims(), perm}, x.raw_data(), y.raw_data(), dtype_size(x.dtype()));
  };
}

}  // namespace frost
