// AudioSpectrogram: the FFT kernel (kernels/audio.h, spectrogram_fft) against
// the DFT oracle on random clips, window sizes (powers of two and not),
// strides and channel counts; through the op, the runtime's audio/fft
// implementation against the reference (run_op checks every implementation).
// Mfcc: the table kernel against the oracle, one frame and many. Both
// kernels share frames between threads: any thread count gives the same bits.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "kernels/audio.h"
#include "math_test_util.h"

using namespace frost;
using namespace frost::testing;

TEST_CASE("AudioSpectrogram: FFT kernel matches the DFT oracle on random shapes") {
  std::mt19937 rng(15);
  std::uniform_real_distribution<float> sample(-1.0f, 1.0f);
  for (const int64_t window : {2, 3, 7, 16, 100, 257, 480}) {
    for (int trial = 0; trial < 3; ++trial) {
      kernels::SpectrogramParams p;
      p.window_size = window;
      p.stride = std::uniform_int_distribution<int64_t>(1, window + 5)(rng);
      p.magnitude_squared = trial % 2 == 1;
      const int64_t channels = 1 + trial % 2;
      const int64_t length = std::uniform_int_distribution<int64_t>(window - 1, 3 * window + 40)(rng);
      CAPTURE(window);
      CAPTURE(p.stride);
      CAPTURE(length);
      std::vector<float> clip(static_cast<size_t>(length * channels));
      for (float& v : clip) v = sample(rng);
      const int64_t frames = kernels::spectrogram_frames(length, p), bins = kernels::spectrogram_bins(p);
      for (int64_t c = 0; c < channels; ++c) {
        std::vector<float> want(static_cast<size_t>(frames * bins)), got(want.size());
        kernels::spectrogram(clip.data() + c, length, channels, p, want.data());
        kernels::spectrogram_fft(clip.data() + c, length, channels, p, got.data());
        float scale = 0;
        for (const float v : want) scale = std::max(scale, std::fabs(v));
        for (size_t i = 0; i < want.size(); ++i) CHECK(std::fabs(got[i] - want[i]) <= 1e-5f * std::max(scale, 1.0f));
      }
      // Prepared once, run on 1 and 2 threads: the same bits (frame counts
      // here are not all multiples of the kernel's 4-frame blocks).
      const kernels::SpectrogramFft fft(p);
      std::vector<float> one(static_cast<size_t>(frames * bins)), two(one.size());
      fft.run(clip.data(), length, channels, one.data(), 1);
      fft.run(clip.data(), length, channels, two.data(), 2);
      CHECK(one == two);
      // Through the op: audio/fft against AudioSpectrogram/reference.
      const Tensor out = run_op1("AudioSpectrogram", {Tensor::from_vector(clip, Shape{length, channels})},
                                 {{"window_size", int64_t{window}}, {"stride", p.stride}, {"magnitude_squared", p.magnitude_squared}});
      CHECK(out.shape() == Shape{channels, frames, bins});
    }
  }
}

TEST_CASE("Mfcc: the table kernel matches the oracle on random spectra and parameters") {
  std::mt19937 rng(16);
  std::uniform_real_distribution<float> power(0.0f, 4.0f);
  for (const int64_t bins : {17, 129, 257}) {
    for (const int32_t rate : {8000, 16000, 44100}) {
      kernels::MfccParams p;
      p.filterbank_channel_count = std::uniform_int_distribution<int64_t>(8, 40)(rng);
      p.dct_coefficient_count = std::uniform_int_distribution<int64_t>(1, p.filterbank_channel_count)(rng);
      p.lower_frequency_limit = std::uniform_real_distribution<double>(0, 100)(rng);
      p.upper_frequency_limit = std::uniform_real_distribution<double>(1000, rate / 2.0)(rng);
      CAPTURE(bins);
      CAPTURE(rate);
      kernels::MfccTable table;
      std::string error;
      REQUIRE(table.build(bins, rate, p, error));
      CHECK(table.matches(bins, rate));
      CHECK_FALSE(table.matches(bins + 1, rate));
      for (int frame = 0; frame < 4; ++frame) {
        std::vector<float> spectrum(static_cast<size_t>(bins));
        for (float& v : spectrum) v = power(rng);
        std::vector<float> want(static_cast<size_t>(p.dct_coefficient_count)), got(want.size());
        REQUIRE(kernels::mfcc(spectrum.data(), bins, rate, p, want.data(), error));
        table.apply(spectrum.data(), got.data());
        for (size_t k = 0; k < want.size(); ++k) CHECK(std::fabs(got[k] - want[k]) <= 1e-5f * std::max(1.0f, std::fabs(want[k])));
      }
      // Many frames at once, on 1 and 2 threads: each frame as the oracle
      // computes it, the same bits whatever the threads.
      const int64_t frames = std::uniform_int_distribution<int64_t>(1, 70)(rng);
      std::vector<float> spectra(static_cast<size_t>(frames * bins));
      for (float& v : spectra) v = power(rng);
      const auto coefficients = static_cast<size_t>(p.dct_coefficient_count);
      std::vector<float> one(static_cast<size_t>(frames) * coefficients), two(one.size()), want(coefficients);
      table.apply_frames(spectra.data(), frames, one.data(), 1);
      table.apply_frames(spectra.data(), frames, two.data(), 2);
      CHECK(one == two);
      for (int64_t f = 0; f < frames; ++f) {
        REQUIRE(kernels::mfcc(spectra.data() + f * bins, bins, rate, p, want.data(), error));
        for (size_t k = 0; k < coefficients; ++k)
          CHECK(std::fabs(one[static_cast<size_t>(f) * coefficients + k] - want[k]) <= 1e-5f * std::max(1.0f, std::fabs(want[k])));
      }
      // Through the op: audio/mfcc_table against Mfcc/reference, twice (the second run reuses the tables).
      std::vector<float> spec(static_cast<size_t>(2 * 3 * bins));
      for (float& v : spec) v = power(rng);
      const Attrs attrs = {{"filterbank_channel_count", p.filterbank_channel_count},
                           {"dct_coefficient_count", p.dct_coefficient_count},
                           {"lower_frequency_limit", static_cast<float>(p.lower_frequency_limit)},
                           {"upper_frequency_limit", static_cast<float>(p.upper_frequency_limit)}};
      const Tensor out = run_op1("Mfcc", {Tensor::from_vector(spec, Shape{2, 3, bins}), Tensor::scalar<int32_t>(rate)}, attrs);
      CHECK(out.shape() == Shape{2, 3, p.dct_coefficient_count});
    }
  }
  kernels::MfccTable table;
  std::string error;
  kernels::MfccParams bad;
  bad.dct_coefficient_count = 41;  // more coefficients than channels: refused, as the oracle does
  CHECK_FALSE(table.build(129, 16000, bad, error));
}
