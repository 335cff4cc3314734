#include "runtime/ops/array_util.h"

#include <algorithm>
#include <cstring>

#include "kernels/strided_copy.h"

namespace frost::array_ops {

void add_op(OpRegistry& r, const std::string& name, std::function<void(OpContext&)> kernel,
            std::function<std::vector<PartialShape>(const ShapeContext&)> shapes,
            std::function<int(const Node&)> num_outputs,
            std::vector<std::pair<std::string, std::string>> required_attrs) {
  OpDef def;
  def.name = name;
  def.reference = [kernel = std::move(kernel)](OpContext& ctx) {
    try {
      kernel(ctx);
    } catch (Error& e) {
      e.node(ctx.node().name).op(ctx.node().op);
      throw;
    }
  };
  def.infer_shapes = [shapes = std::move(shapes)](const ShapeContext& ctx) {
    try {
      return shapes(ctx);
    } catch (Error& e) {
      e.node(ctx.node.name).op(ctx.node.op);
      throw;
    }
  };
  if (num_outputs) def.num_outputs = std::move(num_outputs);
  def.required_attrs = std::move(required_attrs);
  r.add(std::move(def));
}

Dims row_major_strides(const Dims& dims) {
  Dims s(dims.size(), 1);
  for (size_t k = dims.size(); k-- > 1;) s[k - 1] = s[k] * dims[k];
  return s;
}

int64_t checked_mul(const OpContext& ctx, int64_t a, int64_t b, const std::string& what) {
  int64_t out;
  if (__builtin_mul_overflow(a, b, &out)) throw ctx.error(what + " overflows int64");
  return out;
}

void require_movable(const OpContext& ctx, const Tensor& t, const std::string& what) {
  if (!t.valid()) throw ctx.error(what + " has no value");
  if (t.dtype() != DType::String && dtype_size(t.dtype()) == 0)
    throw ctx.error(what + " has dtype " + dtype_name(t.dtype()) + ", which this op cannot move");
}

namespace {
void check_output_dims(const OpContext& ctx, DType dtype, const Dims& dims) {
  for (int64_t d : dims)
    if (d < 0) throw ctx.error("output dimension " + std::to_string(d) + " is negative");
  int64_t n = 1;
  for (int64_t d : dims) n = checked_mul(ctx, n, d, "output element count");
  const int64_t elem = dtype == DType::String ? 32 : static_cast<int64_t>(dtype_size(dtype));
  if (elem > 0 && n > kMaxTensorBytes / elem)
    throw ctx.error("output " + dtype_name(dtype) + " " + Shape(dims).to_string() + " would exceed the " +
                    std::to_string(kMaxTensorBytes >> 30) + " GiB tensor limit");
}
}  // namespace

Tensor allocate(const OpContext& ctx, DType dtype, const Dims& dims) {
  check_output_dims(ctx, dtype, dims);
  return Tensor(dtype, Shape(dims));
}

Tensor& allocate_output(OpContext& ctx, int i, DType dtype, const Dims& dims) {
  check_output_dims(ctx, dtype, dims);
  return ctx.allocate_output(i, dtype, Shape(dims));
}

void copy_region(const Tensor& src, Tensor& dst, CopyRegion c, CopyKernel kernel) {
  // Simplify: a zero dim means nothing to copy; size-1 dims do not move the
  // pointers; neighbours that are contiguous in both tensors become one dim.
  Dims dims, ss, ds;
  for (size_t k = 0; k < c.dims.size(); ++k) {
    if (c.dims[k] == 0) return;
    if (c.dims[k] == 1) continue;
    if (!dims.empty() && ss.back() == c.src_strides[k] * c.dims[k] && ds.back() == c.dst_strides[k] * c.dims[k]) {
      dims.back() *= c.dims[k];
      ss.back() = c.src_strides[k];
      ds.back() = c.dst_strides[k];
      continue;
    }
    dims.push_back(c.dims[k]);
    ss.push_back(c.src_strides[k]);
    ds.push_back(c.dst_strides[k]);
  }
  const kernels::StridedCopyParams p{dims, ss, ds};
  if (src.dtype() == DType::String) {
    kernels::strided_copy_reference(p, src.strings().data() + c.src_offset, dst.strings().data() + c.dst_offset);
    return;
  }
  const std::size_t elem = dtype_size(src.dtype());
  const auto* from = static_cast<const std::byte*>(src.raw_data()) + c.src_offset * static_cast<int64_t>(elem);
  auto* to = static_cast<std::byte*>(dst.raw_data()) + c.dst_offset * static_cast<int64_t>(elem);
  if (kernel == CopyKernel::Cpu) kernels::strided_copy(p, from, to, elem);
  else kernels::strided_copy_reference(p, from, to, elem);
}

CopyRegion box_region(const Dims& in_dims, const Dims& begin, const Dims& steps, const Dims& sizes) {
  const Dims in_strides = row_major_strides(in_dims);
  CopyRegion c;
  c.dims = sizes;
  c.dst_strides = row_major_strides(sizes);
  for (size_t k = 0; k < sizes.size(); ++k) {
    c.src_offset += begin[k] * in_strides[k];
    c.src_strides.push_back(steps[k] * in_strides[k]);
  }
  return c;
}

void copy_into(const Tensor& src, Tensor& dst, int64_t dst_offset, const Dims& dst_strides) {
  CopyRegion c;
  c.dst_offset = dst_offset;
  c.dims = src.shape().dims();
  c.src_strides = row_major_strides(c.dims);
  c.dst_strides = dst_strides;
  copy_region(src, dst, std::move(c));
}

void fill_with(Tensor& dst, const Tensor& value) {
  CopyRegion c;
  c.dims = {dst.num_elements()};
  c.src_strides = {0};
  c.dst_strides = {1};
  copy_region(value, dst, std::move(c));
}

void copy_element(const Tensor& src, int64_t si, Tensor& dst, int64_t di) {
  if (src.dtype() == DType::String) {
    dst.strings()[static_cast<size_t>(di)] = src.strings()[static_cast<size_t>(si)];
    return;
  }
  const std::size_t elem = dtype_size(src.dtype());
  std::memcpy(static_cast<std::byte*>(dst.raw_data()) + static_cast<std::size_t>(di) * elem,
              static_cast<const std::byte*>(src.raw_data()) + static_cast<std::size_t>(si) * elem, elem);
}

std::vector<int64_t> read_int_vector(const OpContext& ctx, const Tensor& t, const std::string& what) {
  if (!t.valid() || !dtype_is_integer(t.dtype()))
    throw ctx.error(what + " must be an int32 or int64 tensor, got " + t.summary());
  if (t.rank() != 1) throw ctx.error(what + " must be a vector, got shape " + t.shape().to_string());
  return t.to_int64_vector();
}

int64_t read_int_scalar(const OpContext& ctx, const Tensor& t, const std::string& what) {
  if (!t.valid() || !dtype_is_integer(t.dtype()))
    throw ctx.error(what + " must be an int32 or int64 tensor, got " + t.summary());
  if (t.num_elements() != 1 || t.rank() > 1)
    throw ctx.error(what + " must be a scalar, got shape " + t.shape().to_string());
  return t.as_int64(0);
}

void require_scalar(const OpContext& ctx, const Tensor& t, const std::string& what) {
  if (!t.valid() || t.rank() != 0) throw ctx.error(what + " must be a scalar, got " + t.summary());
}

int attr_count(const OpContext& ctx, const std::string& attr, int fallback) {
  const int64_t n = ctx.node().attr_int_or(attr, fallback);
  if (n != fallback) throw ctx.error("attr " + attr + "=" + std::to_string(n) + " but the node has " +
                                     std::to_string(fallback) + " matching inputs");
  return fallback;
}

std::function<int(const Node&)> outputs_from_attr(const std::string& attr, int64_t fallback) {
  return [attr, fallback](const Node& n) {
    const AttrValue* v = n.has_attr(attr) ? &n.attr(attr) : nullptr;
    const int64_t count = v && v->is<int64_t>() ? v->i() : fallback;
    return static_cast<int>(std::clamp<int64_t>(count, 0, kMaxOutputs));
  };
}

int check_output_count(const OpContext& ctx, int64_t wanted, const std::string& what) {
  if (wanted < 1 || wanted > kMaxOutputs || wanted != ctx.num_outputs())
    throw ctx.error(what + "=" + std::to_string(wanted) + " must be in [1, " + std::to_string(kMaxOutputs) +
                    "] and match the node's " + std::to_string(ctx.num_outputs()) + " outputs");
  return static_cast<int>(wanted);
}

std::vector<PartialShape> unknown_outputs(int64_t n, const PartialShape& each) {
  return std::vector<PartialShape>(static_cast<size_t>(std::clamp<int64_t>(n, 1, kMaxOutputs)), each);
}

int resolve_axis(const OpContext& ctx, int64_t axis, int rank, const std::string& what) {
  if (axis < -rank || axis >= rank)
    throw ctx.error(what + " " + std::to_string(axis) + " is out of range [" + std::to_string(-rank) + ", " +
                    std::to_string(rank) + ")");
  return static_cast<int>(axis < 0 ? axis + rank : axis);
}

void store_number(Tensor& t, int64_t i, double v) {
  const auto k = static_cast<size_t>(i);
  switch (t.dtype()) {
    case DType::Float: t.data<float>()[k] = static_cast<float>(v); return;
    case DType::Double: t.data<double>()[k] = v; return;
    case DType::Half: t.data<uint16_t>()[k] = float_to_half(static_cast<float>(v)); return;
    case DType::BFloat16: t.data<uint16_t>()[k] = float_to_bfloat16(static_cast<float>(v)); return;
    case DType::Int8: case DType::QInt8: t.data<int8_t>()[k] = static_cast<int8_t>(v); return;
    case DType::UInt8: case DType::QUInt8: t.data<uint8_t>()[k] = static_cast<uint8_t>(v); return;
    case DType::Int16: case DType::QInt16: t.data<int16_t>()[k] = static_cast<int16_t>(v); return;
    case DType::UInt16: case DType::QUInt16: t.data<uint16_t>()[k] = static_cast<uint16_t>(v); return;
    case DType::Int32: case DType::QInt32: t.data<int32_t>()[k] = static_cast<int32_t>(v); return;
    case DType::UInt32: t.data<uint32_t>()[k] = static_cast<uint32_t>(v); return;
    case DType::Int64: t.data<int64_t>()[k] = static_cast<int64_t>(v); return;
    case DType::UInt64: t.data<uint64_t>()[k] = static_cast<uint64_t>(v); return;
    case DType::Bool: t.data<bool>()[k] = v != 0; return;
    default: throw Error("cannot store a number in a " + dtype_name(t.dtype()) + " tensor");
  }
}

PartialShape input_shape(const ShapeContext& ctx, int i) {
  return i < static_cast<int>(ctx.input_shapes.size()) ? ctx.input_shapes[static_cast<size_t>(i)]
                                                      : PartialShape::unknown();
}

const Tensor* input_value(const ShapeContext& ctx, int i) {
  return i < static_cast<int>(ctx.input_values.size()) ? ctx.input_values[static_cast<size_t>(i)] : nullptr;
}

std::optional<std::vector<int64_t>> const_ints(const ShapeContext& ctx, int i) {
  const Tensor* t = input_value(ctx, i);
  if (!t || !t->valid() || !dtype_is_integer(t->dtype()) || t->rank() > 1) return std::nullopt;
  return t->to_int64_vector();
}

PartialShape unknown_dims(int rank) {
  return PartialShape(std::vector<int64_t>(static_cast<size_t>(rank), PartialShape::kUnknown));
}

}  // namespace frost::array_ops
