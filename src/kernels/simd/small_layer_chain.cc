#include "kernels/simd/small_layer_chain.h"

#include "kernels/simd/conv_util.h"

namespace frost::kernels::simd {
namespace {

// Starts split: a run's first layer (its stem) is no small layer's input.
thread_local bool t_last_split = true;

}  // namespace

bool small_layer_stays_solo(double flops, double input_bytes, bool previous_split) {
  if (flops >= kSmallLayerFlops) return false;
  return !previous_split || input_bytes <= kChainLeaveInputBytes;
}

int chain_threads(int chosen, double flops, double input_bytes, bool forced) {
  if (forced || chosen <= 1) {
    // On one thread anyway: recorded where it moves activations.
    if (!forced && input_bytes > kChainLeaveInputBytes) t_last_split = false;
    return chosen;
  }
  const int threads = small_layer_stays_solo(flops, input_bytes, t_last_split) ? 1 : chosen;
  t_last_split = threads > 1;
  return threads;
}

int conv_layer_threads(const Conv2DParams& p, double flops, Activation activation, int threads, bool force,
                       WorkRate rate) {
  const double outputs = static_cast<double>(p.batch * p.out_h * p.out_w * p.out_c);
  const double input_bytes = sizeof(float) * static_cast<double>(p.batch * p.in_h * p.in_w * p.in_c);
  return chain_threads(threads_for_flops(flops, threads, force, rate),
                       chain_work(flops, outputs, is_transcendental(activation)), input_bytes, force);
}

bool last_layer_split() { return t_last_split; }
void set_last_layer_split(bool split) { t_last_split = split; }

}  // namespace frost::kernels::simd
