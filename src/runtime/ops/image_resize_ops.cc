// ResizeBilinear (any real input dtype, float output) and
// ResizeNearestNeighbor (output dtype = input dtype) on NHWC images, with
// align_corners and half_pixel_centers as TensorFlow defines them.
#include "kernels/resize.h"
#include "runtime/ops/nn_common.h"

namespace frost {

namespace {

bool is_bilinear(const Node& node) { return node.op == "ResizeBilinear"; }

struct ResizeFlags {
  bool align_corners, half_pixel_centers;
};
ResizeFlags read_flags(const Node& node) {
  const ResizeFlags f{node.attr_bool_or("align_corners", false), node.attr_bool_or("half_pixel_centers", false)};
  if (f.align_corners && f.half_pixel_centers)
    throw node.error("align_corners and half_pixel_centers cannot both be true");
  return f;
}

// The output size from the `size` input: an int32 vector of 2 positive values.
std::array<int64_t, 2> read_size(const Node& node, const Tensor& size) {
  if (size.dtype() != DType::Int32 && size.dtype() != DType::Int64)
    throw node.error("size must be int32, got " + dtype_name(size.dtype()));
  if (size.rank() != 1 || size.shape()[0] != 2)
    throw node.error("size must be a vector of 2 elements (height, width), got shape " + size.shape().to_string());
  const std::vector<int64_t> v = size.to_int64_vector();
  if (v[0] <= 0 || v[1] <= 0)
    throw node.error("output size must be positive, got [" + std::to_string(v[0]) + "," + std::to_string(v[1]) + "]");
  return {v[0], v[1]};
}

std::vector<PartialShape> resize_shape(const ShapeContext& ctx) {
  (void)read_flags(ctx.node);
  const PartialShape in = nn::input_shape(ctx, 0);
  if (in.known_rank() && in.rank() != 4) throw ctx.error("images must be 4-D, got shape " + in.to_string());
  const auto d = nn::nhwc_dims(in, nn::DataFormat::ChannelsLast);
  const Tensor* size = ctx.input_values.size() > 1 ? ctx.input_values[1] : nullptr;
  if (size == nullptr) return {PartialShape{d[0], -1, -1, d[3]}};
  const auto s = read_size(ctx.node, *size);
  return {PartialShape{d[0], s[0], s[1], d[3]}};
}

void resize(OpContext& ctx) {
  nn::check_num_inputs(ctx, 2);
  const Node& node = ctx.node();
  const ResizeFlags flags = read_flags(node);
  const Tensor& images = ctx.input(0);
  if (images.rank() != 4) throw ctx.error("images must be 4-D, got shape " + images.shape().to_string());
  const auto size = read_size(node, ctx.input(1));
  kernels::ResizeParams p;
  p.batch = images.shape()[0];
  p.in_h = images.shape()[1];
  p.in_w = images.shape()[2];
  p.channels = images.shape()[3];
  p.out_h = size[0];
  p.out_w = size[1];
  p.align_corners = flags.align_corners;
  p.half_pixel_centers = flags.half_pixel_centers;
  if (p.in_h <= 0 || p.in_w <= 0)
    throw ctx.error("images must have a non-zero height and width, got shape " + images.shape().to_string());
  const Shape out_shape{p.batch, p.out_h, p.out_w, p.channels};

  if (is_bilinear(node)) {
    if (images.dtype() == DType::Bool || !(dtype_is_float(images.dtype()) || dtype_is_integer(images.dtype())))
      throw ctx.error("images has dtype " + dtype_name(images.dtype()) + ", expected a real number type");
    Tensor in = images;
    if (images.dtype() != DType::Float) {  // the op computes in float whatever it is given
      in = Tensor(DType::Float, images.shape());
      float* dst = in.data<float>();
      for (int64_t i = 0; i < images.num_elements(); ++i) dst[i] = static_cast<float>(images.as_double(i));
    }
    Tensor out(DType::Float, out_shape);
    kernels::resize_bilinear_reference(p, in.data<float>(), out.data<float>());
    ctx.set_output(0, out);
    return;
  }
  const std::size_t element = dtype_size(images.dtype());
  if (element == 0) throw ctx.error("images has dtype " + dtype_name(images.dtype()) + ", which cannot be resized");
  Tensor out(images.dtype(), out_shape);
  kernels::resize_nearest_reference(p, images.raw_data(), out.raw_data(), element);
  ctx.set_output(0, out);
}

}  // namespace

void register_image_resize_ops(OpRegistry& r) {
  for (const char* name : {"ResizeBilinear", "ResizeNearestNeighbor"})
    r.add({.name = name, .infer_shapes = resize_shape, .reference = resize, .required_attrs = {}});
}

}  // namespace frost
