// Recurrent layers unrolled over their (known) time steps: SimpleRNN, LSTM,
// GRU (reset_after true and false), Bidirectional; and TimeDistributed. The
// input projection x @ kernel + bias is one MatMul over all steps; each step
// adds h @ recurrent_kernel and applies the cell's gates in Keras's order
// (LSTM: i, f, c, o; GRU: z, r, h). The state starts at zero.
#include <algorithm>

#include "io/keras_graph/layer_context.h"
#include "io/keras_graph/model_builder.h"
#include "io/keras_graph/tf_ops.h"

namespace frost::keras {

namespace {

enum class Cell { Simple, Lstm, Gru };

struct RnnResult {
  std::vector<Value> steps;   // h after each step, in processing order
  std::vector<Value> states;  // final states: h (and c for LSTM)
};

std::string activation_or(const LayerContext& ctx, const char* key, const std::string& fallback) {
  const JsonValue* a = ctx.config.find(key);
  if (!a) return fallback;
  if (a->kind != JsonValue::Kind::String) throw ctx.error(std::string("'") + key + "' is not a built-in activation name");
  return a->string;
}

// Rows [from, to) of a 1-D or the columns [from, to) of a 2-D tensor.
Tensor columns(const Tensor& t, int64_t from, int64_t to) {
  const int64_t rows = t.rank() == 2 ? t.shape().dim(0) : 1, cols = t.shape().dim(t.rank() - 1);
  Tensor out(DType::Float, t.rank() == 2 ? Shape{rows, to - from} : Shape{to - from});
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = from; c < to; ++c) out.data<float>()[r * (to - from) + c - from] = t.data<float>()[r * cols + c];
  return out;
}

Tensor row(const Tensor& t, int64_t r) {
  const int64_t cols = t.shape().dim(1);
  Tensor out(DType::Float, Shape{cols});
  for (int64_t c = 0; c < cols; ++c) out.data<float>()[c] = t.data<float>()[r * cols + c];
  return out;
}

const LayerWeights& cell_weights(const LayerContext& ctx) {
  const LayerWeights* cell = ctx.weights.child("cell");
  return cell ? *cell : ctx.weights;
}

RnnResult run_rnn(LayerContext& ctx, Cell kind, const Value& x, bool go_backwards) {
  auto& b = ctx.b;
  const auto& cfg = ctx.config;
  require_rank(ctx, x, 3);
  if (cfg.bool_or("time_major", false)) throw ctx.error("time_major=True is not supported");
  if (cfg.bool_or("stateful", false)) throw ctx.error("stateful=True is not supported (inference starts from zero states)");
  const int64_t steps = x.dim(1), features = x.dim(2);
  if (steps <= 0 || features <= 0)
    throw ctx.error("needs a known number of time steps and features to unroll, got input " + x.shape.to_string());
  const int64_t units = cfg.int_or("units", 0);
  const int gates = kind == Cell::Lstm ? 4 : kind == Cell::Gru ? 3 : 1;
  const bool use_bias = cfg.bool_or("use_bias", true);
  const bool reset_after = kind == Cell::Gru && cfg.bool_or("reset_after", ctx.keras_major >= 3);
  const std::string act = activation_or(ctx, "activation", "tanh");
  const std::string rec_act = activation_or(ctx, "recurrent_activation", "sigmoid");

  LayerContext cell{ctx.b, ctx.layer, ctx.config, cell_weights(ctx), ctx.scope, ctx.weight_scope, ctx.keras_major};
  const std::vector<Tensor> w = cell.weight_tensors(use_bias ? std::vector<std::string>{"kernel", "recurrent_kernel", "bias"}
                                                             : std::vector<std::string>{"kernel", "recurrent_kernel"});
  const int64_t width = gates * units;
  if (w[0].shape() != Shape{features, width} || w[1].shape() != Shape{units, width})
    throw ctx.error("kernel " + w[0].shape().to_string() + " / recurrent_kernel " + w[1].shape().to_string() +
                    " do not match units=" + std::to_string(units) + " and input " + x.shape.to_string());
  Tensor input_bias, recurrent_bias;
  if (use_bias) {
    if (reset_after) {
      if (w[2].shape() != Shape{2, width}) throw ctx.error("bias of GRU(reset_after=True) is not [2, 3*units]");
      input_bias = row(w[2], 0);
      recurrent_bias = row(w[2], 1);
    } else {
      if (w[2].shape() != Shape{width}) throw ctx.error("bias is not [" + std::to_string(width) + "]");
      input_bias = w[2];
    }
  }

  // All steps' input projections at once: [B*T, F] @ [F, G*U] (+ bias) -> [B, T, G*U].
  const Value kernel = cell.constant_weight("kernel", w[0]);
  const Value x2 = tf::reshape(b, ctx.name("Reshape"), x, std::vector<int64_t>{-1, features});
  Value proj = tf::matmul(b, ctx.name("MatMul"), x2, kernel);
  if (use_bias) proj = tf::bias_add(b, ctx.name("BiasAdd"), proj, cell.constant_weight(reset_after ? "input_bias" : "bias", input_bias));
  proj = tf::reshape(b, ctx.name("Reshape_1"), proj, std::vector<int64_t>{-1, steps, width});

  Value recurrent, recurrent_zr, recurrent_h;
  if (kind == Cell::Gru && !reset_after) {
    recurrent_zr = cell.constant_weight("recurrent_kernel_zr", columns(w[1], 0, 2 * units));
    recurrent_h = cell.constant_weight("recurrent_kernel_h", columns(w[1], 2 * units, 3 * units));
  } else {
    recurrent = cell.constant_weight("recurrent_kernel", w[1]);
  }
  const Value rec_bias = reset_after && use_bias ? cell.constant_weight("recurrent_bias", recurrent_bias) : Value{};

  // Zero initial state of shape [B, U], taken from the projection's shape.
  const Value first = tf::strided_slice(b, ctx.name("zeros/strided_slice"), proj, {0, 0, 0}, {0, 1, units}, {1, 1, 1}, 1, 1, 2);
  Value h = tf::unary(b, ctx.name("zeros"), "ZerosLike", first);
  Value c = h;

  RnnResult result;
  for (int64_t i = 0; i < steps; ++i) {
    const int64_t t = go_backwards ? steps - 1 - i : i;
    const std::string s = "step_" + std::to_string(i) + "/";
    LayerContext step{ctx.b, ctx.layer, ctx.config, ctx.weights, ctx.scope + "/" + s.substr(0, s.size() - 1),
                      ctx.weight_scope, ctx.keras_major};
    const Value xt = tf::strided_slice(b, step.name("strided_slice"), proj, {0, t, 0}, {0, t + 1, 0}, {1, 1, 1}, 5, 5, 2);
    if (kind == Cell::Simple) {
      const Value z = tf::binary(b, step.name("add"), "AddV2", xt, tf::matmul(b, step.name("MatMul"), h, recurrent));
      h = apply_activation(step, act, z);
    } else if (kind == Cell::Lstm) {
      const Value z = tf::binary(b, step.name("add"), "AddV2", xt, tf::matmul(b, step.name("MatMul"), h, recurrent));
      const std::vector<Value> g = tf::split(b, step.name("split"), z, 1, 4);
      LayerContext gi = step, gf = step, gc = step, go = step, gh = step;
      gi.scope += "/i", gf.scope += "/f", gc.scope += "/c", go.scope += "/o", gh.scope += "/h";
      const Value i_gate = apply_activation(gi, rec_act, g[0]);
      const Value f_gate = apply_activation(gf, rec_act, g[1]);
      const Value cand = apply_activation(gc, act, g[2]);
      c = tf::binary(b, step.name("add_1"), "AddV2", tf::binary(b, step.name("mul"), "Mul", f_gate, c),
                     tf::binary(b, step.name("mul_1"), "Mul", i_gate, cand));
      const Value o_gate = apply_activation(go, rec_act, g[3]);
      h = tf::binary(b, step.name("mul_2"), "Mul", o_gate, apply_activation(gh, act, c));
    } else {
      const std::vector<Value> xg = tf::split(b, step.name("split"), xt, 1, 3);
      Value inner = tf::matmul(b, step.name("MatMul"), h, reset_after ? recurrent : recurrent_zr);
      if (reset_after && use_bias) inner = tf::bias_add(b, step.name("BiasAdd"), inner, rec_bias);
      const std::vector<Value> hg = tf::split(b, step.name("split_1"), inner, 1, reset_after ? 3 : 2);
      LayerContext gz = step, gr = step, gh = step;
      gz.scope += "/z", gr.scope += "/r", gh.scope += "/hh";
      const Value z = apply_activation(gz, rec_act, tf::binary(b, step.name("add"), "AddV2", xg[0], hg[0]));
      const Value r = apply_activation(gr, rec_act, tf::binary(b, step.name("add_1"), "AddV2", xg[1], hg[1]));
      const Value rh = reset_after ? tf::binary(b, step.name("mul"), "Mul", r, hg[2])
                                   : tf::matmul(b, step.name("MatMul_1"), tf::binary(b, step.name("mul"), "Mul", r, h), recurrent_h);
      const Value hh = apply_activation(gh, act, tf::binary(b, step.name("add_2"), "AddV2", xg[2], rh));
      const Value one_minus_z = tf::binary(b, step.name("sub"), "Sub", tf::scalar(b, step.name("one"), 1.0f), z);
      h = tf::binary(b, step.name("add_3"), "AddV2", tf::binary(b, step.name("mul_1"), "Mul", z, h),
                     tf::binary(b, step.name("mul_2"), "Mul", one_minus_z, hh));
    }
    result.steps.push_back(h);
  }
  result.states = {h};
  if (kind == Cell::Lstm) result.states.push_back(c);
  return result;
}

Value sequence(LayerContext& ctx, const std::vector<Value>& steps, bool reversed, const std::string& name) {
  std::vector<Value> ordered = steps;
  if (reversed) std::reverse(ordered.begin(), ordered.end());
  return tf::pack(ctx.b, ctx.name(name), ordered, 1);
}

std::vector<Value> rnn_layer(LayerContext& ctx, const std::vector<Value>& in, Cell kind) {
  if (in.size() != 1) throw ctx.error("initial states passed as inputs are not supported");
  const RnnResult r = run_rnn(ctx, kind, in[0], ctx.config.bool_or("go_backwards", false));
  std::vector<Value> out{ctx.config.bool_or("return_sequences", false) ? sequence(ctx, r.steps, false, "stack")
                                                                        : r.steps.back()};
  if (ctx.config.bool_or("return_state", false)) out.insert(out.end(), r.states.begin(), r.states.end());
  return out;
}

Cell cell_kind(const LayerContext& ctx, const std::string& cls) {
  if (cls == "LSTM" || cls == "CuDNNLSTM") return Cell::Lstm;
  if (cls == "GRU" || cls == "CuDNNGRU") return Cell::Gru;
  if (cls == "SimpleRNN") return Cell::Simple;
  throw ctx.error("wraps a '" + cls + "', which is not a recurrent layer Frost unrolls");
}

KerasLayer inner_layer(const LayerContext& ctx, const char* key) {
  const JsonValue* j = ctx.config.find(key);
  if (!j || !j->is_object()) throw ctx.error(std::string("config has no '") + key + "' layer");
  KerasLayer l;
  l.json = j;
  const JsonValue* cls = j->find("class_name");
  if (!cls || cls->kind != JsonValue::Kind::String) throw ctx.error(std::string("'") + key + "' has no class_name");
  l.class_name = cls->string;
  const JsonValue* c = j->find("config");
  const JsonValue* n = c && c->is_object() ? c->find("name") : nullptr;
  l.name = n && n->kind == JsonValue::Kind::String ? n->string : key;
  return l;
}

// Keras 3 keeps forward_layer/backward_layer groups; Keras 2 lists the
// forward layer's weights, then the backward layer's.
LayerWeights direction_weights(const LayerContext& ctx, bool forward) {
  if (const LayerWeights* w = ctx.weights.child(forward ? "forward_layer" : "backward_layer")) return *w;
  const size_t half = ctx.weights.values.size() / 2;
  LayerWeights out;
  for (size_t i = forward ? 0 : half; i < (forward ? half : ctx.weights.values.size()); ++i) {
    out.names.push_back(ctx.weights.names[i]);
    out.values.push_back(ctx.weights.values[i]);
  }
  return out;
}

std::vector<Value> bidirectional(LayerContext& ctx, const std::vector<Value>& in) {
  auto& b = ctx.b;
  if (in.size() != 1) throw ctx.error("initial states passed as inputs are not supported");
  const KerasLayer fwd_layer = inner_layer(ctx, "layer");
  const bool explicit_backward = ctx.config.has("backward_layer");
  const KerasLayer bwd_layer = explicit_backward ? inner_layer(ctx, "backward_layer") : fwd_layer;
  const LayerWeights fw = direction_weights(ctx, true), bw = direction_weights(ctx, false);
  LayerContext f = ctx.inner(fwd_layer, fw, "forward");
  LayerContext r = ctx.inner(bwd_layer, bw, "backward");
  const Cell fk = cell_kind(ctx, fwd_layer.class_name), bk = cell_kind(ctx, bwd_layer.class_name);
  const bool fwd_back = f.config.bool_or("go_backwards", false);
  const bool bwd_back = explicit_backward ? r.config.bool_or("go_backwards", true) : !fwd_back;
  const RnnResult y = run_rnn(f, fk, in[0], fwd_back);
  const RnnResult y_rev = run_rnn(r, bk, in[0], bwd_back);
  const bool sequences = f.config.bool_or("return_sequences", false);
  // The backward sequence is put back in time order before merging.
  const Value a = sequences ? sequence(f, y.steps, false, "stack") : y.steps.back();
  const Value c = sequences ? sequence(r, y_rev.steps, true, "stack") : y_rev.steps.back();
  const std::string mode = ctx.config.string_or("merge_mode", "");
  std::vector<Value> out;
  if (mode == "concat")
    out = {tf::concat(b, ctx.name("concat"), {a, c}, a.rank() - 1)};
  else if (mode == "sum")
    out = {tf::binary(b, ctx.name("add"), "AddV2", a, c)};
  else if (mode == "mul")
    out = {tf::binary(b, ctx.name("mul"), "Mul", a, c)};
  else if (mode == "ave")
    out = {tf::binary(b, ctx.name("truediv"), "RealDiv", tf::binary(b, ctx.name("add"), "AddV2", a, c),
                      tf::scalar(b, ctx.name("two"), 2.0f))};
  else if (mode.empty())
    out = {a, c};
  else
    throw ctx.error("merge_mode '" + mode + "' is not supported");
  if (f.config.bool_or("return_state", false)) {
    out.insert(out.end(), y.states.begin(), y.states.end());
    out.insert(out.end(), y_rev.states.begin(), y_rev.states.end());
  }
  return out;
}

// The inner layer applied to every step: [B, T, ...] -> [B*T, ...] -> layer -> [B, T, ...].
std::vector<Value> time_distributed(LayerContext& ctx, const std::vector<Value>& in) {
  const Value& x = single_input(ctx, in);
  if (x.rank() < 3) throw ctx.error("expects an input of rank >= 3, got " + x.shape.to_string());
  std::vector<int64_t> rest{-1};
  for (int i = 2; i < x.rank(); ++i) {
    if (x.dim(i) < 0) throw ctx.error("needs known dimensions after the time axis, got " + x.shape.to_string());
    rest.push_back(x.dim(i));
  }
  const KerasLayer layer = inner_layer(ctx, "layer");
  const LayerWeights* w = ctx.weights.child("layer");
  LayerContext inner = ctx.inner(layer, w ? *w : ctx.weights, node_name(layer.name));
  const Value flat = tf::reshape(ctx.b, ctx.name("Reshape"), x, rest);
  const std::vector<Value> y = convert_layer(inner, {flat});
  if (y.size() != 1) throw ctx.error("the wrapped layer has several outputs");
  std::vector<int64_t> tail;
  for (int i = 1; i < y[0].rank(); ++i) {
    if (y[0].dim(i) < 0) throw ctx.error("the wrapped layer's output has unknown dimensions");
    tail.push_back(y[0].dim(i));
  }
  return {tf::reshape_keep_leading(ctx.b, ctx.name("Reshape_1"), y[0], x, 2, tail)};
}

}  // namespace

void register_recurrent_layers(LayerTable& t) {
  t["SimpleRNN"] = [](LayerContext& c, const std::vector<Value>& in) { return rnn_layer(c, in, Cell::Simple); };
  t["LSTM"] = [](LayerContext& c, const std::vector<Value>& in) { return rnn_layer(c, in, Cell::Lstm); };
  t["GRU"] = [](LayerContext& c, const std::vector<Value>& in) { return rnn_layer(c, in, Cell::Gru); };
  t["Bidirectional"] = bidirectional;
  t["TimeDistributed"] = time_distributed;
}

}  // namespace frost::keras
