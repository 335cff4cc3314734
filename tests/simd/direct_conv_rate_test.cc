// direct_conv_rate (kernels/simd/direct_conv_rate.h): which direct
// convolutions split at the lower least work a thread, and what that means
// for choose_threads' decision on MobileNetV2-sized 1×1 layers.
#include <doctest/doctest.h>

#include <cstdint>

#include "kernels/simd/direct_conv_rate.h"

namespace frost::kernels::simd {

TEST_CASE("direct conv rate: pointwise layers with a pixel tile per thread split at a tenth") {
  // models/mobilenet_v2's 12²×16→96 expansion: 144 pixels, 6 tiles of 24.
  const WorkRate r = direct_conv_rate(true, 144, 24, 2, 16);
  CHECK(r.min_units_per_thread == doctest::Approx(kFlops.min_units_per_thread / 10));
  CHECK(r.units_per_second == doctest::Approx(kDirectAvx512FlopsPerSecond));
  // 0.44 MFLOP: one thread at the general rate, two at this one (idle machine).
  const double flops = 2.0 * 144 * 16 * 96;
  CHECK(threads_for_work(flops, 2, 0.0, kFlops) == 1);
  CHECK(threads_for_work(flops, 2, 0.0, r) == 2);
  // A region overhead of 5 µs outweighs the layer's ~4 µs of work: one thread.
  CHECK(threads_for_work(flops, 2, 5e-6, r) == 1);
  // AVX2 kernels (8 lanes) keep kFlops' speed.
  CHECK(direct_conv_rate(true, 144, 12, 2, 8).units_per_second == doctest::Approx(kFlops.units_per_second));
  CHECK(direct_conv_rate(true, 144, 12, 2, 8).min_units_per_thread ==
        doctest::Approx(kFlops.min_units_per_thread / 10));
}

TEST_CASE("direct conv rate: the general rate elsewhere") {
  auto general = [](WorkRate r) {
    return r.units_per_second == kFlops.units_per_second && r.min_units_per_thread == kFlops.min_units_per_thread;
  };
  CHECK(general(direct_conv_rate(false, 144, 24, 2, 16)));  // not 1×1 stride 1 unpadded
  CHECK(general(direct_conv_rate(true, 9, 24, 2, 16)));     // one pixel tile: only the channels could be cut
  CHECK(general(direct_conv_rate(true, 24, 24, 2, 16)));    // exactly one tile
  CHECK_FALSE(general(direct_conv_rate(true, 25, 24, 2, 16)));  // two tiles, one a pixel
  CHECK(general(direct_conv_rate(true, 144, 24, 1, 16)));   // one thread
  CHECK(general(direct_conv_rate(true, 144, 0, 2, 16)));    // no tile
  // Three threads need three tiles.
  CHECK(general(direct_conv_rate(true, 48, 24, 3, 16)));
  CHECK_FALSE(general(direct_conv_rate(true, 49, 24, 3, 16)));
}

}  // namespace frost::kernels::simd
