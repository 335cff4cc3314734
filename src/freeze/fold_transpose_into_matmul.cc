// Rule: MatMul(Reshape(Transpose(x, p), [N, K]), W) with a constant W reads
// Reshape(x, [N, K]) against W with its K rows permuted. A graph converted
// from ONNX/PyTorch flattens an NCHW tensor before its Dense/Gemm, so once
// the layout rules run the network in NHWC a Transpose back to NCHW is left
// right before the Flatten; the flatten order is only a permutation of the
// matrix's rows, which a constant W can absorb. The batch dimension must stay
// first (p[0] == 0) and the Reshape must keep it, flattening everything else
// into K. The Transpose stays while anything else reads it (remove_unused
// drops it). Not applicable: W not a float Const, transpose_a/transpose_b,
// a Reshape read by anything else or fetched, shapes not known statically.
#include "freeze/transpose_folds.h"

#include <algorithm>
#include <optional>

#include "freeze/layout_util.h"
#include "freeze/rewrite_util.h"
#include "graph/shape_inference.h"

namespace frost {

namespace {

// Row r of the result is row `source[r]` of W: for each element of x in x's
// row-major order (dims 1..), where the same element sits in Transpose(x, p).
std::vector<int64_t> permuted_rows(const std::vector<int64_t>& x_dims, const Perm& p) {
  const size_t rank = x_dims.size();
  std::vector<int64_t> y_dims(rank), y_strides(rank, 1);
  for (size_t i = 0; i < rank; ++i) y_dims[i] = x_dims[static_cast<size_t>(p[i])];
  for (size_t i = rank - 1; i > 1; --i) y_strides[i - 1] = y_strides[i] * y_dims[i];
  // x's dim d is y's dim i where p[i] == d.
  const Perm where = inverse(p);
  int64_t k = 1;
  for (size_t d = 1; d < rank; ++d) k *= x_dims[d];
  std::vector<int64_t> source(static_cast<size_t>(k));
  std::vector<int64_t> index(rank, 0);  // x's multi-index, dims 1..
  for (int64_t r = 0; r < k; ++r) {
    int64_t y_flat = 0;
    for (size_t d = 1; d < rank; ++d) y_flat += index[d] * y_strides[static_cast<size_t>(where[d])];
    source[static_cast<size_t>(r)] = y_flat;
    for (size_t d = rank - 1; d >= 1; --d) {
      if (++index[d] < x_dims[d]) break;
      index[d] = 0;
    }
  }
  return source;
}

}  // namespace

PassStats fold_transpose_into_matmul(Graph& g, const PassContext& ctx) {
  PassStats stats;
  std::optional<std::map<TensorId, InferredTensor>> shapes;
  for (Node* mm : g.nodes()) {
    if (mm->op != "MatMul" || mm->attr_bool_or("transpose_a", false) || mm->attr_bool_or("transpose_b", false)) continue;
    const TensorId rid = mm->input(0);
    Node* reshape = g.find(rid.node);
    if (!reshape || reshape->op != "Reshape" || rid.index != 0 || !single_use(g, ctx, reshape->name)) continue;
    if (!control_inputs(*reshape).empty()) continue;
    const TensorId tid = reshape->input(0);
    Node* t = g.find(tid.node);
    if (!t || tid.index != 0 || !control_inputs(*t).empty()) continue;
    const std::optional<Perm> p = transpose_perm(g, *t);
    if (!p || p->size() < 2 || (*p)[0] != 0) continue;
    const Tensor* w = const_input(g, *mm, 1);
    if (!w || w->dtype() != DType::Float || w->rank() != 2) continue;
    if (!shapes) shapes = infer_shapes(g);
    const auto xs = shapes->find(t->input(0));
    const auto rs = shapes->find(TensorId{reshape->name, 0, false});
    if (xs == shapes->end() || rs == shapes->end()) continue;
    const PartialShape& x_shape = xs->second.shape;
    const PartialShape& r_shape = rs->second.shape;
    if (!x_shape.known_rank() || x_shape.rank() != static_cast<int>(p->size()) || !r_shape.known_rank() ||
        r_shape.rank() != 2)
      continue;
    int64_t k = 1;
    bool known = true;
    for (int d = 1; d < x_shape.rank(); ++d) {
      known = known && x_shape.dim(d) > 0;
      k *= x_shape.dim(d);
    }
    // The Reshape keeps the batch only when K is everything but dim 0.
    if (!known || r_shape.dim(1) != k || w->shape()[0] != k) continue;
    const int64_t cols = w->shape()[1];
    const std::vector<int64_t> source = permuted_rows(x_shape.dims(), *p);
    Tensor moved(DType::Float, w->shape());
    const float* from = w->data<float>();
    float* to = moved.data<float>();
    for (int64_t r = 0; r < k; ++r)
      std::copy_n(from + source[static_cast<size_t>(r)] * cols, cols, to + r * cols);
    const std::string weights = unique_name(g, mm->name + "/rows_permuted");
    g.add(make_const(weights, moved));
    reshape->inputs[0] = t->inputs[0];
    mm->inputs[1] = weights;
    stats.add("transposes_folded_into_matmul");
  }
  return stats;
}

}  // namespace frost
