// Builds the element-wise kernel table of one ISA from the family templates
// (pool_impl.h, binary_impl.h, unary_impl.h, softmax_impl.h, reduce_impl.h). Included only
// by eltwise_f32_<isa>.cc, each built with its ISA's -m flags.
#pragma once

#include <xsimd/xsimd.hpp>

#include "kernels/simd/binary_impl.h"
#include "kernels/simd/eltwise_kernel_table.h"
#include "kernels/simd/pool_impl.h"
#include "kernels/simd/reduce_impl.h"
#include "kernels/simd/softmax_impl.h"
#include "kernels/simd/unary_impl.h"

namespace frost::kernels::simd {
namespace {  // NOLINT: internal linkage on purpose

template <class Arch>
const EltwiseKernelTable& make_eltwise_table(const char* name) {
  static const EltwiseKernelTable table{
      name,
      pool2d_rows<Arch, true>,
      pool2d_rows<Arch, false>,
      binary_f32_range<Arch>,
      unary_f32<Arch>,
      activation_f32<Arch>,
      selu_f32<Arch>,
      softplus_f32<Arch>,
      softmax_f32_rows<Arch>,
      reduce_rows_f32<Arch>,
      reduce_columns_f32<Arch>,
  };
  return table;
}

}  // namespace
}  // namespace frost::kernels::simd
