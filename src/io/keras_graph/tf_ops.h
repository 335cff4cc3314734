// The TensorFlow ops a Keras conversion emits, with the attributes
// TensorFlow itself puts on them (T, data_format, Tidx, ...), so that the
// GraphDef Frost writes loads and runs in TensorFlow unchanged. Layouts as
// TensorFlow: NHWC activations, HWIO filters, HW-in-multiplier depthwise filters.
#pragma once

#include <string>
#include <vector>

#include "io/keras_graph/graph_builder.h"

namespace frost::keras::tf {

Value scalar(GraphBuilder& b, const std::string& name, float value);
Value int_vector(GraphBuilder& b, const std::string& name, const std::vector<int64_t>& values);  // int32 Const

Value identity(GraphBuilder& b, const std::string& name, const Value& x);
Value unary(GraphBuilder& b, const std::string& name, const std::string& op, const Value& x);
// AddV2, Sub, Mul, RealDiv, Maximum, Minimum, SquaredDifference, Greater, ...
Value binary(GraphBuilder& b, const std::string& name, const std::string& op, const Value& x, const Value& y);
Value leaky_relu(GraphBuilder& b, const std::string& name, const Value& x, float alpha);
Value softmax(GraphBuilder& b, const std::string& name, const Value& x, bool log = false);  // last axis
Value cast(GraphBuilder& b, const std::string& name, const Value& x, DType to);
Value select(GraphBuilder& b, const std::string& name, const Value& cond, const Value& x, const Value& y);

Value matmul(GraphBuilder& b, const std::string& name, const Value& x, const Value& y, bool transpose_b = false);
Value batch_matmul(GraphBuilder& b, const std::string& name, const Value& x, const Value& y, bool adj_x, bool adj_y);
Value bias_add(GraphBuilder& b, const std::string& name, const Value& x, const Value& bias);

// padding: "SAME" or "VALID"; strides/dilations of H and W.
Value conv2d(GraphBuilder& b, const std::string& name, const Value& x, const Value& filter, std::vector<int64_t> strides,
             const std::string& padding, std::vector<int64_t> dilations);
Value depthwise_conv2d(GraphBuilder& b, const std::string& name, const Value& x, const Value& filter,
                       std::vector<int64_t> strides, const std::string& padding, std::vector<int64_t> dilations);
// Conv2DBackpropInput producing `output_shape` (an int32 [4] value: N,H,W,C).
Value conv2d_transpose(GraphBuilder& b, const std::string& name, const Value& x, const Value& filter,
                       const Value& output_shape, std::vector<int64_t> strides, const std::string& padding,
                       std::vector<int64_t> dilations);
// "MaxPool" or "AvgPool", NHWC, window and strides of H and W.
Value pool(GraphBuilder& b, const std::string& name, const std::string& op, const Value& x, std::vector<int64_t> window,
           std::vector<int64_t> strides, const std::string& padding);
Value fused_batch_norm(GraphBuilder& b, const std::string& name, const Value& x, const Value& scale,
                       const Value& offset, const Value& mean, const Value& variance, float epsilon);

// "Mean", "Max", "Min", "Sum", "Prod" over `axes`.
Value reduce(GraphBuilder& b, const std::string& name, const std::string& op, const Value& x,
             const std::vector<int64_t>& axes, bool keep_dims);
Value reshape(GraphBuilder& b, const std::string& name, const Value& x, const std::vector<int64_t>& shape);
Value reshape(GraphBuilder& b, const std::string& name, const Value& x, const Value& shape);
Value transpose(GraphBuilder& b, const std::string& name, const Value& x, const std::vector<int64_t>& perm);
Value concat(GraphBuilder& b, const std::string& name, const std::vector<Value>& xs, int64_t axis);
Value pack(GraphBuilder& b, const std::string& name, const std::vector<Value>& xs, int64_t axis);
std::vector<Value> split(GraphBuilder& b, const std::string& name, const Value& x, int64_t axis, int n);
std::vector<Value> unpack(GraphBuilder& b, const std::string& name, const Value& x, int64_t axis, int n);
// x[..., begin:end:stride, ...] on every axis; `shrink` bits drop axes.
Value strided_slice(GraphBuilder& b, const std::string& name, const Value& x, const std::vector<int64_t>& begin,
                    const std::vector<int64_t>& end, const std::vector<int64_t>& strides, int64_t begin_mask = 0,
                    int64_t end_mask = 0, int64_t shrink_mask = 0);
Value pad(GraphBuilder& b, const std::string& name, const Value& x, const std::vector<std::pair<int64_t, int64_t>>& pads);
Value gather(GraphBuilder& b, const std::string& name, const Value& params, const Value& indices, int64_t axis);
Value expand_dims(GraphBuilder& b, const std::string& name, const Value& x, int64_t axis);
Value squeeze(GraphBuilder& b, const std::string& name, const Value& x, const std::vector<int64_t>& axes);
Value tile(GraphBuilder& b, const std::string& name, const Value& x, const std::vector<int64_t>& multiples);
Value shape_of(GraphBuilder& b, const std::string& name, const Value& x);
// "ResizeNearestNeighbor" or "ResizeBilinear" to `size` (H, W).
Value resize(GraphBuilder& b, const std::string& name, const std::string& op, const Value& x,
             const std::vector<int64_t>& size, bool half_pixel_centers);

// x reshaped to the leading `keep` dimensions of `like` followed by `tail`:
// a constant shape when at most one dimension is unknown, else
// Shape/StridedSlice/ConcatV2 of `like`'s shape at run time.
Value reshape_keep_leading(GraphBuilder& b, const std::string& scope, const Value& x, const Value& like, int keep,
                           const std::vector<int64_t>& tail);

}  // namespace frost::keras::tf
