// conv_pointwise_resident_f32_avx512 (conv_pointwise_resident.h): a panel
// of in_c × NV filter vectors held in registers while the pixels stream
// past. Per pixel: the accumulators start at the bias, in_c broadcasts of
// its input values each feed NV FMAs, and the sums go through the clamp of
// a ReLU / ReLU6 straight to the output. Any other epilogue runs on a
// unit of pixels after its sums are stored, while they are in L1.
// Built with -mavx512f; called only after a CPU + OS check.
#include <immintrin.h>

#include <array>
#include <cstdint>
#include <limits>
#include <utility>

#include "kernels/simd/conv_pointwise_resident.h"
#include "kernels/simd/epilogue_impl.h"
#include "kernels/simd/thread_policy.h"

namespace frost::kernels::simd {
namespace {

constexpr int kLanes = 16;
constexpr int kMaxNv = 4;
// Pixels per unit of work: the threads share units, and an epilogue that
// is not a clamp runs on a unit's output (at most 16 KiB) while it is in L1.
constexpr int64_t kUnitPixels = 64;

struct FlatTraits {  // what epilogue_impl.h needs of a tile's traits
  using V = xsimd::batch<float, xsimd::avx512f>;
  static constexpr int W = kLanes;
};

// What the kernel does after the sums: add the bias and clamp to [lo, hi]
// (an epilogue of bias and none / ReLU / ReLU6, the usual one), or store
// them (adding the output's previous contents with accumulate) for
// apply_epilogue.
struct PanelEpilogue {
  bool in_line = false;
  bool accumulate = false;
  float lo = 0.0f, hi = 0.0f;
};

PanelEpilogue panel_epilogue(const GemmEpilogue& ep) {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  PanelEpilogue e;
  e.accumulate = ep.accumulate;
  if (ep.residual != nullptr || ep.accumulate || ep.post_scale != nullptr || ep.post_shift != nullptr) return e;
  switch (ep.activation) {
    case Activation::kNone: e = {true, false, -kInf, kInf}; break;
    case Activation::kRelu: e = {true, false, 0.0f, kInf}; break;
    case Activation::kRelu6: e = {true, false, 0.0f, 6.0f}; break;
    default: break;
  }
  return e;
}

// Output pixels [0, rows) of one panel: cols (≤ NV·16) channels at c (row
// stride ldc), input pixel r at x + r·K. bias: NV·16 floats (zeros past
// cols), added only in line. kInLine: e.in_line (a template argument, so
// that the pixel loop tests nothing per vector).
template <int K, int NV, bool kInLine>
void resident_panel_as(const float* x, int64_t rows, const float* panel, const float* bias, int64_t cols, float* c,
                    int64_t ldc, const PanelEpilogue& e) {
  __m512 w[K][NV];
#pragma GCC unroll 8
  for (int k = 0; k < K; ++k) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) w[k][v] = _mm512_loadu_ps(panel + (k * NV + v) * kLanes);
  }
  __mmask16 mask[NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) {
    const int64_t n = cols - v * kLanes;
    mask[v] = n >= kLanes ? static_cast<__mmask16>(0xFFFF) : n <= 0 ? 0 : static_cast<__mmask16>((1u << n) - 1u);
  }
  const bool whole = cols == NV * kLanes, accumulate = e.accumulate;
  const __m512 lo = _mm512_set1_ps(e.lo), hi = _mm512_set1_ps(e.hi);
  for (int64_t r = 0; r < rows; ++r, x += K, c += ldc) {
    __m512 acc[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[v] = kInLine ? _mm512_load_ps(bias + v * kLanes) : _mm512_setzero_ps();
#pragma GCC unroll 8
    for (int k = 0; k < K; ++k) {
      const __m512 a = _mm512_set1_ps(x[k]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[v] = _mm512_fmadd_ps(a, w[k][v], acc[v]);
    }
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      if constexpr (kInLine) {
        acc[v] = _mm512_min_ps(hi, _mm512_max_ps(lo, acc[v]));
      } else if (accumulate) {
        acc[v] = _mm512_add_ps(acc[v], _mm512_maskz_loadu_ps(mask[v], c + v * kLanes));
      }
      if (whole)
        _mm512_storeu_ps(c + v * kLanes, acc[v]);
      else
        _mm512_mask_storeu_ps(c + v * kLanes, mask[v], acc[v]);
    }
  }
}

template <int K, int NV>
void resident_panel(const float* x, int64_t rows, const float* panel, const float* bias, int64_t cols, float* c,
                    int64_t ldc, const PanelEpilogue& e) {
  if (e.in_line)
    resident_panel_as<K, NV, true>(x, rows, panel, bias, cols, c, ldc, e);
  else
    resident_panel_as<K, NV, false>(x, rows, panel, bias, cols, c, ldc, e);
}

using ResidentPanel = void (*)(const float*, int64_t, const float*, const float*, int64_t, float*, int64_t,
                               const PanelEpilogue&);

// resident_panel<K, NV> for in_c = K, nr = 16·NV; null where the panel
// does not fit the registers.
ResidentPanel resident_panel_for(int64_t in_c, int64_t nr) {
  static constexpr auto table = []<size_t... I>(std::index_sequence<I...>) {
    return std::array<ResidentPanel, sizeof...(I)>{
        (pointwise_resident_fits(static_cast<int64_t>(I % kResidentMaxInC) + 1,
                                 static_cast<int64_t>(I / kResidentMaxInC + 1) * kLanes)
             ? &resident_panel<static_cast<int>(I % kResidentMaxInC) + 1, static_cast<int>(I / kResidentMaxInC) + 1>
             : nullptr)...};
  }(std::make_index_sequence<kResidentMaxInC * kMaxNv>{});
  if (!pointwise_resident_fits(in_c, nr)) return nullptr;
  return table[static_cast<size_t>((nr / kLanes - 1) * kResidentMaxInC + in_c - 1)];
}

}  // namespace

void conv_pointwise_resident_f32_avx512(int64_t pixels, int64_t in_c, int64_t out_c, const float* input,
                                        const float* filter, int64_t nr, float* output, const GemmEpilogue& ep,
                                        int threads) {
  const ResidentPanel run_panel = resident_panel_for(in_c, nr);
  if (pixels <= 0 || out_c <= 0 || run_panel == nullptr) return;
  const PanelEpilogue e = panel_epilogue(ep);
  const int64_t panels = (out_c + nr - 1) / nr;
  const int64_t units = (pixels + kUnitPixels - 1) / kUnitPixels;
  const int64_t chunks = chunk_count(units, threads);
  parallel_for(threads, chunks, [&](int64_t chunk, int) {
    const ChunkRange r = chunk_range(units, chunks, chunk);
    const int64_t m0 = r.begin * kUnitPixels, m1 = r.end * kUnitPixels < pixels ? r.end * kUnitPixels : pixels;
    // Panel by panel over the chunk's pixels: the panel's filter and bias
    // are set up once per chunk.
    for (int64_t q = 0; q < panels; ++q) {
      const int64_t j0 = q * nr, cols = out_c - j0 < nr ? out_c - j0 : nr;
      // The panel's bias padded with zeros to whole vectors, so that the
      // kernel loads it without masks.
      alignas(64) float bias[kMaxNv * kLanes] = {};
      if (ep.bias != nullptr)
        for (int64_t j = 0; j < cols; ++j) bias[j] = ep.bias[j0 + j];
      const float* panel = filter + q * in_c * nr;
      if (e.in_line) {
        run_panel(input + m0 * in_c, m1 - m0, panel, bias, cols, output + m0 * out_c + j0, out_c, e);
        continue;
      }
      for (int64_t m = m0; m < m1; m += kUnitPixels) {
        const int64_t rows = m1 - m < kUnitPixels ? m1 - m : kUnitPixels;
        run_panel(input + m * in_c, rows, panel, bias, cols, output + m * out_c + j0, out_c, e);
        apply_epilogue<FlatTraits>(output, out_c, m, j0, rows, cols, ep);
      }
    }
  });
}

}  // namespace frost::kernels::simd
