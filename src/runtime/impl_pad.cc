// pad/planned: Pad and PadV2 whose paddings are a constant [rank, 2] matrix
// (as every CNN's ZeroPadding2D and TF-slim's explicit pads write them).
// The paddings are read once when the model is prepared; each run writes
// the output once (kernels/pad_constant.h: fill and interior rows in one
// pass, threads for large tensors) instead of the reference's zero fill of
// the whole output followed by a copy of the input, on one thread. Strings,
// a rank the paddings do not match, a PadV2 value that is not a scalar of
// the input's dtype, and padded dims that would overflow go to the
// reference, which reports what is wrong.
#include "kernels/pad_constant.h"
#include "runtime/impl_families.h"
#include "runtime/ops/array_util.h"

namespace frost {

namespace {

// The constant paddings, non-negative, as [before..., after...]; empty when not applicable.
struct Paddings {
  std::vector<int64_t> before, after;
};

bool read_paddings(const PrepareContext& pc, Paddings* out) {
  const Tensor* t = pc.constant(1);
  if (!t || !dtype_is_integer(t->dtype()) || t->rank() != 2 || t->shape().dim(1) != 2) return false;
  const std::vector<int64_t> v = t->to_int64_vector();
  for (size_t k = 0; k < v.size(); k += 2) {
    if (v[k] < 0 || v[k + 1] < 0) return false;
    out->before.push_back(v[k]);
    out->after.push_back(v[k + 1]);
  }
  return true;
}

bool applies(const PrepareContext& pc) {
  Paddings p;
  const DType t = pc.dtype();
  return (pc.num_inputs() == 2 || (pc.node.op == "PadV2" && pc.num_inputs() == 3)) && read_paddings(pc, &p) &&
         t != DType::Invalid && dtype_size(t) > 0;
}

KernelFn prepare(const PrepareContext& pc) {
  Paddings p;
  read_paddings(pc, &p);
  const OpDef& def = pc.def;
  return [&def, p = std::move(p)](OpContext& ctx) {
    const Tensor& x = ctx.input(0);
    const size_t rank = p.before.size();
    if (!x.valid() || dtype_size(x.dtype()) == 0 || static_cast<size_t>(x.rank()) != rank) return def.reference(ctx);
    const void* fill = nullptr;
    if (ctx.num_inputs() == 3) {
      const Tensor& value = ctx.input(2);
      if (!value.valid() || value.rank() != 0 || value.dtype() != x.dtype()) return def.reference(ctx);
      fill = value.raw_data();
    }
    std::vector<int64_t> out_dims(rank);
    for (size_t k = 0; k < rank; ++k) {
      const int64_t d = x.shape().dim(static_cast<int>(k));
      if (__builtin_add_overflow(d, p.before[k], &out_dims[k]) ||
          __builtin_add_overflow(out_dims[k], p.after[k], &out_dims[k]))
        return def.reference(ctx);
    }
    Tensor& out = array_ops::allocate_output(ctx, 0, x.dtype(), out_dims);
    kernels::pad_constant({x.shape().dims(), p.before, p.after}, x.raw_data(), out.raw_data(), dtype_size(x.dtype()),
                          fill);
  };
}

}  // namespace

std::vector<Implementation> pad_implementations() { return {{"pad/planned", {"Pad", "PadV2"}, applies, prepare}}; }

}  // namespace frost
