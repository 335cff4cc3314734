#include "runtime/ops/nn_common.h"

#include <cstdint>

#include "kernels/layout.h"

namespace frost::nn {

DataFormat read_data_format(const Node& node, bool allow_3d) {
  const std::string f = node.attr_string_or("data_format", "NHWC");
  if (f == "NHWC") return DataFormat::ChannelsLast;
  if (f == "NCHW") return DataFormat::ChannelsFirst;
  if (allow_3d && f == "NDHWC") return DataFormat::ChannelsLast;
  if (allow_3d && f == "NCDHW") return DataFormat::ChannelsFirst;
  throw node.error("unsupported data_format '" + f + "'");
}

namespace {

// TensorFlow holds strides, dilations, window sizes and paddings as int32;
// larger values are refused so that window arithmetic cannot overflow int64.
constexpr int64_t kMaxWindowValue = INT32_MAX;

kernels::PaddingMode read_padding(const Node& node, bool allow_explicit) {
  const std::string p = node.attr_string("padding");
  if (p == "SAME") return kernels::PaddingMode::Same;
  if (p == "VALID") return kernels::PaddingMode::Valid;
  if (p == "EXPLICIT" && allow_explicit) return kernels::PaddingMode::Explicit;
  throw node.error("unsupported padding '" + p + "'");
}

// Reads a 4-int list given in data_format order and returns its (H, W)
// entries after checking that the batch and channel entries equal `unit`.
std::array<int64_t, 2> spatial_pair(const Node& node, const std::string& key, const std::vector<int64_t>& v,
                                    DataFormat f, int64_t unit) {
  if (v.size() != 4) throw node.error("attr '" + key + "' must have 4 elements, has " + std::to_string(v.size()));
  const auto nhwc = f == DataFormat::ChannelsLast ? std::array<int64_t, 4>{v[0], v[1], v[2], v[3]}
                                                  : std::array<int64_t, 4>{v[0], v[2], v[3], v[1]};
  if (nhwc[0] != unit || nhwc[3] != unit)
    throw node.error("attr '" + key + "' must be " + std::to_string(unit) + " in the batch and channel dimensions");
  if (nhwc[1] < 1 || nhwc[2] < 1) throw node.error("attr '" + key + "' must be positive");
  if (nhwc[1] > kMaxWindowValue || nhwc[2] > kMaxWindowValue) throw node.error("attr '" + key + "' is too large");
  return {nhwc[1], nhwc[2]};
}

void read_explicit_paddings(const Node& node, Window2DAttrs& a) {
  const std::vector<int64_t> p = node.attr_ints_or("explicit_paddings", {});
  if (a.padding != kernels::PaddingMode::Explicit) {
    if (!p.empty()) throw node.error("explicit_paddings must be empty unless padding is EXPLICIT");
    return;
  }
  if (p.size() != 8) throw node.error("explicit_paddings must have 8 elements, has " + std::to_string(p.size()));
  // Pairs (before, after) per dimension in data_format order.
  const int h = a.format == DataFormat::ChannelsLast ? 1 : 2, w = h + 1,
            c = a.format == DataFormat::ChannelsLast ? 3 : 1;
  if (p[0] != 0 || p[1] != 0 || p[2 * c] != 0 || p[2 * c + 1] != 0)
    throw node.error("explicit_paddings must be 0 in the batch and channel dimensions");
  for (const int64_t x : p)
    if (x < 0 || x > kMaxWindowValue) throw node.error("explicit_paddings must be in [0, 2^31)");
  a.pad_top = p[2 * h];
  a.pad_bottom = p[2 * h + 1];
  a.pad_left = p[2 * w];
  a.pad_right = p[2 * w + 1];
}

}  // namespace

Window2DAttrs read_conv_attrs(const Node& node) {
  Window2DAttrs a;
  a.format = read_data_format(node);
  a.padding = read_padding(node, true);
  const auto s = spatial_pair(node, "strides", node.attr_ints("strides"), a.format, 1);
  a.stride_h = s[0];
  a.stride_w = s[1];
  const auto d = spatial_pair(node, "dilations", node.attr_ints_or("dilations", {1, 1, 1, 1}), a.format, 1);
  a.dilation_h = d[0];
  a.dilation_w = d[1];
  read_explicit_paddings(node, a);
  return a;
}

Window2DAttrs read_pool_attrs(const Node& node, bool allow_explicit, const std::vector<int64_t>* ksize,
                              const std::vector<int64_t>* strides) {
  Window2DAttrs a;
  a.format = read_data_format(node);
  a.padding = read_padding(node, allow_explicit);
  const auto k = spatial_pair(node, "ksize", ksize ? *ksize : node.attr_ints("ksize"), a.format, 1);
  a.window_h = k[0];
  a.window_w = k[1];
  const auto s = spatial_pair(node, "strides", strides ? *strides : node.attr_ints("strides"), a.format, 1);
  a.stride_h = s[0];
  a.stride_w = s[1];
  if (allow_explicit) read_explicit_paddings(node, a);
  return a;
}

kernels::WindowDim window_dim(const Node& node, const Window2DAttrs& a, int which, int64_t input, int64_t filter_taps) {
  kernels::WindowDim w;
  const bool ok = which == 0 ? kernels::compute_window_dim(input, filter_taps, a.stride_h, a.dilation_h, a.padding,
                                                           a.pad_top, a.pad_bottom, &w)
                             : kernels::compute_window_dim(input, filter_taps, a.stride_w, a.dilation_w, a.padding,
                                                           a.pad_left, a.pad_right, &w);
  if (!ok)
    throw node.error(std::string("no valid window in the ") + (which == 0 ? "height" : "width") + ": input size " +
                     std::to_string(input) + ", window " + std::to_string(filter_taps) +
                     " (the input is too small for the window, or a size is out of range)");
  return w;
}

int64_t window_output_or_unknown(const Node& node, const Window2DAttrs& a, int which, int64_t input,
                                 int64_t filter_taps) {
  if (input < 0 || filter_taps < 0) return PartialShape::kUnknown;
  return window_dim(node, a, which, input, filter_taps).output;
}

std::array<int64_t, 4> nhwc_dims(const Shape& s, DataFormat f) { return nhwc_dims(PartialShape(s), f); }

std::array<int64_t, 4> nhwc_dims(const PartialShape& s, DataFormat f) {
  if (!s.known_rank() || s.rank() != 4) return {-1, -1, -1, -1};
  if (f == DataFormat::ChannelsLast) return {s.dim(0), s.dim(1), s.dim(2), s.dim(3)};
  return {s.dim(0), s.dim(2), s.dim(3), s.dim(1)};
}

PartialShape shape_from_nhwc(const std::array<int64_t, 4>& d, DataFormat f) {
  if (f == DataFormat::ChannelsLast) return PartialShape{d[0], d[1], d[2], d[3]};
  return PartialShape{d[0], d[3], d[1], d[2]};
}

Tensor to_channels_last(const Tensor& t) {
  const auto& d = t.shape().dims();
  std::vector<int64_t> out{d[0]};
  int64_t spatial = 1;
  for (size_t i = 2; i < d.size(); ++i) {
    out.push_back(d[i]);
    spatial *= d[i];
  }
  out.push_back(d[1]);
  Tensor r(t.dtype(), Shape(out));
  kernels::channels_first_to_last(t.raw_data(), r.raw_data(), d[0], d[1], spatial, dtype_size(t.dtype()));
  return r;
}

Tensor to_channels_first(const Tensor& t) {
  const auto& d = t.shape().dims();
  std::vector<int64_t> out{d[0], d.back()};
  int64_t spatial = 1;
  for (size_t i = 1; i + 1 < d.size(); ++i) {
    out.push_back(d[i]);
    spatial *= d[i];
  }
  Tensor r(t.dtype(), Shape(out));
  kernels::channels_last_to_first(t.raw_data(), r.raw_data(), d[0], d.back(), spatial, dtype_size(t.dtype()));
  return r;
}

void check_float_input(const OpContext& ctx, const Tensor& t, const std::string& what) {
  if (t.dtype() != DType::Float && t.dtype() != DType::Double)
    throw ctx.error(what + " has dtype " + dtype_name(t.dtype()) + ", expected float or double");
}

void check_num_inputs(const OpContext& ctx, int n) {
  if (ctx.num_inputs() != n)
    throw ctx.error("expects " + std::to_string(n) + " inputs, got " + std::to_string(ctx.num_inputs()));
}

void fill_conv_window(const Node& node, const Window2DAttrs& a, kernels::Conv2DParams& p) {
  const kernels::WindowDim h = window_dim(node, a, 0, p.in_h, p.filter_h);
  const kernels::WindowDim w = window_dim(node, a, 1, p.in_w, p.filter_w);
  p.out_h = h.output;
  p.out_w = w.output;
  p.pad_top = h.pad_before;
  p.pad_left = w.pad_before;
  p.stride_h = a.stride_h;
  p.stride_w = a.stride_w;
  p.dilation_h = a.dilation_h;
  p.dilation_w = a.dilation_w;
}

kernels::Conv2DParams conv_params(const Node& node, const Window2DAttrs& a, const Shape& input, const Shape& filter) {
  kernels::Conv2DParams p;
  const auto d = nhwc_dims(input, a.format);
  p.batch = d[0];
  p.in_h = d[1];
  p.in_w = d[2];
  p.in_c = d[3];
  p.filter_h = filter[0];
  p.filter_w = filter[1];
  fill_conv_window(node, a, p);
  return p;
}

kernels::Pool2DParams pool_params(const Node& node, const Window2DAttrs& a, const Shape& input) {
  kernels::Pool2DParams p;
  const auto d = nhwc_dims(input, a.format);
  p.batch = d[0];
  p.in_h = d[1];
  p.in_w = d[2];
  p.channels = d[3];
  p.window_h = a.window_h;
  p.window_w = a.window_w;
  p.stride_h = a.stride_h;
  p.stride_w = a.stride_w;
  const kernels::WindowDim h = window_dim(node, a, 0, p.in_h, p.window_h);
  const kernels::WindowDim w = window_dim(node, a, 1, p.in_w, p.window_w);
  p.out_h = h.output;
  p.out_w = w.output;
  p.pad_top = h.pad_before;
  p.pad_left = w.pad_before;
  return p;
}

}  // namespace frost::nn
