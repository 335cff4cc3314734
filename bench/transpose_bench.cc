// The fast Transpose (kernels/transpose.h) beside the strided copy the
// reference Transpose op runs (kernels/strided_copy.h) and the kernel's own
// element-at-a-time twin, on the NCHW <-> NHWC shapes of converted graphs
// (UltraFace's 3x480x640 input, its 240x320x16 .. 15x20x256 activations).
// One thread. Named transpose/<shape>/<perm>/<strided_copy|reference|frost>,
// reporting GB/s (bytes read + written per second).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kernels/strided_copy.h"
#include "kernels/transpose.h"

namespace {

using namespace frost::kernels;  // NOLINT: a benchmark file of kernel calls

void add(const std::vector<int64_t>& dims, const std::vector<int64_t>& perm) {
  std::string name = "transpose/";
  for (size_t i = 0; i < dims.size(); ++i) name += (i ? "x" : "") + std::to_string(dims[i]);
  name += "/";
  for (int64_t p : perm) name += std::to_string(p);
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  auto src = std::make_shared<std::vector<float>>(static_cast<size_t>(n), 1.5f);
  auto dst = std::make_shared<std::vector<float>>(static_cast<size_t>(n));
  // The strided copy the reference op builds: dst dims in output order,
  // source strides permuted.
  std::vector<int64_t> in_strides(dims.size()), out_dims, src_strides, dst_strides(dims.size());
  int64_t s = 1;
  for (size_t k = dims.size(); k-- > 0;) in_strides[k] = s, s *= dims[k];
  for (int64_t p : perm) out_dims.push_back(dims[static_cast<size_t>(p)]), src_strides.push_back(in_strides[static_cast<size_t>(p)]);
  s = 1;
  for (size_t k = dims.size(); k-- > 0;) dst_strides[k] = s, s *= out_dims[k];
  const std::vector<std::pair<std::string, std::function<void()>>> impls = {
      {"strided_copy",
       [=] { strided_copy_reference({out_dims, src_strides, dst_strides}, src->data(), dst->data(), 4); }},
      {"reference", [=] { transpose_reference({dims, perm}, src->data(), dst->data(), 4); }},
      {"frost", [=] { transpose({dims, perm}, src->data(), dst->data(), 4); }},
  };
  for (const auto& [impl, f] : impls)
    benchmark::RegisterBenchmark((name + "/" + impl).c_str(), [f = f, n](benchmark::State& st) {
      for (auto _ : st) f();
      st.counters["GB/s"] = benchmark::Counter(8.0 * static_cast<double>(n) * static_cast<double>(st.iterations()),
                                               benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
    })->Unit(benchmark::kMicrosecond);
}

}  // namespace

int main(int argc, char** argv) {
  add({1, 3, 480, 640}, {0, 2, 3, 1});
  add({1, 16, 240, 320}, {0, 2, 3, 1});
  add({1, 240, 320, 16}, {0, 3, 1, 2});
  add({1, 64, 60, 80}, {0, 2, 3, 1});
  add({1, 30, 40, 128}, {0, 3, 1, 2});
  add({1, 256, 15, 20}, {0, 2, 3, 1});
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
