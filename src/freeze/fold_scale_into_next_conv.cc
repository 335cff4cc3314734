// Rule: a per-channel affine y = x·s + t (Mul then Add/Sub, or either alone:
// a BatchNorm after an activation as fold_batch_norm leaves it, an input
// normalisation) read only by linear ops with constant weights folds into
// them, since L(x·s + t) = L'(x) + L(t) with the weights scaled per *input*
// channel, W'[.., ci, co] = W[.., ci, co]·s[ci], and the bias growing by
// d[co] = Σ W[.., ci, co]·t[ci]:
//   Add(Mul(x, s), t) -> L(·)  ->  L'(x) + (b + d)
// L is Conv2D or DepthwiseConv2dNative (NHWC) or MatMul (not transpose_a)
// reading y as input 0. The shift is exact only where no zero padding enters
// the window (a padded border would see t where the original saw 0): VALID
// padding, a 1×1 filter, or EXPLICIT padding of zeros; a scale alone folds
// through any padding (0·s = 0). With SAME padding and a shift the rule does
// not fire. L's existing BiasAdd (constant, read only by L) takes d; without
// one, a BiasAdd is added under L's name (fetches of L still work). Every
// reader of y must fold, y and the Mul must not be kept; the weights are
// rounded once from double.
#include "freeze/linear_fold_util.h"
#include "freeze/passes.h"
#include "freeze/rewrite_util.h"

namespace frost {

namespace {

bool is_add(const std::string& op) { return op == "Add" || op == "AddV2" || op == "Sub"; }

// The per-channel affine ending at `y`: x (its input), the Mul absorbed (or
// null), and the raw scale / shift constants (null when absent; Sub: negate).
struct Affine {
  std::string x;
  Node* mul = nullptr;
  const Tensor* scale = nullptr;
  const Tensor* shift = nullptr;
  bool negate_shift = false;
};

std::optional<Affine> read_affine(Graph& g, const PassContext& ctx, Node& y) {
  if (y.num_data_inputs() != 2) return std::nullopt;
  Affine a;
  if (y.op == "Mul") {
    const int side = const_input(g, y, 1) ? 1 : const_input(g, y, 0) ? 0 : -1;
    if (side < 0 || const_input(g, y, 1 - side)) return std::nullopt;
    a.scale = const_input(g, y, side);
    a.x = y.inputs[static_cast<size_t>(1 - side)];
    return a;
  }
  if (!is_add(y.op)) return std::nullopt;
  const bool sub = y.op == "Sub";
  const int side = const_input(g, y, 1) ? 1 : (!sub && const_input(g, y, 0)) ? 0 : -1;
  if (side < 0 || const_input(g, y, 1 - side)) return std::nullopt;
  a.shift = const_input(g, y, side);
  a.negate_shift = sub;
  a.x = y.inputs[static_cast<size_t>(1 - side)];
  const TensorId xid = TensorId::parse(a.x);
  Node* m = g.find(xid.node);
  if (m && xid.index == 0 && m->op == "Mul" && single_use(g, ctx, m->name)) {
    const int ms = const_input(g, *m, 1) ? 1 : const_input(g, *m, 0) ? 0 : -1;
    if (ms >= 0 && !const_input(g, *m, 1 - ms)) {
      a.mul = m;
      a.scale = const_input(g, *m, ms);
      a.x = m->inputs[static_cast<size_t>(1 - ms)];
    }
  }
  return a;
}

// A consumer the affine folds into, with its input-channel geometry:
// weight element e feeds input channel (e / in_stride) % in_c and output
// channel out_of(e).
struct Consumer {
  Node* node = nullptr;
  const Tensor* weights = nullptr;
  int64_t in_c = 0, out_c = 0;
  int rank = 0;
  bool zero_padding_enters = false;  // a shift would be inexact
};

bool zero_explicit_paddings(const Node& n) {
  if (!n.has_attr("explicit_paddings")) return true;
  for (int64_t p : n.attr_ints("explicit_paddings"))
    if (p != 0) return false;
  return true;
}

std::optional<Consumer> as_consumer(Graph& g, Node* n, const std::string& y) {
  if (n->num_data_inputs() != 2 || n->inputs[0] != y || TensorId::parse(n->inputs[1]).node == TensorId::parse(y).node)
    return std::nullopt;
  Consumer c;
  c.node = n;
  c.weights = const_input(g, *n, 1);
  if (!c.weights || c.weights->dtype() != DType::Float || n->attr_type_or("T", DType::Float) != DType::Float)
    return std::nullopt;
  const Shape& w = c.weights->shape();
  if (n->op == "Conv2D" || n->op == "DepthwiseConv2dNative") {
    if (w.rank() != 4 || n->attr_string_or("data_format", "NHWC") != "NHWC") return std::nullopt;
    c.rank = 4;
    c.in_c = w.dim(2);
    c.out_c = n->op == "Conv2D" ? w.dim(3) : w.dim(2) * w.dim(3);
    const std::string padding = n->attr_string_or("padding", "");
    const bool one_by_one = w.dim(0) == 1 && w.dim(1) == 1;
    c.zero_padding_enters = !(padding == "VALID" || (padding == "SAME" && one_by_one) ||
                              (padding == "EXPLICIT" && zero_explicit_paddings(*n)));
    return c;
  }
  if (n->op == "MatMul" && !n->attr_bool_or("transpose_a", false) && w.rank() == 2) {
    c.rank = 2;
    const bool tb = n->attr_bool_or("transpose_b", false);
    c.in_c = tb ? w.dim(1) : w.dim(0);
    c.out_c = tb ? w.dim(0) : w.dim(1);
    return c;
  }
  return std::nullopt;
}

// (input channel, output channel) of weight element e.
std::pair<int64_t, int64_t> channels_of(const Consumer& c, int64_t e) {
  const Shape& w = c.weights->shape();
  const Node& n = *c.node;
  if (n.op == "Conv2D") return {(e / w.dim(3)) % w.dim(2), e % w.dim(3)};
  if (n.op == "DepthwiseConv2dNative") return {(e / w.dim(3)) % w.dim(2), e % (w.dim(2) * w.dim(3))};
  if (n.attr_bool_or("transpose_b", false)) return {e % w.dim(1), e / w.dim(1)};
  return {e / w.dim(1), e % w.dim(1)};
}

// Adds d to c's bias: its BiasAdd's constant, or a new BiasAdd under c's name.
void add_to_bias(Graph& g, const PassContext& ctx, Node* lin, const std::vector<double>& d) {
  const auto consumers = consumer_map(g, true);
  const auto it = consumers.find(lin->name);
  Node* bias_add = it != consumers.end() && it->second.size() == 1 ? it->second[0] : nullptr;
  const Tensor* b = nullptr;
  if (bias_add && bias_add->op == "BiasAdd" && bias_add->num_data_inputs() == 2 &&
      TensorId::parse(bias_add->inputs[0]) == TensorId{lin->name, 0, false} &&
      bias_add->attr_string_or("data_format", "NHWC") == "NHWC" && single_use(g, ctx, lin->name))
    b = const_input(g, *bias_add, 1);
  if (b && b->dtype() == DType::Float && b->num_elements() == static_cast<int64_t>(d.size())) {
    std::vector<double> sum(d.size());
    for (size_t i = 0; i < d.size(); ++i) sum[i] = b->as_double(static_cast<int64_t>(i)) + d[i];
    bias_add->inputs[1] = add_const(g, bias_add->name + "/shifted_bias", float_vector(sum, DType::Float));
    return;
  }
  Node moved = *lin;
  moved.name = unique_name(g, lin->name + "/unshifted");
  const std::string moved_name = moved.name;
  g.add(std::move(moved));
  Node& shifted = g.at(lin->name);  // `lin` may have moved with the add
  const std::string bias = add_const(g, shifted.name + "/shift_bias", float_vector(d, DType::Float));
  std::vector<std::string> controls = control_inputs(shifted);
  shifted.op = "BiasAdd";
  shifted.inputs = {moved_name, bias};
  shifted.attrs = {{"T", DType::Float}, {"data_format", std::string("NHWC")}};
  g.at(moved_name).inputs.erase(
      std::remove_if(g.at(moved_name).inputs.begin(), g.at(moved_name).inputs.end(),
                     [](const std::string& in) { return !in.empty() && in[0] == '^'; }),
      g.at(moved_name).inputs.end());
  add_control_inputs(g.at(moved_name), controls);
}

}  // namespace

PassStats fold_scale_into_next_conv(Graph& g, const PassContext& ctx) {
  PassStats stats;
  std::vector<std::string> names;
  for (const Node* n : g.nodes()) names.push_back(n->name);
  for (const std::string& name : names) {
    Node* y = g.find(name);
    if (!y || (y->op != "Mul" && !is_add(y->op)) || ctx.kept(name) || has_control_consumers(g, name)) continue;
    const std::optional<Affine> a = read_affine(g, ctx, *y);
    if (!a || TensorId::parse(a->x).control) continue;
    // Every reader of y must be a linear op that can take the fold.
    const auto consumers = consumer_map(g, true);
    const auto it = consumers.find(name);
    if (it == consumers.end() || it->second.empty()) continue;
    if (data_edge_count(g, name) != static_cast<int>(it->second.size())) continue;
    std::vector<Consumer> folds;
    for (Node* n : it->second) {
      auto c = as_consumer(g, n, name);
      if (!c) break;
      folds.push_back(*c);
    }
    if (folds.size() != it->second.size()) continue;
    const int64_t in_c = folds[0].in_c;
    const int rank = folds[0].rank;
    bool ok = true;
    for (const Consumer& c : folds) ok = ok && c.in_c == in_c && c.rank == rank;
    const auto s = a->scale ? per_channel(*a->scale, in_c, rank) : std::vector<double>(static_cast<size_t>(in_c), 1.0);
    auto t = a->shift ? per_channel(*a->shift, in_c, rank) : std::vector<double>(static_cast<size_t>(in_c), 0.0);
    if (!ok || !s || !t) continue;
    if (a->negate_shift)
      for (double& v : *t) v = -v;
    bool shifted = false;
    for (double v : *t) shifted = shifted || v != 0.0;
    for (const Consumer& c : folds) ok = ok && !(shifted && c.zero_padding_enters);
    if (!ok) continue;

    // The affine's control inputs now gate its readers.
    std::vector<std::string> controls = control_inputs(*y);
    if (a->mul)
      for (const std::string& in : control_inputs(*a->mul)) controls.push_back(in);
    for (const Consumer& c : folds) {
      add_control_inputs(*c.node, controls);
      const Tensor& w = *c.weights;
      Tensor scaled = w.clone();
      std::vector<double> d(static_cast<size_t>(c.out_c), 0.0);
      for (int64_t e = 0; e < w.num_elements(); ++e) {
        const auto [ci, co] = channels_of(c, e);
        const double we = w.data<float>()[e];
        scaled.data<float>()[e] = static_cast<float>(we * (*s)[static_cast<size_t>(ci)]);
        d[static_cast<size_t>(co)] += we * (*t)[static_cast<size_t>(ci)];
      }
      const std::string lin = c.node->name;
      c.node->inputs[0] = a->x;
      c.node->inputs[1] = add_const(g, lin + "/input_scaled_weights", scaled);
      if (shifted) add_to_bias(g, ctx, g.find(lin), d);
    }
    std::vector<std::string> gone = {name};
    if (a->mul) gone.push_back(a->mul->name);
    g.remove(gone);
    stats.add("affines_folded_into_next");
    stats.add("consumers_rewritten", static_cast<int64_t>(folds.size()));
  }
  return stats;
}

}  // namespace frost
