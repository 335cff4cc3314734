#include "io/keras_graph/tf_ops.h"

namespace frost::keras::tf {

namespace {

Attrs typed(const Value& x) { return {{"T", x.dtype}}; }

Tensor int32_tensor(const std::vector<int64_t>& values, Shape shape) {
  std::vector<int32_t> v(values.begin(), values.end());
  return Tensor::from_vector(v, std::move(shape));
}

}  // namespace

Value scalar(GraphBuilder& b, const std::string& name, float value) {
  return b.constant(name, Tensor::scalar<float>(value));
}

Value int_vector(GraphBuilder& b, const std::string& name, const std::vector<int64_t>& values) {
  return b.constant(name, int32_tensor(values, Shape{static_cast<int64_t>(values.size())}));
}

Value identity(GraphBuilder& b, const std::string& name, const Value& x) { return b.add1(name, "Identity", {x}, typed(x)); }

Value unary(GraphBuilder& b, const std::string& name, const std::string& op, const Value& x) {
  return b.add1(name, op, {x}, typed(x));
}

Value binary(GraphBuilder& b, const std::string& name, const std::string& op, const Value& x, const Value& y) {
  return b.add1(name, op, {x, y}, typed(x));
}

Value leaky_relu(GraphBuilder& b, const std::string& name, const Value& x, float alpha) {
  return b.add1(name, "LeakyRelu", {x}, {{"T", x.dtype}, {"alpha", alpha}});
}

Value softmax(GraphBuilder& b, const std::string& name, const Value& x, bool log) {
  return b.add1(name, log ? "LogSoftmax" : "Softmax", {x}, typed(x));
}

Value cast(GraphBuilder& b, const std::string& name, const Value& x, DType to) {
  return b.add1(name, "Cast", {x}, {{"SrcT", x.dtype}, {"DstT", to}, {"Truncate", false}});
}

Value select(GraphBuilder& b, const std::string& name, const Value& cond, const Value& x, const Value& y) {
  return b.add1(name, "SelectV2", {cond, x, y}, typed(x));
}

Value matmul(GraphBuilder& b, const std::string& name, const Value& x, const Value& y, bool transpose_b) {
  return b.add1(name, "MatMul", {x, y}, {{"T", x.dtype}, {"transpose_a", false}, {"transpose_b", transpose_b}});
}

Value batch_matmul(GraphBuilder& b, const std::string& name, const Value& x, const Value& y, bool adj_x, bool adj_y) {
  return b.add1(name, "BatchMatMulV2", {x, y}, {{"T", x.dtype}, {"adj_x", adj_x}, {"adj_y", adj_y}});
}

Value bias_add(GraphBuilder& b, const std::string& name, const Value& x, const Value& bias) {
  return b.add1(name, "BiasAdd", {x, bias}, {{"T", x.dtype}, {"data_format", "NHWC"}});
}

namespace {

Attrs conv_attrs(const Value& x, const std::vector<int64_t>& strides, const std::string& padding,
                 const std::vector<int64_t>& dilations) {
  return {{"T", x.dtype},
          {"strides", std::vector<int64_t>{1, strides.at(0), strides.at(1), 1}},
          {"padding", padding},
          {"data_format", "NHWC"},
          {"dilations", std::vector<int64_t>{1, dilations.at(0), dilations.at(1), 1}}};
}

}  // namespace

Value conv2d(GraphBuilder& b, const std::string& name, const Value& x, const Value& filter, std::vector<int64_t> strides,
             const std::string& padding, std::vector<int64_t> dilations) {
  Attrs a = conv_attrs(x, strides, padding, dilations);
  a["use_cudnn_on_gpu"] = true;
  return b.add1(name, "Conv2D", {x, filter}, std::move(a));
}

Value depthwise_conv2d(GraphBuilder& b, const std::string& name, const Value& x, const Value& filter,
                       std::vector<int64_t> strides, const std::string& padding, std::vector<int64_t> dilations) {
  Attrs a = conv_attrs(x, strides, padding, dilations);
  return b.add1(name, "DepthwiseConv2dNative", {x, filter}, std::move(a));
}

Value conv2d_transpose(GraphBuilder& b, const std::string& name, const Value& x, const Value& filter,
                       const Value& output_shape, std::vector<int64_t> strides, const std::string& padding,
                       std::vector<int64_t> dilations) {
  Attrs a = conv_attrs(x, strides, padding, dilations);
  a["use_cudnn_on_gpu"] = true;
  return b.add1(name, "Conv2DBackpropInput", {output_shape, filter, x}, std::move(a));
}

Value pool(GraphBuilder& b, const std::string& name, const std::string& op, const Value& x, std::vector<int64_t> window,
           std::vector<int64_t> strides, const std::string& padding) {
  return b.add1(name, op, {x},
                {{"T", x.dtype},
                 {"ksize", std::vector<int64_t>{1, window.at(0), window.at(1), 1}},
                 {"strides", std::vector<int64_t>{1, strides.at(0), strides.at(1), 1}},
                 {"padding", padding},
                 {"data_format", "NHWC"}});
}

Value fused_batch_norm(GraphBuilder& b, const std::string& name, const Value& x, const Value& scale,
                       const Value& offset, const Value& mean, const Value& variance, float epsilon) {
  return b.add(name, "FusedBatchNormV3", {x, scale, offset, mean, variance},
               {{"T", x.dtype},
                {"U", DType::Float},
                {"epsilon", epsilon},
                {"exponential_avg_factor", 1.0f},
                {"data_format", "NHWC"},
                {"is_training", false}})[0];
}

Value reduce(GraphBuilder& b, const std::string& name, const std::string& op, const Value& x,
             const std::vector<int64_t>& axes, bool keep_dims) {
  const Value idx = int_vector(b, name + "/reduction_indices", axes);
  return b.add1(name, op, {x, idx}, {{"T", x.dtype}, {"Tidx", DType::Int32}, {"keep_dims", keep_dims}});
}

Value reshape(GraphBuilder& b, const std::string& name, const Value& x, const std::vector<int64_t>& shape) {
  return reshape(b, name, x, int_vector(b, name + "/shape", shape));
}

Value reshape(GraphBuilder& b, const std::string& name, const Value& x, const Value& shape) {
  return b.add1(name, "Reshape", {x, shape}, {{"T", x.dtype}, {"Tshape", shape.dtype}});
}

Value transpose(GraphBuilder& b, const std::string& name, const Value& x, const std::vector<int64_t>& perm) {
  const Value p = int_vector(b, name + "/perm", perm);
  return b.add1(name, "Transpose", {x, p}, {{"T", x.dtype}, {"Tperm", DType::Int32}});
}

Value concat(GraphBuilder& b, const std::string& name, const std::vector<Value>& xs, int64_t axis) {
  std::vector<Value> in = xs;
  in.push_back(b.constant(name + "/axis", Tensor::scalar<int32_t>(static_cast<int32_t>(axis))));
  return b.add1(name, "ConcatV2", in,
                {{"T", xs.at(0).dtype}, {"N", static_cast<int64_t>(xs.size())}, {"Tidx", DType::Int32}});
}

Value pack(GraphBuilder& b, const std::string& name, const std::vector<Value>& xs, int64_t axis) {
  return b.add1(name, "Pack", xs, {{"T", xs.at(0).dtype}, {"N", static_cast<int64_t>(xs.size())}, {"axis", axis}});
}

std::vector<Value> split(GraphBuilder& b, const std::string& name, const Value& x, int64_t axis, int n) {
  const Value dim = b.constant(name + "/split_dim", Tensor::scalar<int32_t>(static_cast<int32_t>(axis)));
  return b.add(name, "Split", {dim, x}, {{"T", x.dtype}, {"num_split", int64_t{n}}});
}

std::vector<Value> unpack(GraphBuilder& b, const std::string& name, const Value& x, int64_t axis, int n) {
  return b.add(name, "Unpack", {x}, {{"T", x.dtype}, {"num", int64_t{n}}, {"axis", axis}});
}

Value strided_slice(GraphBuilder& b, const std::string& name, const Value& x, const std::vector<int64_t>& begin,
                    const std::vector<int64_t>& end, const std::vector<int64_t>& strides, int64_t begin_mask,
                    int64_t end_mask, int64_t shrink_mask) {
  const Value vb = int_vector(b, name + "/begin", begin);
  const Value ve = int_vector(b, name + "/end", end);
  const Value vs = int_vector(b, name + "/strides", strides);
  return b.add1(name, "StridedSlice", {x, vb, ve, vs},
                {{"T", x.dtype},
                 {"Index", DType::Int32},
                 {"begin_mask", begin_mask},
                 {"end_mask", end_mask},
                 {"ellipsis_mask", int64_t{0}},
                 {"new_axis_mask", int64_t{0}},
                 {"shrink_axis_mask", shrink_mask}});
}

Value pad(GraphBuilder& b, const std::string& name, const Value& x, const std::vector<std::pair<int64_t, int64_t>>& pads) {
  std::vector<int64_t> flat;
  for (const auto& [lo, hi] : pads) {
    flat.push_back(lo);
    flat.push_back(hi);
  }
  const Value p = b.constant(name + "/paddings", int32_tensor(flat, Shape{static_cast<int64_t>(pads.size()), 2}));
  return b.add1(name, "Pad", {x, p}, {{"T", x.dtype}, {"Tpaddings", DType::Int32}});
}

Value gather(GraphBuilder& b, const std::string& name, const Value& params, const Value& indices, int64_t axis) {
  const Value ax = b.constant(name + "/axis", Tensor::scalar<int32_t>(static_cast<int32_t>(axis)));
  return b.add1(name, "GatherV2", {params, indices, ax},
                {{"Tparams", params.dtype}, {"Tindices", indices.dtype}, {"Taxis", DType::Int32}, {"batch_dims", int64_t{0}}});
}

Value expand_dims(GraphBuilder& b, const std::string& name, const Value& x, int64_t axis) {
  const Value dim = b.constant(name + "/dim", Tensor::scalar<int32_t>(static_cast<int32_t>(axis)));
  return b.add1(name, "ExpandDims", {x, dim}, {{"T", x.dtype}, {"Tdim", DType::Int32}});
}

Value squeeze(GraphBuilder& b, const std::string& name, const Value& x, const std::vector<int64_t>& axes) {
  return b.add1(name, "Squeeze", {x}, {{"T", x.dtype}, {"squeeze_dims", axes}});
}

Value tile(GraphBuilder& b, const std::string& name, const Value& x, const std::vector<int64_t>& multiples) {
  const Value m = int_vector(b, name + "/multiples", multiples);
  return b.add1(name, "Tile", {x, m}, {{"T", x.dtype}, {"Tmultiples", DType::Int32}});
}

Value shape_of(GraphBuilder& b, const std::string& name, const Value& x) {
  return b.add1(name, "Shape", {x}, {{"T", x.dtype}, {"out_type", DType::Int32}});
}

Value resize(GraphBuilder& b, const std::string& name, const std::string& op, const Value& x,
             const std::vector<int64_t>& size, bool half_pixel_centers) {
  const Value s = int_vector(b, name + "/size", size);
  return b.add1(name, op, {x, s}, {{"T", x.dtype}, {"align_corners", false}, {"half_pixel_centers", half_pixel_centers}});
}

Value reshape_keep_leading(GraphBuilder& b, const std::string& scope, const Value& x, const Value& like, int keep,
                           const std::vector<int64_t>& tail) {
  std::vector<int64_t> lead;
  int unknown = 0;
  for (int i = 0; i < keep; ++i) {
    lead.push_back(like.dim(i));
    if (like.dim(i) < 0) ++unknown;
  }
  if (unknown <= 1) {
    std::vector<int64_t> shape = lead;
    for (int64_t& d : shape) d = d < 0 ? -1 : d;
    bool tail_unknown = false;
    for (int64_t d : tail) tail_unknown |= d < 0;
    if (!(unknown == 1 && tail_unknown)) {
      shape.insert(shape.end(), tail.begin(), tail.end());
      return reshape(b, scope + "/Reshape", x, shape);
    }
  }
  const Value s = shape_of(b, scope + "/Shape", like);
  const Value head = strided_slice(b, scope + "/strided_slice", s, {0}, {keep}, {1});
  const Value shape = concat(b, scope + "/concat", {head, int_vector(b, scope + "/tail", tail)}, 0);
  return reshape(b, scope + "/Reshape", x, shape);
}

}  // namespace frost::keras::tf
