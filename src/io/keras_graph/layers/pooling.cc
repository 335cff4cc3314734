// Pooling: Max/AveragePooling1D/2D (1-D through a width of 1, as tf.keras
// does) and the global poolings as reductions over the spatial axes.
#include "io/keras_graph/layer_context.h"
#include "io/keras_graph/tf_ops.h"

namespace frost::keras {

namespace {

std::vector<Value> pool(LayerContext& ctx, const std::vector<Value>& in, const std::string& op, int spatial) {
  const bool first = channels_first(ctx);
  Value x = single_input(ctx, in);
  require_rank(ctx, x, spatial + 2);
  const char* size_key = ctx.config.has("pool_size") ? "pool_size" : "pool_length";
  std::vector<int64_t> window = ctx.config.ints(size_key, static_cast<size_t>(spatial), 2);
  std::vector<int64_t> strides = ctx.config.has("strides") ? ctx.config.ints("strides", static_cast<size_t>(spatial))
                                                            : window;
  const std::string p = ctx.config.string_or("padding", "valid");
  if (p != "valid" && p != "same") throw ctx.error("padding '" + p + "' is not supported");
  if (first) x = to_channels_last(ctx, x);
  if (spatial == 1) {  // [B, T, C] -> [B, T, 1, C]
    x = tf::expand_dims(ctx.b, ctx.name("ExpandDims"), x, 2);
    window.push_back(1);
    strides.push_back(1);
  }
  Value y = tf::pool(ctx.b, ctx.name(op), op, x, window, strides, p == "same" ? "SAME" : "VALID");
  if (spatial == 1) y = tf::squeeze(ctx.b, ctx.name("Squeeze"), y, {2});
  return {first ? to_channels_first(ctx, y) : y};
}

std::vector<Value> global_pool(LayerContext& ctx, const std::vector<Value>& in, const std::string& op, int spatial) {
  const Value& x = single_input(ctx, in);
  require_rank(ctx, x, spatial + 2);
  std::vector<int64_t> axes;
  for (int i = 0; i < spatial; ++i) axes.push_back(channels_first(ctx) ? 2 + i : 1 + i);
  const bool keep = ctx.config.bool_or("keepdims", false);
  return {tf::reduce(ctx.b, ctx.name(op), op, x, axes, keep)};
}

}  // namespace

void register_pooling_layers(LayerTable& t) {
  for (int s : {1, 2}) {
    const std::string d = std::to_string(s) + "D";
    t["MaxPooling" + d] = [s](LayerContext& c, const std::vector<Value>& in) { return pool(c, in, "MaxPool", s); };
    t["MaxPool" + d] = t["MaxPooling" + d];
    t["AveragePooling" + d] = [s](LayerContext& c, const std::vector<Value>& in) { return pool(c, in, "AvgPool", s); };
    t["AvgPool" + d] = t["AveragePooling" + d];
    t["GlobalMaxPooling" + d] = [s](LayerContext& c, const std::vector<Value>& in) { return global_pool(c, in, "Max", s); };
    t["GlobalMaxPool" + d] = t["GlobalMaxPooling" + d];
    t["GlobalAveragePooling" + d] = [s](LayerContext& c, const std::vector<Value>& in) {
      return global_pool(c, in, "Mean", s);
    };
    t["GlobalAvgPool" + d] = t["GlobalAveragePooling" + d];
  }
}

}  // namespace frost::keras
