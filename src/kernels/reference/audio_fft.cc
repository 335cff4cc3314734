// The power spectrogram by radix-2 FFT: per frame a complex transform of
// half the length (the real signal packed in pairs) on twiddles computed once
// per call, where the oracle (audio.cc) sums a plain
// DFT with a cos and a sin per term (a 1 s clip at window 480: ~500 ms there,
// ~1 ms here). Same window, padding and double precision as the oracle.
#include <cmath>
#include <complex>
#include <vector>

#include "kernels/audio.h"

namespace frost::kernels {

namespace {

// In-place iterative FFT of x (size a power of two), e^{-2πi kn/N}: `twiddle`
// holds e^{-2πi k/(N·spread)} for k < N·spread/2 (spread 2: the table of a
// transform twice as long), `reversed` the bit-reversal permutation of N.
void fft_in_place(std::vector<std::complex<double>>& x, const std::vector<std::complex<double>>& twiddle, size_t spread,
                  const std::vector<uint32_t>& reversed) {
  const size_t n = x.size();
  for (size_t i = 0; i < n; ++i)
    if (i < reversed[i]) std::swap(x[i], x[reversed[i]]);
  for (size_t half = 1; half < n; half <<= 1) {
    const size_t step = n / (2 * half) * spread;  // twiddle index stride at this stage
    for (size_t start = 0; start < n; start += 2 * half)
      for (size_t k = 0; k < half; ++k) {
        const std::complex<double> t = twiddle[k * step] * x[start + k + half];
        x[start + k + half] = x[start + k] - t;
        x[start + k] += t;
      }
  }
}

std::vector<uint32_t> bit_reversal(size_t n) {
  std::vector<uint32_t> reversed(n, 0);
  for (size_t i = 1; i < n; ++i) reversed[i] = (reversed[i >> 1] >> 1) | ((i & 1) ? static_cast<uint32_t>(n >> 1) : 0);
  return reversed;
}

}  // namespace

void spectrogram_fft(const float* samples, int64_t length, int64_t sample_stride, const SpectrogramParams& p,
                     float* out) {
  const int64_t bins = spectrogram_bins(p);
  const auto n = static_cast<size_t>((bins - 1) * 2);
  std::vector<double> window(static_cast<size_t>(p.window_size));
  for (int64_t i = 0; i < p.window_size; ++i)  // periodic Hann, as the oracle
    window[static_cast<size_t>(i)] = 0.5 - 0.5 * std::cos(2.0 * M_PI * static_cast<double>(i) / static_cast<double>(p.window_size));
  std::vector<std::complex<double>> twiddle(n / 2);
  for (size_t k = 0; k < n / 2; ++k)
    twiddle[k] = std::polar(1.0, -2.0 * M_PI * static_cast<double>(k) / static_cast<double>(n));
  auto sample = [&](int64_t f, size_t i) {
    return static_cast<int64_t>(i) < p.window_size
               ? samples[(f * p.stride + static_cast<int64_t>(i)) * sample_stride] * window[i]
               : 0.0;
  };
  auto emit = [&](int64_t f, int64_t k, double power) {
    out[f * bins + k] = static_cast<float>(p.magnitude_squared ? power : std::sqrt(power));
  };
  const int64_t frames = spectrogram_frames(length, p);
  if (n < 4) {  // too short to halve: the plain complex transform
    std::vector<std::complex<double>> x(n);
    const std::vector<uint32_t> reversed = bit_reversal(n);
    for (int64_t f = 0; f < frames; ++f) {
      for (size_t i = 0; i < n; ++i) x[i] = sample(f, i);
      fft_in_place(x, twiddle, 1, reversed);
      for (int64_t k = 0; k < bins; ++k) emit(f, k, std::norm(x[static_cast<size_t>(k)]));
    }
    return;
  }
  // A real signal of length n as a complex one of length m = n/2 (even
  // samples real, odd imaginary): one transform of half the length, then
  // X[k] = E[k] + e^{-2πik/n} O[k] with E, O the even and odd samples'
  // transforms, E[k] = (Z[k] + conj Z[m-k]) / 2, O[k] = (Z[k] - conj Z[m-k]) / 2i.
  const size_t m = n / 2;
  std::vector<std::complex<double>> z(m);
  const std::vector<uint32_t> reversed = bit_reversal(m);
  for (int64_t f = 0; f < frames; ++f) {
    for (size_t i = 0; i < m; ++i) z[i] = {sample(f, 2 * i), sample(f, 2 * i + 1)};
    fft_in_place(z, twiddle, 2, reversed);
    for (size_t k = 0; k <= m; ++k) {
      const std::complex<double> a = z[k % m], b = std::conj(z[(m - k) % m]);
      const std::complex<double> even = 0.5 * (a + b), odd = std::complex<double>(0, -0.5) * (a - b);
      const std::complex<double> w = k < m ? twiddle[k] : std::complex<double>(-1, 0);
      emit(f, static_cast<int64_t>(k), std::norm(even + w * odd));
    }
  }
}

}  // namespace frost::kernels
