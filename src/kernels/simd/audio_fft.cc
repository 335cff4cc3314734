// The power spectrogram by radix-2 FFT, what the runtime's audio/fft runs
// (the oracle, reference/audio.cc, sums a plain DFT with a cos and a sin per
// term: a 1 s clip at window 480 takes ~500 ms there).
//
// A real frame of n samples is transformed as a complex one of m = n/2
// points (even samples real, odd imaginary), then split into the real
// frame's n/2 + 1 bins. The window, the twiddles and the bit reversal are
// computed once per parameter set (SpectrogramFft). Frames are transformed
// kLanes at a time, lane l of every value holding frame f0 + l (real and
// imaginary parts in separate arrays): every butterfly is then the same
// arithmetic on kLanes independent numbers, whole vectors without shuffles,
// and the frames' blocks are shared by the threads. Each
// frame's result depends only on its own samples, in double as the oracle,
// whatever the lanes or threads. (The earlier scalar std::complex<double>
// transform went through libgcc's __muldc3 for every product: 0.5 ms for
// speech_commands' 98 frames of 512.)
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>
#include <xsimd/xsimd.hpp>

#include "kernels/audio.h"
#include "kernels/simd/thread_policy.h"

namespace frost::kernels {

namespace {

// Frames per block. Four: the block's 2·256·4 doubles (16 KiB at
// speech_commands' 512 points) stay in L1 through the transform's passes;
// with eight (32 KiB) the model's spectrogram took 0.145 ms instead of 0.094
// (AVX-512, 1 thread).
constexpr int64_t kLanes = 4;
// Four doubles to a vector where the build has them (AVX), else the widest
// (SSE2's two; this file has the project's flags, -march=native unless the
// build is portable).
using V4 = xsimd::make_sized_batch_t<double, 4>;
using V = std::conditional_t<std::is_void_v<V4>, xsimd::batch<double>, V4>;
constexpr int64_t kWidth = static_cast<int64_t>(V::size);
static_assert(kLanes % kWidth == 0);

// Frames per second one core transforms at 512 points (~1 µs each,
// AVX2 vectors on Zen 4), and the least worth a thread: two blocks.
constexpr simd::WorkRate kFrameRate{1e6, 2 * kLanes};

int64_t div_up(int64_t a, int64_t b) { return (a + b - 1) / b; }

}  // namespace

SpectrogramFft::SpectrogramFft(const SpectrogramParams& p) : p_(p) {
  bins_ = spectrogram_bins(p);
  m_ = bins_ - 1;  // complex points: half the FFT size
  window_.resize(static_cast<size_t>(p.window_size));
  for (int64_t i = 0; i < p.window_size; ++i)  // periodic Hann, as the oracle
    window_[static_cast<size_t>(i)] =
        0.5 - 0.5 * std::cos(2.0 * M_PI * static_cast<double>(i) / static_cast<double>(p.window_size));
  // e^{-2πik/n} for k < m: the length-m transform uses every other one
  // (its own e^{-2πik/m}), the split step all of them.
  tw_re_.resize(static_cast<size_t>(m_));
  tw_im_.resize(static_cast<size_t>(m_));
  for (int64_t k = 0; k < m_; ++k) {
    const double angle = -M_PI * static_cast<double>(k) / static_cast<double>(m_);
    tw_re_[static_cast<size_t>(k)] = std::cos(angle);
    tw_im_[static_cast<size_t>(k)] = std::sin(angle);
  }
  reversed_.assign(static_cast<size_t>(m_), 0);
  for (int64_t i = 1; i < m_; ++i)
    reversed_[static_cast<size_t>(i)] =
        (reversed_[static_cast<size_t>(i >> 1)] >> 1) | ((i & 1) ? static_cast<uint32_t>(m_ >> 1) : 0);
}

// Frames [f0, f0 + count), count ≤ kLanes, into out (frame-major, bins_
// floats each); re and im hold m_ · kLanes doubles each.
void SpectrogramFft::block(const float* samples, int64_t sample_stride, int64_t f0, int64_t count, double* re,
                           double* im, float* out) const {
  const int64_t m = m_, w = p_.window_size;
  // Load in bit-reversed order, windowed; lanes past `count` and samples
  // past the window (the FFT's zero padding) are zeros.
  std::fill(re, re + m * kLanes, 0.0);
  std::fill(im, im + m * kLanes, 0.0);
  const int64_t pairs = std::min(m, w / 2);  // complex points whose both samples lie in the window
  for (int64_t l = 0; l < count; ++l) {
    const float* s = samples + (f0 + l) * p_.stride * sample_stride;
    const double* win = window_.data();
    for (int64_t i = 0; i < pairs; ++i) {
      const int64_t j = reversed_[static_cast<size_t>(i)] * kLanes + l;
      re[j] = s[2 * i * sample_stride] * win[2 * i];
      im[j] = s[(2 * i + 1) * sample_stride] * win[2 * i + 1];
    }
    if (pairs < m && 2 * pairs < w)  // an odd window: its last sample is a real part alone
      re[reversed_[static_cast<size_t>(pairs)] * kLanes + l] = s[2 * pairs * sample_stride] * win[2 * pairs];
  }
  // Radix-2 stages: butterflies of spans 1, 2, 4, ..., each on kLanes frames.
  for (int64_t half = 1; half < m; half <<= 1) {
    const int64_t step = m / half;  // e^{-2πik/(2·half)} = tw[k·step]
    for (int64_t start = 0; start < m; start += 2 * half) {
      for (int64_t k = 0; k < half; ++k) {
        const V wr(tw_re_[static_cast<size_t>(k * step)]), wi(tw_im_[static_cast<size_t>(k * step)]);
        double* ar = re + (start + k) * kLanes;
        double* ai = im + (start + k) * kLanes;
        double* br = re + (start + k + half) * kLanes;
        double* bi = im + (start + k + half) * kLanes;
        for (int64_t l = 0; l < kLanes; l += kWidth) {
          const V xr = V::load_aligned(ar + l), xi = V::load_aligned(ai + l);
          const V yr = V::load_aligned(br + l), yi = V::load_aligned(bi + l);
          const V tr = wr * yr - wi * yi, ti = wr * yi + wi * yr;
          (xr - tr).store_aligned(br + l);
          (xi - ti).store_aligned(bi + l);
          (xr + tr).store_aligned(ar + l);
          (xi + ti).store_aligned(ai + l);
        }
      }
    }
  }
  // The split: with a = Z[k], b = Z[m-k] (indices mod m), the even samples'
  // transform is E = (a + conj b)/2, the odd ones' O = (a - conj b)/(2i),
  // and bin k is E + e^{-2πik/n}·O (e^{-iπ} = -1 for k = m).
  for (int64_t k = 0; k <= m; ++k) {
    const double* a_re = re + (k % m) * kLanes;
    const double* a_im = im + (k % m) * kLanes;
    const double* b_re = re + ((m - k) % m) * kLanes;
    const double* b_im = im + ((m - k) % m) * kLanes;
    const double wr = k < m ? tw_re_[static_cast<size_t>(k)] : -1.0, wi = k < m ? tw_im_[static_cast<size_t>(k)] : 0.0;
    alignas(64) double power[kLanes];  // |bin k|² of each lane's frame
    const V vwr(wr), vwi(wi), h(0.5);
    for (int64_t l = 0; l < kLanes; l += kWidth) {
      const V ar = V::load_aligned(a_re + l), ai = V::load_aligned(a_im + l);
      const V br = V::load_aligned(b_re + l), bi = V::load_aligned(b_im + l);
      const V er = h * (ar + br), ei = h * (ai - bi);
      const V odd_re = h * (ai + bi), odd_im = h * (br - ar);
      const V xr = er + vwr * odd_re - vwi * odd_im, xi = ei + vwr * odd_im + vwi * odd_re;
      (xr * xr + xi * xi).store_aligned(power + l);
    }
    for (int64_t l = 0; l < count; ++l)
      out[(f0 + l) * bins_ + k] = static_cast<float>(p_.magnitude_squared ? power[l] : std::sqrt(power[l]));
  }
}

void SpectrogramFft::run(const float* samples, int64_t length, int64_t sample_stride, float* out, int threads) const {
  const int64_t frames = spectrogram_frames(length, p_);
  if (frames <= 0) return;
  const int64_t blocks = div_up(frames, kLanes);
  threads = simd::choose_threads(static_cast<double>(frames), simd::resolve_threads(threads), kFrameRate);
  simd::parallel_for(threads, simd::chunk_count(blocks, threads), [&](int64_t c, int) {
    // Per thread, reused across calls: 2 · m · kLanes doubles.
    thread_local std::vector<double, xsimd::aligned_allocator<double, 64>> buffer;
    buffer.resize(static_cast<size_t>(2 * m_ * kLanes));
    const simd::ChunkRange range = simd::chunk_range(blocks, simd::chunk_count(blocks, threads), c);
    for (int64_t b = range.begin; b < range.end; ++b) {
      const int64_t f0 = b * kLanes;
      block(samples, sample_stride, f0, std::min(kLanes, frames - f0), buffer.data(), buffer.data() + m_ * kLanes, out);
    }
  });
}

void spectrogram_fft(const float* samples, int64_t length, int64_t sample_stride, const SpectrogramParams& p,
                     float* out) {
  SpectrogramFft(p).run(samples, length, sample_stride, out);
}

}  // namespace frost::kernels
