#include "graph/loss_heads.h"

#include <algorithm>
#include <map>

#include "graph/shape_inference.h"

namespace frost {

namespace {

bool is_comparison(const std::string& op) {
  return op == "Sub" || op == "SquaredDifference" || op == "Mul" || op == "Equal" || op == "NotEqual" ||
         op == "SoftmaxCrossEntropyWithLogits" || op == "SparseSoftmaxCrossEntropyWithLogits" ||
         op == "SigmoidCrossEntropyWithLogits";
}

bool is_reduction(const std::string& op) {
  return op == "Mean" || op == "Sum" || op == "L2Loss" || op == "SoftmaxCrossEntropyWithLogits" ||
         op == "SparseSoftmaxCrossEntropyWithLogits";
}

// Ranks of label and prediction at a comparison must match (a sparse
// cross-entropy's labels have one dimension less): a scale factor or a
// scalar knob multiplied into a prediction is not a label.
bool ranks_fit(const std::string& op, const PartialShape& label, const PartialShape& prediction) {
  if (!label.known_rank() || !prediction.known_rank()) return true;
  if (op == "SparseSoftmaxCrossEntropyWithLogits") return label.rank() + 1 == prediction.rank();
  return label.rank() == prediction.rank() && label.rank() > 0;
}

// What a loss does to a prediction before comparing: log, clip, normalise by
// its own sum, stop gradients, flatten. The prediction is what went in.
TensorId step_back(const Graph& g, TensorId t) {
  for (int hops = 0; hops < 8; ++hops) {
    const Node* n = g.find(t.node);
    if (!n || n->num_data_inputs() < 1) break;
    const std::string& op = n->op;
    if (op == "Log" || op == "Identity" || op == "StopGradient" || op == "ClipByValue" || op == "Reshape") {
      t = n->input(0);
    } else if ((op == "Maximum" || op == "Minimum") && n->num_data_inputs() == 2) {
      const Node* b = g.find(n->input(1).node);
      const Node* a = g.find(n->input(0).node);
      if (b && b->op == "Const") t = n->input(0);
      else if (a && a->op == "Const") t = n->input(1);
      else break;
    } else if ((op == "RealDiv" || op == "Div" || op == "TrueDiv") && n->num_data_inputs() == 2) {
      const Node* d = g.find(n->input(1).node);
      if (!d || d->op != "Sum" || d->num_data_inputs() < 1 || d->input(0) != n->input(0)) break;
      t = n->input(0);
    } else {
      break;
    }
  }
  return t;
}

struct Shapes {
  const Graph& g;
  bool tried = false;
  std::map<TensorId, InferredTensor> shapes;
  PartialShape of(const TensorId& t) {
    if (!tried) {
      tried = true;
      try {
        shapes = infer_shapes(g);
      } catch (const Error&) {
      }
    }
    const auto it = shapes.find(t);
    return it == shapes.end() ? PartialShape::unknown() : it->second.shape;
  }
};

}  // namespace

std::vector<LossHead> find_loss_heads(const Graph& g, const ValueFlow& flow, const std::vector<std::string>& candidates,
                                      const std::vector<TensorId>& sources) {
  std::vector<std::set<std::string>> reach;
  for (const TensorId& s : sources) reach.push_back(flow.reach(s));
  Shapes shapes{g, false, {}};
  std::vector<LossHead> heads;
  for (size_t l = 0; l < sources.size(); ++l) {
    // Values computed from some other source: the inference side.
    std::set<std::string> inference;
    for (size_t o = 0; o < sources.size(); ++o)
      if (o != l) inference.insert(reach[o].begin(), reach[o].end());
    std::vector<LossHead> found;
    bool label = true;
    for (const std::string& c : candidates) {
      if (!reach[l].count(c)) continue;
      std::set<std::string> region = flow.ancestors(c);
      std::erase_if(region, [&](const std::string& n) { return !reach[l].count(n); });
      region.insert(c);
      LossHead head{c, sources[l], "", {}};
      bool reduces = false, ok = true;
      for (const std::string& name : region) {
        const Node& n = g.at(name);
        reduces = reduces || is_reduction(n.op);
        for (int i = 0; i < n.num_data_inputs() && ok; ++i) {
          const TensorId in = n.input(i);
          // A loss compares a label as it comes (cast, one-hot, reshaped,
          // scaled by a scalar); a source whose path passes weights is the
          // model's input, not a label.
          if (is_weight(g, in.node)) {
            ok = false;
            break;
          }
          if (in == sources[l] || reach[l].count(in.node) || !inference.count(in.node)) continue;
          if (reads_shape_only(g.at(in.node).op)) continue;
          // `in` is a prediction meeting the label here.
          TensorId label_side = sources[l];
          for (int j = 0; j < n.num_data_inputs(); ++j)
            if (n.input(j) == sources[l] || reach[l].count(n.input(j).node)) label_side = n.input(j);
          ok = is_comparison(n.op) && ranks_fit(n.op, shapes.of(label_side), shapes.of(in));
          if (!ok) break;
          head.comparison = n.op;
          head.predictions.push_back(step_back(g, in));
        }
        if (!ok) break;
      }
      if (!ok || !reduces || head.predictions.empty()) {
        label = false;
        break;
      }
      found.push_back(head);
    }
    if (label) heads.insert(heads.end(), found.begin(), found.end());
  }
  return heads;
}

}  // namespace frost
