// small_layer_chain (kernels/simd/small_layer_chain.h): which small
// convolution layers stay on one thread, by the layer before them.
#include <doctest/doctest.h>

#include <initializer_list>

#include "kernels/simd/small_layer_chain.h"

namespace frost::kernels::simd {

TEST_CASE("small layer chain: large layers never stay solo") {
  // models/mobilenet_v2's stem (2.0 MFLOP) and large/mobilenet_v2_224's
  // smallest depthwise layer (7²×960: 0.85 MFLOP), after either kind of layer.
  for (const bool previous : {false, true}) {
    CHECK_FALSE(small_layer_stays_solo(2.0e6, 110e3, previous));
    CHECK_FALSE(small_layer_stays_solo(8.5e5, 188e3, previous));
    CHECK_FALSE(small_layer_stays_solo(kSmallLayerFlops, 1e3, previous));
  }
}

TEST_CASE("small layer chain: a small layer follows the layer before it") {
  // A 12²×16→96 expansion (0.44 MFLOP, 9 KiB in) after a layer on one thread.
  CHECK(small_layer_stays_solo(4.4e5, 9216, false));
  // After a split layer: a large input stays split (half of it is in the
  // other core's cache), a small one leaves the chain.
  CHECK_FALSE(small_layer_stays_solo(4.4e5, 110e3, true));  // 24²×48 in
  CHECK(small_layer_stays_solo(4.4e5, 18432, true));        // 24²×8 in
  CHECK(small_layer_stays_solo(4.4e5, kChainLeaveInputBytes, true));
  CHECK_FALSE(small_layer_stays_solo(4.4e5, kChainLeaveInputBytes + 1, true));
}

TEST_CASE("small layer chain: chain_threads applies the rule and records the choice") {
  set_last_layer_split(true);
  // Split, large input: keeps the general rule's count and stays split.
  CHECK(chain_threads(2, 4.4e5, 110e3, false) == 2);
  CHECK(last_layer_split());
  // Small input: one thread, recorded.
  CHECK(chain_threads(2, 4.4e5, 18432, false) == 1);
  CHECK_FALSE(last_layer_split());
  // Now every small layer stays on one thread, whatever its input.
  CHECK(chain_threads(2, 4.4e5, 110e3, false) == 1);
  CHECK(chain_threads(2, 1e5, 1e6, false) == 1);
  CHECK_FALSE(last_layer_split());
  // A large layer splits again and starts a chain.
  CHECK(chain_threads(2, 2.6e6, 4096, false) == 2);
  CHECK(last_layer_split());
  // The general rule's one thread: a layer on a tiny input (a
  // squeeze-excite's 1×1 on one pooled pixel) leaves the chain as it was,
  // one on a larger input is recorded as on one thread.
  CHECK(chain_threads(1, 2e3, 512, false) == 1);
  CHECK(last_layer_split());
  CHECK(chain_threads(1, 2e5, 110e3, false) == 1);
  CHECK_FALSE(last_layer_split());
  // Forced counts (tests of the threaded paths) pass through, unrecorded.
  CHECK(chain_threads(2, 1e5, 1e3, true) == 2);
  CHECK_FALSE(last_layer_split());
  set_last_layer_split(true);
  CHECK(chain_threads(1, 1e5, 1e3, true) == 1);
  CHECK(last_layer_split());
}

TEST_CASE("small layer chain: a transcendental epilogue counts towards a layer's size") {
  // efficientnet_block's 16²×16→64 swish expansion: 0.52 MFLOP, 16384 outputs.
  const double flops = 2.0 * 256 * 16 * 64, outputs = 256.0 * 64;
  CHECK(chain_work(flops, outputs, false) == doctest::Approx(flops));
  CHECK(chain_work(flops, outputs, true) == doctest::Approx(flops + kTranscendentalFlopsPerOutput * outputs));
  CHECK(small_layer_stays_solo(chain_work(flops, outputs, false), 16384, false));
  CHECK_FALSE(small_layer_stays_solo(chain_work(flops, outputs, true), 16384, false));
}

}  // namespace frost::kernels::simd
