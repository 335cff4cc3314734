// The float32 element-wise kernels (kernels/simd/eltwise_f32.cc) beside their
// reference twins, on the shapes the bundled CNNs have (batch 1, NHWC): max
// and average pooling, global average pooling, same-shape and per-channel
// binary ops, activations, softmax. One thread each (these ops are memory
// bound; the CPU backend threads them only when large).
//
// Each benchmark is named eltwise/<kernel>/<shape>/<reference|frost> and
// reports GB/s: bytes read + written per second.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "kernels/activation_elementwise.h"
#include "kernels/elementwise.h"
#include "kernels/pool.h"
#include "kernels/softmax.h"

namespace {

using namespace frost::kernels;  // NOLINT: a benchmark file of kernel calls

std::vector<float> random_floats(int64_t n) {
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> d(-4.0f, 4.0f);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = d(rng);
  return v;
}

const GemmRun kOneThread{1, false, GemmIsa::kAuto, nullptr};

// Registers the reference and the frost version of one kernel; `bytes` is
// the traffic of one call.
void add(const std::string& name, int64_t bytes, std::function<void()> reference, std::function<void()> frost) {
  for (auto& [impl, f] : {std::pair{"reference", reference}, std::pair{"frost", frost}}) {
    benchmark::RegisterBenchmark(("eltwise/" + name + "/" + impl).c_str(), [f, bytes](benchmark::State& s) {
      for (auto _ : s) f();
      s.counters["GB/s"] = benchmark::Counter(static_cast<double>(bytes) * static_cast<double>(s.iterations()),
                                              benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
    })->Unit(benchmark::kMicrosecond);
  }
}

Pool2DParams pool(int64_t h, int64_t c, int64_t window, int64_t stride) {
  Pool2DParams p;
  p.batch = 1;
  p.in_h = p.in_w = h;
  p.channels = c;
  p.window_h = p.window_w = window;
  p.stride_h = p.stride_w = stride;
  p.out_h = p.out_w = (h - window) / stride + 1;
  return p;
}

void register_all() {
  static std::vector<float> x = random_floats(1 << 22), y = random_floats(1 << 22), out(1 << 22);
  const float *px = x.data(), *py = y.data();
  float* po = out.data();

  for (const auto& [label, p] : {std::pair{"maxpool2x2s2/112x112x64", pool(112, 64, 2, 2)},
                                 std::pair{"maxpool3x3s2/56x56x128", pool(56, 128, 3, 2)},
                                 std::pair{"maxpool2x2s2/32x32x8", pool(32, 8, 2, 2)},
                                 std::pair{"avgpool2x2s2/16x16x16", pool(16, 16, 2, 2)},
                                 std::pair{"global_avg/7x7x1280", pool(7, 1280, 7, 1)}}) {
    const int64_t bytes = 4 * (p.in_h * p.in_w + p.out_h * p.out_w) * p.channels;
    const bool max = std::string(label).starts_with("max");
    add(label, bytes,
        [p, px, po, max] { max ? max_pool2d_reference(p, px, po) : avg_pool2d_reference(p, px, po); },
        [p, px, po, max] { max ? max_pool2d_f32(p, px, po, kOneThread) : avg_pool2d_f32(p, px, po, kOneThread); });
  }

  const int64_t n = 56 * 56 * 64, c = 64;
  const std::vector<int64_t> full{56, 56, 64}, chan{64};
  static Broadcast same, per_channel;
  const std::span<const int64_t> same_in[] = {full, full}, chan_in[] = {full, chan};
  plan_broadcast(full, same_in, &same);
  plan_broadcast(full, chan_in, &per_channel);
  add("add/56x56x64", 12 * n, [px, py, po] { binary_reference<float>(BinaryOp::Add, same, px, py, po); },
      [px, py, po] { binary_f32(BinaryOp::Add, same, px, py, po, kOneThread); });
  add("mul_per_channel/56x56x64", 8 * n + 4 * c,
      [px, py, po] { binary_reference<float>(BinaryOp::Mul, per_channel, px, py, po); },
      [px, py, po] { binary_f32(BinaryOp::Mul, per_channel, px, py, po, kOneThread); });

  for (const auto& [label, act] : {std::pair{"relu", Activation::kRelu}, std::pair{"relu6", Activation::kRelu6},
                                   std::pair{"sigmoid", Activation::kSigmoid}, std::pair{"tanh", Activation::kTanh},
                                   std::pair{"elu", Activation::kElu}, std::pair{"swish", Activation::kSwish}})
    add(std::string(label) + "/56x56x64", 8 * n,
        [px, po, act, n] { activation_elementwise_reference(act, 1.0f, px, po, n); },
        [px, po, act, n] { activation_elementwise_f32(act, 1.0f, px, po, n, kOneThread); });

  const SoftmaxParams sm{64, 1000};
  add("softmax/64x1000", 8 * sm.outer * sm.depth, [sm, px, po] { softmax_reference(sm, px, po); },
      [sm, px, po] { softmax_f32(sm, px, po, kOneThread); });
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
