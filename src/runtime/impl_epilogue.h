// What the GEMM-based implementations (conv2d, depthwise, matmul) share: the
// _Fused* node's epilogue read once at prepare time, its arguments checked
// per run, and constant weights packed at prepare time.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "kernels/gemm.h"
#include "runtime/implementation.h"
#include "runtime/ops/nn_common.h"
#include "runtime/weight_memory.h"

namespace frost {

// What follows the contraction in a node (plain or _Fused*), in GEMM-epilogue
// terms.
struct Fusion {
  bool bias = false, residual = false;
  kernels::Activation activation = kernels::Activation::kNone;
  float alpha = 0;
  bool scale = false, shift = false;  // Frost's "Scale"/"Shift" after the activation
};

// nullopt when the epilogue cannot express the node's fused_ops
// (FusedBatchNorm, an activation the epilogue lacks, a wrong num_args).
// Args, in order: bias, residual, scale, shift (those present).
std::optional<Fusion> read_fusion(const Node& n);

// The epilogue for an output viewed as rows × `columns`; validates the
// bias/residual/scale/shift inputs (from input 2 on) against the output.
kernels::GemmEpilogue epilogue(const OpContext& ctx, const Fusion& f, const Shape& out_shape, int64_t columns);

// A float node in NHWC (attrs T and data_format).
bool float_nhwc(const Node& n);

// The geometry of a convolution whose input 1 is a constant float HWIO
// filter: its taps and channels (one group: in_c is the filter's in-depth)
// with the window's strides and dilations; nullopt for any other input 1.
std::optional<kernels::Conv2DParams> constant_filter_params(const PrepareContext& ctx, const nn::Window2DAttrs& a);

// `packed`, or an identical packing of the same source that a live kernel
// already holds (src/runtime/packed_constant_share.cc). An unrolled
// recurrent network reads one kernel in every time step: without sharing,
// each step's node keeps its own packed copy (charrnn: 20 copies of 512 KiB
// for 2 distinct kernels), and every step streams its copy from L3 or DRAM
// instead of finding the previous step's in L2.
std::shared_ptr<const WeightBuffer> share_packed(const void* source, std::shared_ptr<const WeightBuffer> packed);

// Weights packed once at prepare time from a Const input; immutable after,
// shared by every run on every thread, and by every node packing the same
// constant the same way (share_packed). Held in weight memory
// (runtime/weight_memory.h: huge pages for the large ones).
class PackedConstant {
 public:
  PackedConstant() = default;
  // Packs `source` with `pack(float* out)` into `floats` floats.
  template <class Pack>
  PackedConstant(const Tensor& source, size_t floats, Pack pack) : source_(source.raw_data()) {
    auto buffer = std::make_shared<WeightBuffer>(floats);
    pack(buffer->data());
    packed_ = share_packed(source_, std::move(buffer));
  }
  // The packed weights when `w` is the constant they were packed from (not a
  // feed that replaced it), else nullptr.
  const float* for_input(const Tensor& w) const {
    return packed_ && w.raw_data() == source_ ? packed_->data() : nullptr;
  }

 private:
  std::shared_ptr<const WeightBuffer> packed_;
  const void* source_ = nullptr;
};

// Runs `use(packed)` with the packed weights: `prepared` when it holds them
// for `w`, else a packing made now (weights that are not constant change
// between runs) into a grow-only buffer of the calling thread. Not a fresh
// vector per call: one of hundreds of KiB is mmapped, zeroed and unmapped
// each time, and the unmapping interrupts every core the process's worker
// threads run on (measured: cae_mnist's transposed convolutions, whose
// filters are packed per call, took 3× longer on 2 threads than on 1).
// The kernels that `use` runs never pack weights themselves.
template <class Pack, class Use>
void with_packed(const PackedConstant& prepared, const Tensor& w, size_t floats, Pack pack, Use use) {
  if (const float* p = prepared.for_input(w)) return use(p);
  thread_local std::vector<float> fresh;
  if (fresh.size() < floats) fresh.resize(floats);
  pack(fresh.data());
  use(fresh.data());
}

}  // namespace frost
