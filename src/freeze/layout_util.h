// Helpers of the layout rules (cancel_transposes.cc, sink_transposes.cc,
// hoist_transpose_above_pad.cc, nchw_to_nhwc.cc): permutations as TensorFlow's
// Transpose reads them, and building Transpose nodes and permuted constants.
//
// Convention (TensorFlow's): y = Transpose(x, perm) has y.shape[i] =
// x.shape[perm[i]]. Transpose(Transpose(x, p), q) = Transpose(x, r) with
// r[i] = p[q[i]] (compose(p, q)).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "freeze/pass.h"
#include "graph/graph.h"

namespace frost {

using Perm = std::vector<int64_t>;

// The permutation of a Transpose node whose perm input is a Const holding a
// valid permutation; nullopt otherwise (not a Transpose, computed perm...).
std::optional<Perm> transpose_perm(const Graph& g, const Node& n);

Perm compose(const Perm& first, const Perm& second);  // r[i] = first[second[i]]
Perm inverse(const Perm& p);                         // inverse(p)[p[i]] = i
bool is_identity(const Perm& p);

// NHWC <-> NCHW.
inline const Perm kNchwToNhwc{0, 2, 3, 1};
inline const Perm kNhwcToNchw{0, 3, 1, 2};

// Adds a Const perm (int32) and returns a Transpose node (not added) named
// `name` reading `input` with element type `dtype`.
Node make_transpose(Graph& g, const std::string& name, const std::string& input, const Perm& perm, DType dtype);

// A constant operand `c` of an element-wise op whose other operand is
// Transpose(x, p) (rank p.size()), rewritten for the op to read x instead:
// broadcast to rank p.size() with leading ones, transposed by inverse(p),
// leading ones dropped again. Invalid tensor when c has a higher rank or
// the transpose cannot be evaluated.
Tensor permute_broadcast_constant(const Tensor& c, const Perm& p);

// v[perm[i]] = u[i]: where a per-dimension list (paddings rows, strides,
// ksize) of Transpose(x, perm) lands on x's dimensions.
template <class T>
std::vector<T> scatter_by_perm(const std::vector<T>& u, const Perm& perm) {
  std::vector<T> v(u.size());
  for (size_t i = 0; i < perm.size(); ++i) v[static_cast<size_t>(perm[i])] = u[i];
  return v;
}

// The data type a node outputs for the ops the layout rules move across:
// attr T, or DstT for Cast; Invalid when neither is set.
DType output_dtype(const Node& n);

}  // namespace frost

namespace frost {
// Whether every reader of `node` is a Conv2D / DepthwiseConv2dNative reading
// it as its input (not its filter): a Pad there folds into the convolution
// (fold_pad_into_conv), so the layout rules keep Transposes above such Pads.
bool feeds_only_convolutions(Graph& g, const std::string& node);
}  // namespace frost
