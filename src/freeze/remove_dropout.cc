// Rule: dropout masks that cannot vary become identities.
//   TF1 tf.nn.dropout:  x / keep_prob * floor(keep_prob + U[0,1))
//   TF2 tf.nn.dropout:  x * 1/(1-rate) * cast(U[0,1) >= rate)   or
//                       select(U[0,1) >= rate, x * scale, 0)
// With keep_prob set to 1 (or rate 0) the mask is 1 (true) everywhere, but
// constant folding cannot see it: the random op is not constant. So a small
// interval analysis bounds random values (RandomUniform is in [0, 1), shifted
// and scaled by constants), and a Floor/compare whose result is then the same
// for every value in the interval is a uniform mask. Mul by a mask of ones and
// Select on an always-true mask become Identity. (The x / keep_prob half is
// left to remove_trivial_arithmetic.) Dropout's contract is that the mask
// (noise_shape) broadcasts to x's shape, so dropping the Mul keeps x's shape.
#include <cmath>
#include <map>
#include <optional>

#include "freeze/passes.h"
#include "freeze/rewrite_util.h"

namespace frost {

namespace {

// Real interval [lo, hi] with open/closed ends.
struct Interval {
  double lo = 0, hi = 0;
  bool lo_open = false, hi_open = false;
};

class MaskAnalysis {
 public:
  explicit MaskAnalysis(const Graph& g) : g_(g) {}

  // Bounds of every element of a float tensor, if they are known.
  std::optional<Interval> bounds(const std::string& tensor, int depth = 0) {
    if (depth > 16) return std::nullopt;
    const TensorId id = TensorId::parse(tensor);
    const Node* n = g_.find(id.node);
    if (!n || id.index != 0) return std::nullopt;
    if (n->op == "RandomUniform") return Interval{0, 1, false, true};
    if (n->op == "Const") {
      const Tensor& t = n->attr_tensor("value");
      if (!dtype_is_float(t.dtype()) || t.num_elements() == 0) return std::nullopt;
      double lo = t.as_double(0), hi = lo;
      for (int64_t i = 1; i < t.num_elements(); ++i) {
        lo = std::min(lo, t.as_double(i));
        hi = std::max(hi, t.as_double(i));
      }
      return Interval{lo, hi, false, false};
    }
    if (is_identity_like(n->op) && n->num_data_inputs() >= 1) return bounds(n->inputs[0], depth + 1);
    if (n->num_data_inputs() != 2) return std::nullopt;
    const auto a = bounds(n->inputs[0], depth + 1);
    const auto b = bounds(n->inputs[1], depth + 1);
    if (!a || !b) return std::nullopt;
    if (n->op == "Add" || n->op == "AddV2")
      return Interval{a->lo + b->lo, a->hi + b->hi, a->lo_open || b->lo_open, a->hi_open || b->hi_open};
    if (n->op == "Sub")
      return Interval{a->lo - b->hi, a->hi - b->lo, a->lo_open || b->hi_open, a->hi_open || b->lo_open};
    if (n->op == "Mul") {
      // Scaling by a non-negative constant (the other factor's bounds are a point).
      const Interval* x = &*a;
      const Interval* c = &*b;
      if (a->lo == a->hi && !(b->lo == b->hi)) std::swap(x, c);
      if (c->lo != c->hi || c->lo < 0) return std::nullopt;
      const double k = c->lo;
      if (k == 0) return Interval{0, 0, false, false};
      return Interval{x->lo * k, x->hi * k, x->lo_open, x->hi_open};
    }
    return std::nullopt;
  }

  // The single value every element of a mask tensor takes, if there is one
  // (1/0 for bools).
  std::optional<double> uniform_value(const std::string& tensor, int depth = 0) {
    if (depth > 16) return std::nullopt;
    const TensorId id = TensorId::parse(tensor);
    const Node* n = g_.find(id.node);
    if (!n || id.index != 0) return std::nullopt;
    if (is_identity_like(n->op) && n->num_data_inputs() >= 1) return uniform_value(n->inputs[0], depth + 1);
    if (n->op == "Cast" && n->num_data_inputs() == 1) return uniform_value(n->inputs[0], depth + 1);
    if (n->op == "Floor" && n->num_data_inputs() == 1) {
      const auto x = bounds(n->inputs[0]);
      if (!x) return std::nullopt;
      const double f = std::floor(x->lo);
      const bool constant = x->hi_open ? std::ceil(x->hi) - 1 == f : std::floor(x->hi) == f;
      if (constant) return f;
      return std::nullopt;
    }
    if (n->num_data_inputs() == 2 && (n->op == "GreaterEqual" || n->op == "Greater" || n->op == "Less" ||
                                      n->op == "LessEqual")) {
      const auto x = bounds(n->inputs[0]);
      const auto y = bounds(n->inputs[1]);
      if (!x || !y) return std::nullopt;
      // Always true when every x compares true against every y.
      if (n->op == "GreaterEqual" && x->lo >= y->hi) return 1.0;
      if (n->op == "Greater" && (x->lo > y->hi || (x->lo == y->hi && (x->lo_open || y->hi_open)))) return 1.0;
      if (n->op == "Less" && (x->hi < y->lo || (x->hi == y->lo && (x->hi_open || y->lo_open)))) return 1.0;
      if (n->op == "LessEqual" && x->hi <= y->lo) return 1.0;
      return std::nullopt;
    }
    return std::nullopt;
  }

 private:
  const Graph& g_;
};

bool reads_random(const Graph& g, const std::string& tensor, int depth = 0) {
  if (depth > 16) return false;
  const Node* n = g.find(TensorId::parse(tensor).node);
  if (!n) return false;
  if (n->op == "RandomUniform") return true;
  for (int i = 0; i < n->num_data_inputs(); ++i)
    if (reads_random(g, n->inputs[static_cast<size_t>(i)], depth + 1)) return true;
  return false;
}

}  // namespace

PassStats remove_dropout(Graph& g, const PassContext&) {
  PassStats stats;
  MaskAnalysis masks(g);
  for (Node* n : g.nodes()) {
    if (n->op == "Mul" && n->num_data_inputs() == 2) {
      for (int side = 0; side < 2; ++side) {
        const std::string& mask = n->inputs[static_cast<size_t>(side)];
        if (masks.uniform_value(mask) == std::optional<double>(1.0) && reads_random(g, mask)) {
          become_identity(*n, n->inputs[static_cast<size_t>(1 - side)]);
          stats.add("dropout_masks_removed");
          break;
        }
      }
    } else if ((n->op == "Select" || n->op == "SelectV2") && n->num_data_inputs() == 3) {
      if (masks.uniform_value(n->inputs[0]) == std::optional<double>(1.0) && reads_random(g, n->inputs[0])) {
        become_identity(*n, n->inputs[1]);
        stats.add("dropout_masks_removed");
      }
    }
  }
  return stats;
}

}  // namespace frost
