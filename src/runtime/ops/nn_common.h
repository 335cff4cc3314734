// Helpers shared by the nn and image op adapters: reading TensorFlow's
// window attrs (strides, dilations, padding, data_format) with the defaults
// TensorFlow strips from graphs, dtype dispatch, and moving NCHW tensors to
// the NHWC layout the kernels use.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "graph/op_registry.h"
#include "kernels/conv.h"
#include "kernels/padding.h"
#include "kernels/pool.h"

namespace frost::nn {

// Where the channel dimension is: NHWC/NDHWC/"[..., C]" or NCHW/NCDHW.
enum class DataFormat { ChannelsLast, ChannelsFirst };

// Reads attr "data_format" (default NHWC). Accepts NHWC/NCHW, and with
// `allow_3d` also NDHWC/NCDHW; anything else throws naming the node.
DataFormat read_data_format(const Node& node, bool allow_3d = false);

// Attrs of a 2-D sliding window op (Conv2D, DepthwiseConv2dNative,
// Conv2DBackpropInput, MaxPool, AvgPool), in NHWC terms.
struct Window2DAttrs {
  DataFormat format = DataFormat::ChannelsLast;
  kernels::PaddingMode padding = kernels::PaddingMode::Valid;
  int64_t window_h = 1, window_w = 1;  // pooling only (ksize)
  int64_t stride_h = 1, stride_w = 1;
  int64_t dilation_h = 1, dilation_w = 1;
  // EXPLICIT padding only:
  int64_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
};

// Conv2D-style attrs: strides (required, 4 ints in data_format order, batch
// and channel 1), padding (required: SAME, VALID or EXPLICIT), explicit_paddings
// (8 ints when EXPLICIT, batch/channel pairs 0), dilations (default 1s).
Window2DAttrs read_conv_attrs(const Node& node);
// Pooling attrs: ksize and strides (both required, 4 ints, batch and channel
// 1), padding (SAME, VALID, or EXPLICIT where `allow_explicit`), data_format.
// MaxPoolV2 passes ksize/strides as input values: `ksize`/`strides` override the attrs.
Window2DAttrs read_pool_attrs(const Node& node, bool allow_explicit, const std::vector<int64_t>* ksize = nullptr,
                              const std::vector<int64_t>* strides = nullptr);

// Output size and padding of one dimension; throws naming the node when the
// input is too small for the window. `which` is 0 for height, 1 for width.
kernels::WindowDim window_dim(const Node& node, const Window2DAttrs& a, int which, int64_t input, int64_t filter_taps);
// Fills the spatial geometry of a convolution (out_h/out_w, pads, strides,
// dilations) from the attrs; p's input and filter sizes must be set.
void fill_conv_window(const Node& node, const Window2DAttrs& a, kernels::Conv2DParams& p);

// Conv2DParams with batch, input and filter sizes read from the shapes (input
// in the node's data_format, filter HWIO) and the window filled in; the
// caller sets the channel relation (out_c, groups or depth_multiplier).
kernels::Conv2DParams conv_params(const Node& node, const Window2DAttrs& a, const Shape& input, const Shape& filter);
// Pool2DParams for a rank-4 input in the node's data_format (the kernels see
// it as NHWC); throws naming the node when the input is smaller than the window.
kernels::Pool2DParams pool_params(const Node& node, const Window2DAttrs& a, const Shape& input);

// The same for shape inference: -1 when the input size is unknown.
int64_t window_output_or_unknown(const Node& node, const Window2DAttrs& a, int which, int64_t input,
                                 int64_t filter_taps);

// Conv2DBackpropInput: the forward convolution's geometry (NHWC, groups
// from the filter depth) from the node's inputs (input_sizes, filter,
// out_backprop), after checking dtypes, ranks and that out_backprop is what
// the forward convolution of input_sizes gives; throws naming the node.
// Defined with the op in nn_conv_ops.cc.
kernels::Conv2DParams conv2d_backprop_input_params(const OpContext& ctx, const Window2DAttrs& a);

// The 4 dims of a rank-4 tensor shape in NHWC order (N, H, W, C), whatever
// its format. For partial shapes: unknown dims are -1, and an unknown rank
// gives four -1s.
std::array<int64_t, 4> nhwc_dims(const Shape& s, DataFormat f);
std::array<int64_t, 4> nhwc_dims(const PartialShape& s, DataFormat f);
// A rank-4 shape in format f from NHWC-ordered dims.
PartialShape shape_from_nhwc(const std::array<int64_t, 4>& nhwc, DataFormat f);

// Channels-first <-> channels-last copies of a tensor of rank >= 2 (NCHW ->
// NHWC, NCDHW -> NDHWC, and back). Any dtype.
Tensor to_channels_last(const Tensor& t);
Tensor to_channels_first(const Tensor& t);

// Throws unless `t` is float32 or float64; `what` names the input in the message.
void check_float_input(const OpContext& ctx, const Tensor& t, const std::string& what);
// Throws unless the node has exactly `n` data inputs.
void check_num_inputs(const OpContext& ctx, int n);

// Calls f(float{}) or f(double{}) for a float32/float64 dtype, so a generic
// lambda can pick the kernel's element type; other dtypes throw.
template <class F>
void with_float_type(const OpContext& ctx, DType t, F&& f) {
  if (t == DType::Float)
    f(float{});
  else if (t == DType::Double)
    f(double{});
  else
    throw ctx.error("unsupported dtype " + dtype_name(t) + " (float or double expected)");
}

// Shape-function helper: the shape of input i, or unknown when absent.
inline PartialShape input_shape(const ShapeContext& ctx, size_t i) {
  return i < ctx.input_shapes.size() ? ctx.input_shapes[i] : PartialShape::unknown();
}

}  // namespace frost::nn
