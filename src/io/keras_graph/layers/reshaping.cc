// ZeroPadding1D/2D, Cropping1D/2D, UpSampling1D/2D.
#include "io/keras_graph/layer_context.h"
#include "io/keras_graph/tf_ops.h"

namespace frost::keras {

namespace {

// Keras's padding/cropping argument for `spatial` axes: n, (a, b) per axis,
// or ((top, bottom), (left, right)). Returns (before, after) per axis.
std::vector<std::pair<int64_t, int64_t>> amounts(const LayerContext& ctx, const char* key, int spatial, int64_t fallback) {
  const JsonValue* v = ctx.config.find(key);
  std::vector<std::pair<int64_t, int64_t>> out;
  if (!v) return std::vector<std::pair<int64_t, int64_t>>(static_cast<size_t>(spatial), {fallback, fallback});
  if (v->kind == JsonValue::Kind::Number)
    return std::vector<std::pair<int64_t, int64_t>>(static_cast<size_t>(spatial), {v->as_int(), v->as_int()});
  const auto& a = v->as_array();
  if (spatial == 1) {
    if (a.size() != 2) throw ctx.error(std::string("'") + key + "' must be an int or a pair");
    return {{a[0].as_int(), a[1].as_int()}};
  }
  if (a.size() != 2) throw ctx.error(std::string("'") + key + "' must be an int, a pair or a pair of pairs");
  for (const JsonValue& e : a) {
    if (e.kind == JsonValue::Kind::Number)
      out.emplace_back(e.as_int(), e.as_int());
    else if (e.is_array() && e.array.size() == 2)
      out.emplace_back(e.array[0].as_int(), e.array[1].as_int());
    else
      throw ctx.error(std::string("'") + key + "' has a malformed entry");
  }
  for (const auto& [x, y] : out)
    if (x < 0 || y < 0) throw ctx.error(std::string("'") + key + "' is negative");
  return out;
}

std::vector<Value> zero_padding(LayerContext& ctx, const std::vector<Value>& in, int spatial) {
  const Value& x = single_input(ctx, in);
  require_rank(ctx, x, spatial + 2);
  const auto p = amounts(ctx, "padding", spatial, 1);
  std::vector<std::pair<int64_t, int64_t>> pads{{0, 0}};
  const bool first = spatial == 2 && channels_first(ctx);
  if (first) pads.push_back({0, 0});
  pads.insert(pads.end(), p.begin(), p.end());
  if (!first) pads.push_back({0, 0});
  return {tf::pad(ctx.b, ctx.name("Pad"), x, pads)};
}

std::vector<Value> cropping(LayerContext& ctx, const std::vector<Value>& in, int spatial) {
  const Value& x = single_input(ctx, in);
  require_rank(ctx, x, spatial + 2);
  const auto c = amounts(ctx, "cropping", spatial, 0);
  const bool first = spatial == 2 && channels_first(ctx);
  std::vector<int64_t> begin(static_cast<size_t>(x.rank()), 0), end(static_cast<size_t>(x.rank()), 0),
      strides(static_cast<size_t>(x.rank()), 1);
  int64_t end_mask = 0;
  for (int i = 0; i < x.rank(); ++i) end_mask |= int64_t{1} << i;
  for (int i = 0; i < spatial; ++i) {
    const int axis = (first ? 2 : 1) + i;
    begin[static_cast<size_t>(axis)] = c[static_cast<size_t>(i)].first;
    if (c[static_cast<size_t>(i)].second > 0) {
      end[static_cast<size_t>(axis)] = -c[static_cast<size_t>(i)].second;
      end_mask &= ~(int64_t{1} << axis);
    }
  }
  return {tf::strided_slice(ctx.b, ctx.name("strided_slice"), x, begin, end, strides, 0, end_mask)};
}

// Each step repeated `size` times: [B, T, C] -> [B, T, size, C] -> [B, T*size, C].
std::vector<Value> upsampling1d(LayerContext& ctx, const std::vector<Value>& in) {
  const Value& x = single_input(ctx, in);
  require_rank(ctx, x, 3);
  const int64_t size = ctx.config.int_or("size", 2);
  if (x.dim(1) < 0 || x.dim(2) < 0) throw ctx.error("needs known steps and channels, got " + x.shape.to_string());
  const Value e = tf::expand_dims(ctx.b, ctx.name("ExpandDims"), x, 2);
  const Value t = tf::tile(ctx.b, ctx.name("Tile"), e, {1, 1, size, 1});
  return {tf::reshape(ctx.b, ctx.name("Reshape"), t, std::vector<int64_t>{-1, x.dim(1) * size, x.dim(2)})};
}

std::vector<Value> upsampling2d(LayerContext& ctx, const std::vector<Value>& in) {
  Value x = single_input(ctx, in);
  require_rank(ctx, x, 4);
  const bool first = channels_first(ctx);
  const std::vector<int64_t> size = ctx.config.ints("size", 2, 2);
  const std::string interpolation = ctx.config.string_or("interpolation", "nearest");
  if (first) x = to_channels_last(ctx, x);
  if (x.dim(1) < 0 || x.dim(2) < 0) throw ctx.error("needs known height and width, got " + x.shape.to_string());
  std::string op;
  if (interpolation == "nearest")
    op = "ResizeNearestNeighbor";
  else if (interpolation == "bilinear")
    op = "ResizeBilinear";
  else
    throw ctx.error("interpolation '" + interpolation + "' is not supported");
  Value y = tf::resize(ctx.b, ctx.name(op), op, x, {x.dim(1) * size[0], x.dim(2) * size[1]}, true);
  return {first ? to_channels_first(ctx, y) : y};
}

}  // namespace

void register_reshaping_layers(LayerTable& t) {
  t["ZeroPadding1D"] = [](LayerContext& c, const std::vector<Value>& in) { return zero_padding(c, in, 1); };
  t["ZeroPadding2D"] = [](LayerContext& c, const std::vector<Value>& in) { return zero_padding(c, in, 2); };
  t["Cropping1D"] = [](LayerContext& c, const std::vector<Value>& in) { return cropping(c, in, 1); };
  t["Cropping2D"] = [](LayerContext& c, const std::vector<Value>& in) { return cropping(c, in, 2); };
  t["UpSampling1D"] = upsampling1d;
  t["UpSampling2D"] = upsampling2d;
}

}  // namespace frost::keras
