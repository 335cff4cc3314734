// The speech front-end TensorFlow's speech_commands graphs carry: WAV
// decoding, a power spectrogram and MFCCs. Same definitions as TensorFlow's
// kernels (periodic Hann window, FFT size the next power of two, the mel
// filterbank of mfcc_mel_filterbank.cc and the DCT-II of mfcc_dct.cc), computed
// in double.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace frost::kernels {

struct WavAudio {
  std::vector<float> samples;  // interleaved, samples × channels, in [-1, 1)
  int64_t frames = 0;          // samples per channel
  int channels = 0;
  int32_t sample_rate = 0;
};

// Parses a 16-bit PCM RIFF/WAVE file; returns false with `error` set on bad input.
bool decode_wav(const std::string& bytes, WavAudio& out, std::string& error);

struct SpectrogramParams {
  int64_t window_size = 0;
  int64_t stride = 0;
  bool magnitude_squared = false;
};

// Number of frames and frequency bins a spectrogram of `length` samples has.
int64_t spectrogram_frames(int64_t length, const SpectrogramParams& p);
int64_t spectrogram_bins(const SpectrogramParams& p);

// One channel: `samples` (with `stride` between consecutive samples) ->
// out[frames × bins].
// The oracle: a plain DFT per frame (slow, the definition).
void spectrogram(const float* samples, int64_t length, int64_t sample_stride, const SpectrogramParams& p, float* out);
// The same by radix-2 FFT (reference/audio_fft.cc), what the runtime runs.
void spectrogram_fft(const float* samples, int64_t length, int64_t sample_stride, const SpectrogramParams& p,
                     float* out);

struct MfccParams {
  double upper_frequency_limit = 4000;
  double lower_frequency_limit = 20;
  int64_t filterbank_channel_count = 40;
  int64_t dct_coefficient_count = 13;
};

// One spectrogram frame of `bins` power values -> `dct_coefficient_count` MFCCs.
// Returns false (with `error`) for parameters TensorFlow rejects.
bool mfcc(const float* spectrum, int64_t bins, int32_t sample_rate, const MfccParams& p, float* out,
          std::string& error);

// mfcc() with its tables computed once (reference/audio_mfcc.cc): the mel
// band and weight of each bin and the DCT matrix, for one (bins, sample rate,
// parameters); apply() then does one frame.
class MfccTable {
 public:
  // Returns false (with `error`) where mfcc() would.
  bool build(int64_t bins, int32_t sample_rate, const MfccParams& p, std::string& error);
  bool matches(int64_t bins, int32_t sample_rate) const { return bins == bins_ && sample_rate == rate_; }
  void apply(const float* spectrum, float* out) const;

 private:
  int64_t channels_ = 0, coefficients_ = 0, bins_ = -1, first_ = 0;
  int32_t rate_ = 0;
  std::vector<int64_t> band_;   // per bin from first_: its lower band (-1: below the first centre)
  std::vector<double> weight_;  // per bin from first_: its weight in that band (1 - weight in the next)
  std::vector<double> dct_;     // coefficients × channels, TensorFlow's sqrt(2/N) included
};

}  // namespace frost::kernels
