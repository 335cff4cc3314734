// Rule: an LSTM cell whose input rows are rows of a constant embedding table
// multiplies the table out once, at freeze time:
//
//   x = view(Gather(E [V, D], ids))       x's share of z:  x·W_x = (E·W_x)[ids]
//   _FrostLSTMCell(x, h, c, W, b)    ->   _FrostLSTMCell(view(Gather(E·W_x, ids)), h, c, W_h, b), x_projected
//
// where W = [W_x; W_h] (D + J rows, G = 4H columns) and `view` is a chain of
// ops that only regroup whole rows: Identity, Squeeze, Split and Unpack off
// the last axis, Reshape keeping the last dimension. Each copies onto the
// projected table with the last dimension D → G. A character- or token-level
// RNN (charrnn_lstm_receipts: E 57×128, W 256×512) then does a quarter less
// arithmetic in its first layer's steps: the x half of each step's product is
// a row lookup.
//
// Numbers: the table is computed in double and rounded once, so the x share
// is at least as exact as the float product it replaces.
// Refused (nothing changes): E or W not constant; a table above
// kMaxTableBytes (a large vocabulary: memory, and a lookup that misses the
// caches) or above kMaxTableWork to compute (load time); a view op touching the last axis, a Reshape changing it, or a
// Squeeze/Split/Unpack whose axes cannot be told from the last (an unknown
// rank above a Reshape); any other op between Gather and the cell.
// Only with PassContext::runtime_fusions (x_projected is Frost's).
#include <cstring>
#include <map>
#include <optional>

#include "freeze/passes.h"
#include "freeze/rewrite_util.h"

namespace frost {

namespace {

constexpr int64_t kMaxTableBytes = 4 << 20;
// And at most this many multiply-adds to build it (~50 ms at load time).
constexpr int64_t kMaxTableWork = int64_t{64} << 20;

struct Chain {
  std::vector<std::string> links;  // view nodes, from the cell's x upwards
  std::string gather;
  const Tensor* table = nullptr;   // E
};

// An axis attr/input normalised against `rank`; nullopt when it cannot be (rank unknown and axis negative).
std::optional<int64_t> axis_in(int64_t axis, int64_t rank) {
  if (axis < 0) {
    if (rank < 0) return std::nullopt;
    axis += rank;
  }
  return axis;
}

// Follows x up to a Gather of a constant [V, D] table through ops that keep
// whole rows of the last axis; `rank` is x's (2), tracked upwards while known.
std::optional<Chain> view_chain(const Graph& g, const std::string& x) {
  Chain chain;
  TensorId t = TensorId::parse(x);
  int64_t rank = 2;  // of the tensor t names, -1 unknown
  for (int hops = 0; hops < 16; ++hops) {
    const Node* n = g.find(t.node);
    if (!n || n->num_data_inputs() < 1) return std::nullopt;
    // Every axis an op removes or cuts must be known not to be the last one.
    auto off_last = [&](int64_t axis, int64_t rank_in) {
      const std::optional<int64_t> a = axis_in(axis, rank_in);
      return a && rank_in >= 0 && *a >= 0 && *a < rank_in - 1;
    };
    if (n->op == "Gather" || n->op == "GatherV2") {
      const Tensor* e = const_input(g, *n, 0);
      if (!e || e->dtype() != DType::Float || e->rank() != 2 || t.index != 0) return std::nullopt;
      if (n->op == "GatherV2") {
        const Tensor* axis = const_input(g, *n, 2);
        if (!axis || axis->num_elements() != 1 || axis->as_double(0) != 0.0 || n->attr_int_or("batch_dims", 0) != 0)
          return std::nullopt;
      }
      chain.gather = n->name;
      chain.table = e;
      return chain;
    }
    int input = 0;
    if (n->op == "Identity") {
    } else if (n->op == "Squeeze") {
      const std::vector<int64_t> dims = n->attr_ints_or("squeeze_dims", {});
      if (dims.empty() || rank < 0) return std::nullopt;  // squeezing every 1 might take the last axis
      const int64_t rank_in = rank + static_cast<int64_t>(dims.size());
      for (const int64_t d : dims)
        if (!off_last(d, rank_in)) return std::nullopt;
      rank = rank_in;
    } else if (n->op == "Split") {
      const Tensor* axis = const_input(g, *n, 0);
      if (!axis || axis->num_elements() != 1 || !off_last(static_cast<int64_t>(axis->as_double(0)), rank))
        return std::nullopt;
      input = 1;
    } else if (n->op == "Unpack") {
      if (rank < 0 || !off_last(n->attr_int_or("axis", 0), rank + 1)) return std::nullopt;
      rank += 1;
    } else if (n->op == "Reshape") {
      const Tensor* shape = const_input(g, *n, 1);
      // Rows stay rows when the last dimension is D on both sides: the input's
      // is (every op below the Gather keeps it), the output's must say so.
      if (!shape || shape->rank() != 1 || shape->num_elements() < 1) return std::nullopt;
      chain.links.push_back(n->name);
      t = n->input(0);
      rank = -1;
      continue;
    } else {
      return std::nullopt;
    }
    chain.links.push_back(n->name);
    t = n->input(input);
  }
  return std::nullopt;
}

// E·W_x in double, rounded once: [V, G].
Tensor project(const Tensor& e, const Tensor& w) {
  const int64_t v = e.shape()[0], d = e.shape()[1], cols = w.shape()[1];
  Tensor out(DType::Float, Shape{v, cols});
  const float *ep = e.data<float>(), *wp = w.data<float>();
  std::vector<double> row(static_cast<size_t>(cols));
  for (int64_t r = 0; r < v; ++r) {
    std::fill(row.begin(), row.end(), 0.0);
    for (int64_t k = 0; k < d; ++k) {
      const double a = ep[r * d + k];
      for (int64_t c = 0; c < cols; ++c) row[static_cast<size_t>(c)] += a * wp[k * cols + c];
    }
    for (int64_t c = 0; c < cols; ++c) out.data<float>()[r * cols + c] = static_cast<float>(row[static_cast<size_t>(c)]);
  }
  return out;
}

Tensor rows(const Tensor& w, int64_t begin, int64_t end) {
  const int64_t cols = w.shape()[1];
  Tensor out(DType::Float, Shape{end - begin, cols});
  std::memcpy(out.data<float>(), w.data<float>() + begin * cols, static_cast<size_t>((end - begin) * cols) * sizeof(float));
  return out;
}

bool same_values(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && std::memcmp(a.data<float>(), b.data<float>(), a.byte_size()) == 0;
}

// What the cells of one layer share: built once per (table, kernel) pair,
// told apart by value (each fused cell has a Const kernel of its own until
// merge_duplicate_constants runs).
struct Projection {
  const Tensor* table;
  Tensor kernel;
  std::string gather;                          // the original Gather
  std::string projected_table, recurrent;      // Const names
  std::map<std::string, std::string> copies;   // original view/Gather node -> its projected copy
};

// The projected copy of `name` (the Gather or a view node of `chain`) and of
// everything above it, made once per Projection.
std::string projected_copy(Graph& g, Projection& p, const Chain& chain, size_t link, int64_t columns) {
  const std::string name = link < chain.links.size() ? chain.links[link] : chain.gather;
  if (const auto it = p.copies.find(name); it != p.copies.end()) return it->second;
  Node copy = g.at(name);
  copy.name = unique_name(g, name + "/projected");
  if (link >= chain.links.size()) {
    copy.inputs[0] = p.projected_table;
  } else {
    const int input = copy.op == "Split" ? 1 : 0;
    const TensorId above = copy.input(input);
    TensorId to{projected_copy(g, p, chain, link + 1, columns), above.index, false};
    copy.inputs[static_cast<size_t>(input)] = to.to_string();
    if (copy.op == "Reshape") {
      Tensor shape = const_input(g, copy, 1)->clone();  // copies share buffers: the original keeps D
      const int64_t last = shape.num_elements() - 1;
      if (shape.dtype() == DType::Int32) shape.data<int32_t>()[last] = static_cast<int32_t>(columns);
      else shape.data<int64_t>()[last] = columns;
      const std::string shape_name = unique_name(g, copy.name + "/shape");
      g.add(make_const(shape_name, shape));
      copy.inputs[1] = shape_name;
    }
  }
  const std::string copy_name = copy.name;
  g.add(std::move(copy));
  p.copies[name] = copy_name;
  return copy_name;
}

}  // namespace

PassStats project_lstm_inputs(Graph& g, const PassContext& ctx) {
  PassStats stats;
  if (!ctx.runtime_fusions) return stats;
  std::vector<std::string> cells;
  for (const Node* n : g.nodes())
    if (n->op == "_FrostLSTMCell" && !n->attr_bool_or("x_projected", false) && n->num_data_inputs() == 5)
      cells.push_back(n->name);
  std::vector<Projection> projections;
  for (const std::string& name : cells) {
    const Node& cell = g.at(name);
    const Tensor* w = const_input(g, cell, 3);
    if (!w || w->dtype() != DType::Float || w->rank() != 2) continue;
    const std::optional<Chain> chain = view_chain(g, cell.inputs[0]);
    if (!chain) continue;
    const int64_t vocab = chain->table->shape()[0], d = chain->table->shape()[1];
    const int64_t rows_w = w->shape()[0], cols = w->shape()[1];
    // No h rows, or a table too large to keep or to build.
    if (d >= rows_w || vocab * cols * 4 > kMaxTableBytes || vocab * d * cols > kMaxTableWork) continue;
    // A Reshape in the chain must keep D as its last dimension.
    bool rows_kept = true;
    for (const std::string& l : chain->links) {
      const Node& n = g.at(l);
      if (n.op != "Reshape") continue;
      const Tensor* shape = const_input(g, n, 1);
      rows_kept = rows_kept && shape->as_double(shape->num_elements() - 1) == static_cast<double>(d);
    }
    if (!rows_kept) continue;
    const Tensor w_x = rows(*w, 0, d);
    Projection* p = nullptr;
    for (Projection& q : projections)
      if (q.gather == chain->gather && same_values(q.kernel, *w)) p = &q;
    if (!p) {
      projections.push_back({chain->table, *w, chain->gather, unique_name(g, name + "/projected_table"),
                             unique_name(g, name + "/recurrent_kernel"), {}});
      p = &projections.back();
      g.add(make_const(p->projected_table, project(*chain->table, w_x)));
      g.add(make_const(p->recurrent, rows(*w, d, rows_w)));
    }
    const std::string x = projected_copy(g, *p, *chain, 0, cols);
    Node& fused = g.at(name);
    fused.inputs[0] = TensorId{x, TensorId::parse(fused.inputs[0]).index, false}.to_string();
    fused.inputs[3] = p->recurrent;
    fused.attrs["x_projected"] = true;
    stats.add("lstm_inputs_projected");
  }
  return stats;
}

}  // namespace frost
