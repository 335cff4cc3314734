// MFCCs from tables: the mel filterbank's band and weight per bin and the
// DCT-II matrix, computed once per (bins, sample rate, parameters), where the
// oracle (reference/audio.cc) evaluates a log per bin and a cos per DCT term
// for every frame. Same definitions, in double. The square roots, logs and
// the DCT run on vectors of doubles (the DCT one coefficient per lane, each
// summed over the channels in the oracle's order), and the frames of a
// spectrogram are shared by the threads; a frame's result depends only on
// the frame. (Scalar, with a heap-allocated energy vector per frame, it was
// ~1.2 µs a frame, 0.11 ms for speech_commands' 98 frames.)
#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>
#include <xsimd/xsimd.hpp>

#include "kernels/audio.h"
#include "kernels/simd/thread_policy.h"

namespace frost::kernels {

namespace {

double freq_to_mel(double hz) { return 1127.0 * std::log1p(hz / 700.0); }

// Four doubles to a vector where the build has them (AVX), else the widest
// (SSE2's two; this file has the project's flags). Not AVX-512's eight: the
// DCT of 40 coefficients would pad to 48, and GCC 12's AVX-512 headers warn
// in xsimd's log (as in kernels/simd/meson.build).
using V4 = xsimd::make_sized_batch_t<double, 4>;
using V = std::conditional_t<std::is_void_v<V4>, xsimd::batch<double>, V4>;
constexpr int64_t kWidth = static_cast<int64_t>(V::size);

int64_t round_up(int64_t a, int64_t b) { return (a + b - 1) / b * b; }

// Frames per second on one core (~0.5 µs each at 128 bins × 40 channels,
// AVX2 vectors on Zen 4), and the least worth a thread.
constexpr simd::WorkRate kFrameRate{2e6, 16};

}  // namespace

bool MfccTable::build(int64_t bins, int32_t sample_rate, const MfccParams& p, std::string& error) {
  channels_ = p.filterbank_channel_count;
  coefficients_ = p.dct_coefficient_count;
  bins_ = bins;
  rate_ = sample_rate;
  if (bins < 2 || channels_ < 1 || p.lower_frequency_limit < 0 || p.upper_frequency_limit <= p.lower_frequency_limit ||
      coefficients_ < 1 || coefficients_ > channels_) {
    error = "invalid MFCC parameters";
    return false;
  }
  const double mel_low = freq_to_mel(p.lower_frequency_limit);
  const double mel_high = freq_to_mel(p.upper_frequency_limit);
  const double spacing = (mel_high - mel_low) / static_cast<double>(channels_ + 1);
  std::vector<double> centers(static_cast<size_t>(channels_ + 1));
  for (int64_t i = 0; i <= channels_; ++i) centers[static_cast<size_t>(i)] = mel_low + spacing * static_cast<double>(i + 1);
  const double hz_per_bin = 0.5 * sample_rate / static_cast<double>(bins - 1);
  first_ = static_cast<int64_t>(1.5 + p.lower_frequency_limit / hz_per_bin);
  const int64_t end = std::min(static_cast<int64_t>(p.upper_frequency_limit / hz_per_bin), bins - 1);
  band_.clear();
  weight_.clear();
  int64_t channel = 0;
  for (int64_t i = first_; i <= end; ++i) {
    const double mel = freq_to_mel(static_cast<double>(i) * hz_per_bin);
    while (channel < channels_ && centers[static_cast<size_t>(channel)] < mel) ++channel;
    const int64_t band = channel - 1;  // -1: below the first band's centre
    band_.push_back(band);
    weight_.push_back(band >= 0 ? (centers[static_cast<size_t>(band + 1)] - mel) /
                                      (centers[static_cast<size_t>(band + 1)] - centers[static_cast<size_t>(band)])
                                : (centers[0] - mel) / (centers[0] - mel_low));
  }
  const double norm = std::sqrt(2.0 / static_cast<double>(channels_));
  // Channel-major, coefficients padded to whole vectors with zeros.
  coefficients_padded_ = round_up(coefficients_, kWidth);
  dct_.assign(static_cast<size_t>(channels_ * coefficients_padded_), 0.0);
  for (int64_t k = 0; k < coefficients_; ++k)
    for (int64_t j = 0; j < channels_; ++j)
      dct_[static_cast<size_t>(j * coefficients_padded_ + k)] =
          norm * std::cos(static_cast<double>(k) * M_PI / static_cast<double>(channels_) * (static_cast<double>(j) + 0.5));
  return true;
}

size_t MfccTable::scratch_doubles() const {
  return static_cast<size_t>(round_up(static_cast<int64_t>(band_.size()), kWidth) + round_up(channels_, kWidth) +
                             coefficients_padded_);
}

// One frame; scratch holds scratch_doubles() doubles.
void MfccTable::frame(const float* spectrum, double* scratch, float* out) const {
  const auto count = static_cast<int64_t>(band_.size());
  double* magnitude = scratch;
  double* energy = magnitude + round_up(count, kWidth);
  double* sums = energy + round_up(channels_, kWidth);
  for (int64_t n = 0; n < count; ++n) magnitude[n] = static_cast<double>(spectrum[first_ + n]);
  std::fill(magnitude + count, energy, 0.0);  // the last vector's padding
  for (int64_t n = 0; n < count; n += kWidth) xsimd::sqrt(V::load_unaligned(magnitude + n)).store_unaligned(magnitude + n);
  std::fill(energy, energy + round_up(channels_, kWidth), 0.0);
  for (int64_t n = 0; n < count; ++n) {
    const int64_t band = band_[static_cast<size_t>(n)];
    const double w = weight_[static_cast<size_t>(n)];
    if (band >= 0) energy[band] += magnitude[n] * w;
    if (band + 1 < channels_) energy[band + 1] += magnitude[n] * (1.0 - w);
  }
  // Whole vectors: the padding lanes (zeros) are never read by the DCT.
  const V floor(1e-12);
  for (int64_t j = 0; j < channels_; j += kWidth)
    xsimd::log(xsimd::max(V::load_unaligned(energy + j), floor)).store_unaligned(energy + j);
  for (int64_t k = 0; k < coefficients_padded_; k += kWidth) {
    V sum(0.0);
    for (int64_t j = 0; j < channels_; ++j)
      sum = xsimd::fma(V(energy[j]), V::load_unaligned(dct_.data() + j * coefficients_padded_ + k), sum);
    sum.store_unaligned(sums + k);
  }
  for (int64_t k = 0; k < coefficients_; ++k) out[k] = static_cast<float>(sums[k]);
}

void MfccTable::apply(const float* spectrum, float* out) const { apply_frames(spectrum, 1, out, 1); }

void MfccTable::apply_frames(const float* spectra, int64_t frames, float* out, int threads) const {
  if (frames <= 0) return;
  threads = simd::choose_threads(static_cast<double>(frames), simd::resolve_threads(threads), kFrameRate);
  const int64_t chunks = simd::chunk_count(frames, threads);
  simd::parallel_for(threads, chunks, [&](int64_t c, int) {
    thread_local std::vector<double> scratch;  // per thread, reused across calls
    scratch.resize(scratch_doubles());
    const simd::ChunkRange range = simd::chunk_range(frames, chunks, c);
    for (int64_t f = range.begin; f < range.end; ++f)
      frame(spectra + f * bins_, scratch.data(), out + f * coefficients_);
  });
}

}  // namespace frost::kernels
