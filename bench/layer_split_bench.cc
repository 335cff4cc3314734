// What splitting one convolution layer across the worker team costs beyond
// its work (issue 14: 2 threads ≥ 1.8× of 1): each layer on 1 thread, on 2
// threads as the kernels split it (parallel_for's chunks on the team), and
// as two static halves of its output rows, each a 1-thread call on its own
// std::thread started once and released per iteration by a spinning flag —
// the split with no team, no chunks and no measuring around it, which runs
// at twice the 1-thread speed when the two cores are free. The team's time
// minus the halves' is what the team and the chunking add per layer.
//
// Layers: MobileNetV2 224's stem (3×3 s2 224²×3→32, stem mode) and its
// largest expansion (1×1 112²×16→96, panel kernel), captcha_cnn's 5×5
// 128×43×32→64 (plain mode). Run it on quiet cores: with a core busy the
// team's workers sleep between regions (worker_team.h's spin budget) and
// the 2-thread rows measure wake-ups.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <random>
#include <thread>
#include <vector>

#include "bench_util.h"
#include "kernels/conv.h"
#include "kernels/conv_direct.h"
#include "kernels/padding.h"

namespace {

using frost::kernels::Conv2DParams;

struct LayerCase {
  const char* label;
  int64_t h, w, cin, cout, f, stride;
};

Conv2DParams same_conv(const LayerCase& c) {
  Conv2DParams p;
  p.batch = 1;
  p.in_h = c.h;
  p.in_w = c.w;
  p.in_c = c.cin;
  p.out_c = c.cout;
  p.filter_h = p.filter_w = c.f;
  p.stride_h = p.stride_w = c.stride;
  frost::kernels::WindowDim dh, dw;
  frost::kernels::compute_window_dim(c.h, c.f, c.stride, 1, frost::kernels::PaddingMode::Same, 0, 0, &dh);
  frost::kernels::compute_window_dim(c.w, c.f, c.stride, 1, frost::kernels::PaddingMode::Same, 0, 0, &dw);
  p.out_h = dh.output;
  p.out_w = dw.output;
  p.pad_top = dh.pad_before;
  p.pad_left = dw.pad_before;
  return p;
}

// Output rows [row0, row0 + rows) of p as a layer of its own: the input
// from the first row they read, the top padding only for the first half,
// the bottom padding implied by the input rows that remain.
struct Half {
  Conv2DParams p;
  int64_t input_offset, output_offset;  // floats
};

Half half_of(const Conv2DParams& p, int64_t row0, int64_t rows) {
  Half h{p, 0, row0 * p.out_w * p.out_c};
  const int64_t first_in = row0 * p.stride_h - p.pad_top;
  const int64_t start = first_in < 0 ? 0 : first_in;
  h.p.out_h = rows;
  h.p.pad_top = start - first_in;
  h.p.in_h = p.in_h - start;
  h.input_offset = start * p.in_w * p.in_c;
  return h;
}

struct Layer {
  Conv2DParams p;
  frost::kernels::ConvDirectPlan plan;
  std::vector<float> input, packed, output;

  explicit Layer(const LayerCase& c) : p(same_conv(c)), plan(frost::kernels::conv2d_direct_plan(p)) {
    std::mt19937 rng(14);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    input.resize(static_cast<size_t>(p.in_h * p.in_w * p.in_c));
    for (float& x : input) x = u(rng);
    std::vector<float> filter(static_cast<size_t>(p.filter_h * p.filter_w * p.in_c * p.out_c));
    for (float& x : filter) x = u(rng);
    packed.resize(frost::kernels::conv2d_direct_packed_filter_floats(plan, p));
    frost::kernels::conv2d_direct_pack_filter(plan, p, filter.data(), packed.data());
    output.resize(static_cast<size_t>(p.out_h * p.out_w * p.out_c));
  }
  void run(const Conv2DParams& q, int64_t in_off, int64_t out_off, int threads, bool force, float* scratch) {
    frost::kernels::GemmRun r;
    r.threads = threads;
    r.force_threads = force;
    r.scratch = scratch;
    frost::kernels::conv2d_direct_f32(plan, q, input.data() + in_off, packed.data(), output.data() + out_off, {}, r);
  }
};

void on_threads(benchmark::State& st, const LayerCase& c, int threads) {
  frost::bench::set_threads(threads);
  Layer layer(c);
  std::vector<float> scratch(frost::kernels::conv2d_direct_scratch_floats(layer.plan, layer.p, threads));
  for (auto _ : st) layer.run(layer.p, 0, 0, threads, threads > 1, scratch.data());
  st.SetLabel(frost::kernels::conv2d_direct_kernel_name(layer.plan));
}

void static_halves(benchmark::State& st, const LayerCase& c) {
  frost::bench::set_threads(1);
  Layer layer(c);
  const int64_t top = layer.p.out_h / 2;
  const Half halves[2] = {half_of(layer.p, 0, top), half_of(layer.p, top, layer.p.out_h - top)};
  std::vector<float> scratch[2];
  for (int t = 0; t < 2; ++t)
    scratch[t].resize(frost::kernels::conv2d_direct_scratch_floats(layer.plan, halves[t].p, 1));
  // The halves must compute the layer: against one whole 1-thread call.
  {
    std::vector<float> whole_scratch(frost::kernels::conv2d_direct_scratch_floats(layer.plan, layer.p, 1));
    layer.run(layer.p, 0, 0, 1, false, whole_scratch.data());
    const std::vector<float> whole = layer.output;
    std::fill(layer.output.begin(), layer.output.end(), 0.0f);
    for (int t = 0; t < 2; ++t)
      layer.run(halves[t].p, halves[t].input_offset, halves[t].output_offset, 1, false, scratch[t].data());
    for (size_t j = 0; j < whole.size(); ++j) {
      if (std::fabs(whole[j] - layer.output[j]) > 1e-4f * (1.0f + std::fabs(whole[j]))) {
        st.SkipWithError("the two halves do not compute the layer");
        return;
      }
    }
  }
  std::atomic<int64_t> released{0}, finished{0};
  std::atomic<bool> stop{false};
  std::thread other([&] {
    for (int64_t i = 1;; ++i) {
      while (released.load(std::memory_order_acquire) < i)
        if (stop.load(std::memory_order_relaxed)) return;
      layer.run(halves[1].p, halves[1].input_offset, halves[1].output_offset, 1, false, scratch[1].data());
      finished.store(i, std::memory_order_release);
    }
  });
  int64_t i = 0;
  for (auto _ : st) {
    released.store(++i, std::memory_order_release);
    layer.run(halves[0].p, halves[0].input_offset, halves[0].output_offset, 1, false, scratch[0].data());
    while (finished.load(std::memory_order_acquire) < i) {
    }
  }
  stop.store(true);
  other.join();
}

void register_all() {
  static const LayerCase cases[] = {
      {"3x3s2_224x224x3_to_32", 224, 224, 3, 32, 3, 2},
      {"1x1_112x112x16_to_96", 112, 112, 16, 96, 1, 1},
      {"5x5_128x43x32_to_64", 128, 43, 32, 64, 5, 1},
  };
  for (const LayerCase& c : cases) {
    const std::string name = std::string("layer_split/") + c.label;
    auto alone = [&c](benchmark::State& st) { on_threads(st, c, 1); };
    auto team = [&c](benchmark::State& st) { on_threads(st, c, 2); };
    benchmark::RegisterBenchmark((name + "/threads:1").c_str(), alone)->UseRealTime();
    benchmark::RegisterBenchmark((name + "/team/threads:2").c_str(), team)->UseRealTime();
    benchmark::RegisterBenchmark((name + "/static_halves/threads:2").c_str(),
                                 [&c](benchmark::State& st) { static_halves(st, c); })
        ->UseRealTime();
  }
}

}  // namespace

int main(int argc, char** argv) {
  return frost::bench::run_benchmarks(argc, argv, frost::bench::Peak::kSkip, register_all);
}
