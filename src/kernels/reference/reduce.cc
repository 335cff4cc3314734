// Reference reductions: for each output element, an odometer walk over the
// reduced index space, folding into a wide accumulator.
#include <cmath>
#include <limits>
#include <type_traits>

#include "kernels/reduce.h"

namespace frost::kernels {

namespace {

// Calls f(offset) for every index of a rank-`rank` space, row-major.
template <class F>
void for_each_offset(int rank, const int64_t* dims, const int64_t* strides, F&& f) {
  for (int d = 0; d < rank; ++d)
    if (dims[d] == 0) return;
  int64_t index[kMaxReduceRank] = {};
  int64_t offset = 0;
  while (true) {
    f(offset);
    int d = rank - 1;
    for (; d >= 0; --d) {
      if (++index[d] < dims[d]) {
        offset += strides[d];
        break;
      }
      offset -= strides[d] * (dims[d] - 1);
      index[d] = 0;
    }
    if (d < 0) return;
  }
}

template <class T>
T reduce_one(ReduceOp op, const ReducePlan& p, const T* in) {
  using Limits = std::numeric_limits<T>;
  constexpr bool is_float = std::is_floating_point_v<T>;
  switch (op) {
    case ReduceOp::Sum:
    case ReduceOp::Mean:
    case ReduceOp::Prod: {
      // Floats in double; integers in 64 bits with two's-complement wrap.
      using Acc = std::conditional_t<is_float, double, uint64_t>;
      Acc acc = op == ReduceOp::Prod ? Acc(1) : Acc(0);
      for_each_offset(p.reduced_rank, p.reduced_dims, p.reduced_strides, [&](int64_t off) {
        if (op == ReduceOp::Prod) acc *= static_cast<Acc>(in[off]);
        else acc += static_cast<Acc>(in[off]);
      });
      if (op != ReduceOp::Mean) return static_cast<T>(acc);
      if constexpr (is_float) {
        return static_cast<T>(acc / static_cast<double>(p.reduced_elements));  // 0/0 = NaN when empty
      } else {
        if (p.reduced_elements == 0) return T(0);
        if constexpr (std::is_signed_v<T>)
          return static_cast<T>(static_cast<int64_t>(acc) / p.reduced_elements);
        return static_cast<T>(acc / static_cast<uint64_t>(p.reduced_elements));
      }
    }
    case ReduceOp::Max:
    case ReduceOp::Min: {
      const bool is_max = op == ReduceOp::Max;
      T acc;
      if constexpr (is_float) acc = is_max ? -Limits::infinity() : Limits::infinity();
      else acc = is_max ? Limits::lowest() : Limits::max();
      for_each_offset(p.reduced_rank, p.reduced_dims, p.reduced_strides, [&](int64_t off) {
        const T v = in[off];
        if constexpr (is_float) {
          if (std::isnan(acc)) return;
          if (std::isnan(v)) {
            acc = v;
            return;
          }
        }
        if (is_max ? v > acc : v < acc) acc = v;
      });
      return acc;
    }
  }
  return T{};
}

}  // namespace

bool plan_reduce(std::span<const int64_t> dims, std::span<const int> axes, ReducePlan* plan) {
  ReducePlan p;
  const int rank = static_cast<int>(dims.size());
  // Walk from the innermost dimension out, merging a dimension into the
  // previous (inner) group when both are of the same kind.
  int64_t stride = 1;
  int last_kind = -1;  // 0 kept, 1 reduced, -1 none yet
  // Groups are collected innermost first and reversed at the end.
  int64_t kd[kMaxReduceRank], ks[kMaxReduceRank], rd[kMaxReduceRank], rs[kMaxReduceRank];
  for (int d = rank - 1; d >= 0; --d) {
    const int64_t size = dims[static_cast<size_t>(d)];
    bool reduced = false;
    for (int a : axes) reduced = reduced || a == d;
    if (reduced) p.reduced_elements *= size;
    else p.out_elements *= size;
    if (size != 1) {
      const int kind = reduced ? 1 : 0;
      int& count = reduced ? p.reduced_rank : p.kept_rank;
      int64_t* group_dims = reduced ? rd : kd;
      int64_t* group_strides = reduced ? rs : ks;
      if (kind == last_kind) {
        group_dims[count - 1] *= size;
      } else {
        if (count == kMaxReduceRank) return false;
        group_dims[count] = size;
        group_strides[count] = stride;
        ++count;
      }
      last_kind = kind;
    }
    stride *= size;
  }
  for (int i = 0; i < p.kept_rank; ++i) {
    p.kept_dims[i] = kd[p.kept_rank - 1 - i];
    p.kept_strides[i] = ks[p.kept_rank - 1 - i];
  }
  for (int i = 0; i < p.reduced_rank; ++i) {
    p.reduced_dims[i] = rd[p.reduced_rank - 1 - i];
    p.reduced_strides[i] = rs[p.reduced_rank - 1 - i];
  }
  *plan = p;
  return true;
}

template <class T>
void reduce_reference(ReduceOp op, const ReducePlan& plan, const T* in, T* out) {
  int64_t o = 0;
  if (plan.out_elements == 0) return;
  for_each_offset(plan.kept_rank, plan.kept_dims, plan.kept_strides,
                  [&](int64_t base) { out[o++] = reduce_one(op, plan, in + base); });
}

template <class T, class Index>
void arg_reduce_reference(bool is_max, int64_t outer, int64_t n, int64_t inner, const T* in, Index* out) {
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const T* base = in + o * n * inner + i;
      int64_t best = 0;
      for (int64_t k = 1; k < n; ++k) {
        const T v = base[k * inner];
        if (is_max ? v > base[best * inner] : v < base[best * inner]) best = k;
      }
      out[o * inner + i] = static_cast<Index>(best);
    }
  }
}

#define FROST_INSTANTIATE_REDUCE(T)                                                                      \
  template void reduce_reference<T>(ReduceOp, const ReducePlan&, const T*, T*);                          \
  template void arg_reduce_reference<T, int32_t>(bool, int64_t, int64_t, int64_t, const T*, int32_t*);   \
  template void arg_reduce_reference<T, int64_t>(bool, int64_t, int64_t, int64_t, const T*, int64_t*);

FROST_INSTANTIATE_REDUCE(float)
FROST_INSTANTIATE_REDUCE(double)
FROST_INSTANTIATE_REDUCE(int8_t)
FROST_INSTANTIATE_REDUCE(int16_t)
FROST_INSTANTIATE_REDUCE(int32_t)
FROST_INSTANTIATE_REDUCE(int64_t)
FROST_INSTANTIATE_REDUCE(uint8_t)
FROST_INSTANTIATE_REDUCE(uint16_t)
FROST_INSTANTIATE_REDUCE(uint32_t)
FROST_INSTANTIATE_REDUCE(uint64_t)

#undef FROST_INSTANTIATE_REDUCE

}  // namespace frost::kernels
