// Rule: G convolutions of consecutive channel slices of one tensor, joined
// along channels, are one grouped convolution:
//   ConcatV2(Conv2D(slice_0(x), f_0), ..., Conv2D(slice_G-1(x), f_G-1), axis=3)
//   -> Conv2D(x, concat(f_0..f_G-1, axis 3))   (filter in-depth C / G)
//   -> DepthwiseConv2dNative(x, f reshaped to [kh, kw, C, m]) when every
//      group has one input channel.
// ONNX-to-TensorFlow converters expand a grouped or depthwise Conv this way
// (onnx-tf: Split(num_split=G) -> G x Conv2D -> ConcatV2); a slice is a
// Split/SplitV piece, or a Slice/StridedSlice/GatherV2 of a contiguous
// channel range. The joined node takes the ConcatV2's name.
// Why the grouped form is right even when a slice holds k > 1 filter
// in-depths (each per-group Conv2D itself grouped): output channel
// g*O + o of the joined conv reads the same input channels as output o of
// group g did, because its group index is (g*O + o) / (O / k).
// Not applicable: NCHW (nchw_to_nhwc runs first), convolutions that differ
// in attrs or filter shape, non-constant filters, a conv read elsewhere or
// fetched, slices that are not in order or do not cover the channels.
#include <optional>

#include "freeze/passes.h"
#include "freeze/rewrite_util.h"
#include "graph/shape_inference.h"

namespace frost {

namespace {

constexpr int kChannel = 3;  // NHWC

bool is_channel_axis(const Tensor* axis) {
  if (!axis || axis->num_elements() != 1) return false;
  const int64_t a = axis->as_int64(0);
  return a == kChannel || a == kChannel - 4;
}

// A contiguous channel range of `source`; size -1: an equal piece of a Split
// (its size follows from the channel count).
struct ChannelSlice {
  std::string source;
  int64_t begin = 0, size = 0;
  std::string splitter;  // the Split node (pieces are then checked by index)
  int piece = 0;
};

std::optional<ChannelSlice> channel_slice(const Graph& g, const TensorId& id) {
  const Node* n = g.find(id.node);
  if (!n) return std::nullopt;
  const auto all_of = [](const std::vector<int64_t>& v, size_t count, int64_t value) {
    for (size_t i = 0; i < count; ++i)
      if (v[i] != value) return false;
    return true;
  };
  if (n->op == "Split" && n->num_data_inputs() == 2 && is_channel_axis(const_input(g, *n, 0)))
    return ChannelSlice{n->inputs[1], 0, -1, n->name, id.index};
  if (n->op == "SplitV" && n->num_data_inputs() == 3 && is_channel_axis(const_input(g, *n, 2))) {
    const Tensor* sizes = const_input(g, *n, 1);
    if (!sizes || sizes->rank() != 1 || id.index >= sizes->num_elements()) return std::nullopt;
    const std::vector<int64_t> s = sizes->to_int64_vector();
    int64_t begin = 0;
    for (int i = 0; i < id.index; ++i) begin += s[static_cast<size_t>(i)];
    if (s[static_cast<size_t>(id.index)] <= 0 || !all_of(s, static_cast<size_t>(id.index), s[0]) || begin < 0)
      return std::nullopt;
    return ChannelSlice{n->inputs[0], begin, s[static_cast<size_t>(id.index)], "", 0};
  }
  if (id.index != 0) return std::nullopt;
  if (n->op == "Slice" && n->num_data_inputs() == 3) {
    const Tensor *b = const_input(g, *n, 1), *s = const_input(g, *n, 2);
    if (!b || !s || b->num_elements() != 4 || s->num_elements() != 4) return std::nullopt;
    const std::vector<int64_t> bv = b->to_int64_vector(), sv = s->to_int64_vector();
    if (!all_of(bv, 3, 0) || !all_of(sv, 3, -1) || sv[3] <= 0 || bv[3] < 0) return std::nullopt;
    return ChannelSlice{n->inputs[0], bv[3], sv[3], "", 0};
  }
  if (n->op == "StridedSlice" && n->num_data_inputs() == 4) {
    const Tensor *b = const_input(g, *n, 1), *e = const_input(g, *n, 2), *s = const_input(g, *n, 3);
    if (!b || !e || !s || b->num_elements() != 4 || e->num_elements() != 4 || s->num_elements() != 4) return std::nullopt;
    if (n->attr_int_or("ellipsis_mask", 0) || n->attr_int_or("new_axis_mask", 0) || n->attr_int_or("shrink_axis_mask", 0))
      return std::nullopt;
    const std::vector<int64_t> bv = b->to_int64_vector(), ev = e->to_int64_vector(), sv = s->to_int64_vector();
    const int64_t begin_mask = n->attr_int_or("begin_mask", 0), end_mask = n->attr_int_or("end_mask", 0);
    for (int d = 0; d < 3; ++d)
      if (!((begin_mask >> d & 1) || bv[static_cast<size_t>(d)] == 0) || !(end_mask >> d & 1)) return std::nullopt;
    const int64_t begin = (begin_mask >> 3 & 1) ? 0 : bv[3];
    if (!all_of(sv, 4, 1) || (end_mask >> 3 & 1) || begin < 0 || ev[3] <= begin) return std::nullopt;
    return ChannelSlice{n->inputs[0], begin, ev[3] - begin, "", 0};
  }
  if (n->op == "GatherV2" && n->num_data_inputs() == 3 && is_channel_axis(const_input(g, *n, 2)) &&
      n->attr_int_or("batch_dims", 0) == 0) {
    const Tensor* idx = const_input(g, *n, 1);
    if (!idx || idx->rank() != 1 || idx->num_elements() == 0) return std::nullopt;
    const std::vector<int64_t> v = idx->to_int64_vector();
    for (size_t i = 0; i < v.size(); ++i)
      if (v[i] != v[0] + static_cast<int64_t>(i) || v[0] < 0) return std::nullopt;
    return ChannelSlice{n->inputs[0], v[0], static_cast<int64_t>(v.size()), "", 0};
  }
  return std::nullopt;
}

bool same_attr(const Node& a, const Node& b, const std::string& key) {
  if (a.has_attr(key) != b.has_attr(key)) return false;
  return !a.has_attr(key) || a.attr(key).to_string() == b.attr(key).to_string();
}

// The channel count of `tensor` from static shape inference, 0 if unknown.
int64_t channels_of(const std::map<TensorId, InferredTensor>& shapes, const std::string& tensor) {
  const auto it = shapes.find(TensorId::parse(tensor));
  if (it == shapes.end() || !it->second.shape.known_rank() || it->second.shape.rank() != 4) return 0;
  const int64_t c = it->second.shape.dims()[kChannel];
  return c > 0 ? c : 0;
}

}  // namespace

PassStats group_convolutions(Graph& g, const PassContext& ctx) {
  PassStats stats;
  std::optional<std::map<TensorId, InferredTensor>> shapes;  // computed on the first candidate
  for (Node* concat : g.nodes()) {
    if (concat->op != "ConcatV2") continue;
    const int groups = concat->num_data_inputs() - 1;
    if (groups < 2 || !is_channel_axis(const_input(g, *concat, groups))) continue;
    // The convolutions, their filters and their slices.
    std::vector<const Node*> convs;
    std::vector<const Tensor*> filters;
    std::vector<ChannelSlice> slices;
    for (int i = 0; i < groups; ++i) {
      const TensorId id = concat->input(i);
      const Node* conv = g.find(id.node);
      if (!conv || id.index != 0 || conv->op != "Conv2D" || conv->num_data_inputs() != 2) break;
      if (conv->attr_string_or("data_format", "NHWC") != "NHWC" || !single_use(g, ctx, conv->name)) break;
      const Tensor* f = const_input(g, *conv, 1);
      if (!f || f->dtype() != DType::Float || f->rank() != 4) break;
      std::optional<ChannelSlice> s = channel_slice(g, conv->input(0));
      if (!s) break;
      if (!convs.empty()) {
        bool same = f->shape() == filters[0]->shape() && s->source == slices[0].source &&
                    s->splitter == slices[0].splitter;
        for (const char* key : {"T", "strides", "padding", "explicit_paddings", "dilations"})
          same = same && same_attr(*conv, *convs[0], key);
        if (!same) break;
      }
      convs.push_back(conv);
      filters.push_back(f);
      slices.push_back(*s);
    }
    if (static_cast<int>(convs.size()) != groups) continue;
    const Shape& fs = filters[0]->shape();
    const int64_t kh = fs[0], kw = fs[1], group_in = fs[2], group_out = fs[3];
    if (!shapes) shapes = infer_shapes(g);
    int64_t channels = channels_of(*shapes, slices[0].source);
    // Split pieces must be read in order, each once; ranges must tile [0, C).
    bool tiled = true;
    if (!slices[0].splitter.empty()) {
      const Node& split = g.at(slices[0].splitter);
      tiled = split.attr_int_or("num_split", 0) == groups;
      for (int i = 0; i < groups; ++i) tiled = tiled && slices[static_cast<size_t>(i)].piece == i;
    } else {
      int64_t next = 0;
      for (const ChannelSlice& s : slices) {
        tiled = tiled && s.begin == next && s.size == slices[0].size && s.size % group_in == 0;
        next += s.size;
      }
      tiled = tiled && channels == next;
    }
    if (!tiled) continue;

    // The joined filter: group g's output channels follow group g-1's.
    const bool depthwise = group_in == 1 && channels == groups && fs[0] > 0 &&
                           convs[0]->attr_ints_or("strides", {1, 1, 1, 1}).size() == 4 &&
                           convs[0]->attr_ints_or("strides", {1, 1, 1, 1})[1] ==
                               convs[0]->attr_ints_or("strides", {1, 1, 1, 1})[2];
    Tensor joined(DType::Float, depthwise ? Shape{kh, kw, groups, group_out}
                                          : Shape{kh, kw, group_in, group_out * groups});
    float* out = joined.data<float>();
    for (int64_t tap = 0; tap < kh * kw * group_in; ++tap)
      for (int gi = 0; gi < groups; ++gi) {
        const float* src = filters[static_cast<size_t>(gi)]->data<float>() + tap * group_out;
        std::copy(src, src + group_out, out + (tap * groups + gi) * group_out);
      }
    const std::string filter = unique_name(g, concat->name + "/grouped_filter");
    g.add(make_const(filter, joined));

    std::vector<std::string> controls = control_inputs(*concat);
    for (const Node* c : convs) {
      const std::vector<std::string> more = control_inputs(*c);
      controls.insert(controls.end(), more.begin(), more.end());
    }
    Node joined_conv;
    joined_conv.name = concat->name;
    joined_conv.op = depthwise ? "DepthwiseConv2dNative" : "Conv2D";
    joined_conv.inputs = {slices[0].source, filter};
    for (const char* key : {"T", "strides", "padding", "explicit_paddings", "dilations", "data_format"})
      if (convs[0]->has_attr(key)) joined_conv.attrs[key] = convs[0]->attr(key);
    *concat = std::move(joined_conv);
    add_control_inputs(*concat, controls);
    stats.add(depthwise ? "depthwise_convolutions_joined" : "grouped_convolutions_joined");
  }
  return stats;
}

}  // namespace frost
