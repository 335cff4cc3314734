// The power spectrogram by radix-2 FFT: per frame O(n log n) butterflies on
// twiddles computed once per call, where the oracle (audio.cc) sums a plain
// DFT with a cos and a sin per term (a 1 s clip at window 480: ~500 ms there,
// ~1 ms here). Same window, padding and double precision as the oracle.
#include <cmath>
#include <complex>
#include <vector>

#include "kernels/audio.h"

namespace frost::kernels {

namespace {

// In-place iterative FFT of x (size a power of two), e^{-2πi kn/N}; `twiddle`
// holds e^{-2πi k/N} for k < N/2.
void fft_in_place(std::vector<std::complex<double>>& x, const std::vector<std::complex<double>>& twiddle,
                  const std::vector<uint32_t>& reversed) {
  const size_t n = x.size();
  for (size_t i = 0; i < n; ++i)
    if (i < reversed[i]) std::swap(x[i], x[reversed[i]]);
  for (size_t half = 1; half < n; half <<= 1) {
    const size_t step = n / (2 * half);  // twiddle index stride at this stage
    for (size_t start = 0; start < n; start += 2 * half)
      for (size_t k = 0; k < half; ++k) {
        const std::complex<double> t = twiddle[k * step] * x[start + k + half];
        x[start + k + half] = x[start + k] - t;
        x[start + k] += t;
      }
  }
}

}  // namespace

void spectrogram_fft(const float* samples, int64_t length, int64_t sample_stride, const SpectrogramParams& p,
                     float* out) {
  const int64_t bins = spectrogram_bins(p);
  const auto n = static_cast<size_t>((bins - 1) * 2);
  std::vector<double> window(static_cast<size_t>(p.window_size));
  for (int64_t i = 0; i < p.window_size; ++i)  // periodic Hann, as the oracle
    window[static_cast<size_t>(i)] = 0.5 - 0.5 * std::cos(2.0 * M_PI * static_cast<double>(i) / static_cast<double>(p.window_size));
  std::vector<std::complex<double>> twiddle(n / 2), x(n);
  for (size_t k = 0; k < n / 2; ++k)
    twiddle[k] = std::polar(1.0, -2.0 * M_PI * static_cast<double>(k) / static_cast<double>(n));
  std::vector<uint32_t> reversed(n, 0);
  for (size_t i = 1; i < n; ++i) reversed[i] = (reversed[i >> 1] >> 1) | ((i & 1) ? static_cast<uint32_t>(n >> 1) : 0);
  const int64_t frames = spectrogram_frames(length, p);
  for (int64_t f = 0; f < frames; ++f) {
    for (size_t i = 0; i < n; ++i)
      x[i] = static_cast<int64_t>(i) < p.window_size
                 ? samples[(f * p.stride + static_cast<int64_t>(i)) * sample_stride] * window[i]
                 : 0.0;
    fft_in_place(x, twiddle, reversed);
    for (int64_t k = 0; k < bins; ++k) {
      const double power = std::norm(x[static_cast<size_t>(k)]);
      out[f * bins + k] = static_cast<float>(p.magnitude_squared ? power : std::sqrt(power));
    }
  }
}

}  // namespace frost::kernels
