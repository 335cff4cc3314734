// strided_slice/planned and slice/planned: StridedSlice and Slice whose
// begin, end/size and strides are constants (as nearly every graph writes
// them: a Keras LSTM cutting its gates out of z, a crop, an SSD head cutting
// its [N, 4] boxes into [N, 2] centres and sizes). The slice is resolved
// once when the model is prepared where static inference knows the input's
// shape, else on the first call with a new shape; the output goes to the
// arena, and the copy is the CPU backend's (kernels/strided_copy.h: short
// rows as fixed-size moves, threads for large slices).
// The reference reads the index tensors and allocates a zeroed output on the
// heap every call: ~1.5 µs per call on a 2×128 gate slice, a quarter of
// surro_muscle's loop; and it copies an 8-byte row per memcpy call. A
// malformed slice goes to the reference, which reports it.
#include <atomic>
#include <memory>
#include <optional>

#include "runtime/impl_families.h"
#include "runtime/ops/array_util.h"
#include "runtime/ops/strided_slice_plan.h"

namespace frost {

namespace {

bool int_vector(const Tensor* t) { return t && dtype_is_integer(t->dtype()) && t->rank() == 1; }

// Inputs 1.. (begin, end/size, strides) are constant int vectors of one length.
bool constant_spec(const PrepareContext& pc, int inputs) {
  if (pc.num_inputs() != inputs) return false;
  for (int i = 1; i < inputs; ++i)
    if (!int_vector(pc.constant(i)) || pc.constant(i)->num_elements() != pc.constant(1)->num_elements()) return false;
  return true;
}

// The copy that reads the slice out of an input of `dims`, and the output's dims.
struct ResolvedSlice {
  std::vector<int64_t> dims, out_dims;
  array_ops::CopyRegion region;
};

struct StridedSliceSpec {
  std::vector<int64_t> begin, end, strides;
  array_ops::StridedSliceMasks masks;

  // nullopt when the slice is malformed for `dims` (the reference reports it).
  std::optional<ResolvedSlice> resolve(const std::vector<int64_t>& dims) const {
    array_ops::StridedSlicePlan plan;
    try {
      plan = array_ops::plan_strided_slice(dims, begin.size(), begin, end, strides, masks,
                                           [](const std::string& m) { throw Error(m); });
    } catch (const Error&) {
      return std::nullopt;
    }
    return ResolvedSlice{dims, plan.final_dims,
                         array_ops::box_region(dims, plan.begin, plan.strides, plan.processing)};
  }
};

// Slice: begin and size per dim, size -1 meaning "to the end".
struct SliceSpec {
  std::vector<int64_t> begin, size;

  std::optional<ResolvedSlice> resolve(const std::vector<int64_t>& dims) const {
    if (begin.size() != dims.size() || size.size() != dims.size()) return std::nullopt;
    std::vector<int64_t> sizes = size;
    for (size_t i = 0; i < dims.size(); ++i) {
      if (sizes[i] == -1) sizes[i] = dims[i] - begin[i];
      if (begin[i] < 0 || begin[i] > dims[i] || sizes[i] < 0 || sizes[i] > dims[i] - begin[i]) return std::nullopt;
    }
    return ResolvedSlice{dims, sizes,
                         array_ops::box_region(dims, begin, std::vector<int64_t>(dims.size(), 1), sizes)};
  }
};

// The kernel of either spec. The slice for the input shape static inference
// knows is resolved now; inside while loops it often does not know it, so
// the slice for the last shape seen at run time is kept too (an atomic
// pointer: the kernel is shared by concurrent runs).
template <class Spec>
KernelFn prepare_planned(const PrepareContext& pc, Spec spec) {
  auto last = std::make_shared<std::atomic<std::shared_ptr<const ResolvedSlice>>>();
  const PartialShape in = pc.input_shapes.empty() ? PartialShape::unknown() : pc.input_shapes[0];
  if (in.fully_known())
    if (std::optional<ResolvedSlice> r = spec.resolve(in.dims()))
      last->store(std::make_shared<const ResolvedSlice>(std::move(*r)));
  const OpDef& def = pc.def;
  return [&def, spec = std::move(spec), last](OpContext& ctx) {
    const Tensor& x = ctx.input(0);
    if (!x.valid() || x.dtype() == DType::Resource || x.dtype() == DType::Variant) return def.reference(ctx);
    std::shared_ptr<const ResolvedSlice> r = last->load();
    if (!r || r->dims != x.shape().dims()) {
      std::optional<ResolvedSlice> now = spec.resolve(x.shape().dims());
      if (!now) return def.reference(ctx);
      r = std::make_shared<const ResolvedSlice>(std::move(*now));
      last->store(r);
    }
    Tensor& out = array_ops::allocate_output(ctx, 0, x.dtype(), r->out_dims);
    if (out.num_elements() > 0) array_ops::copy_region(x, out, r->region, array_ops::CopyKernel::Cpu);
  };
}

KernelFn prepare_strided_slice(const PrepareContext& pc) {
  const Node& n = pc.node;
  return prepare_planned(
      pc, StridedSliceSpec{pc.constant(1)->to_int64_vector(), pc.constant(2)->to_int64_vector(),
                           pc.constant(3)->to_int64_vector(),
                           {n.attr_int_or("begin_mask", 0), n.attr_int_or("end_mask", 0),
                            n.attr_int_or("ellipsis_mask", 0), n.attr_int_or("new_axis_mask", 0),
                            n.attr_int_or("shrink_axis_mask", 0)}});
}

KernelFn prepare_slice(const PrepareContext& pc) {
  return prepare_planned(pc, SliceSpec{pc.constant(1)->to_int64_vector(), pc.constant(2)->to_int64_vector()});
}

}  // namespace

std::vector<Implementation> strided_slice_implementations() {
  return {{"strided_slice/planned", {"StridedSlice"}, [](const PrepareContext& pc) { return constant_spec(pc, 4); },
           prepare_strided_slice},
          {"slice/planned", {"Slice"}, [](const PrepareContext& pc) { return constant_spec(pc, 3); }, prepare_slice}};
}

}  // namespace frost
