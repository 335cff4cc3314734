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
// The same by radix-2 FFT (simd/audio_fft.cc), frames shared by the threads.
void spectrogram_fft(const float* samples, int64_t length, int64_t sample_stride, const SpectrogramParams& p,
                     float* out);

// spectrogram_fft with its tables (window, twiddles, bit reversal) built
// once per parameter set, what the runtime keeps per node. run() is const
// and may be called concurrently; threads 0 means omp_get_max_threads(),
// fewer when the clip is short (kernels/simd/thread_policy.h).
class SpectrogramFft {
 public:
  explicit SpectrogramFft(const SpectrogramParams& p);
  void run(const float* samples, int64_t length, int64_t sample_stride, float* out, int threads = 0) const;

 private:
  void block(const float* samples, int64_t sample_stride, int64_t f0, int64_t count, double* re, double* im,
             float* out) const;
  SpectrogramParams p_;
  int64_t bins_ = 0, m_ = 0;  // m_: complex points, half the FFT size
  std::vector<double> window_, tw_re_, tw_im_;
  std::vector<uint32_t> reversed_;
};

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

// mfcc() with its tables computed once (simd/audio_mfcc.cc): the mel
// band and weight of each bin and the DCT matrix, for one (bins, sample rate,
// parameters); apply() then does one frame, apply_frames() `frames`
// consecutive ones (bins floats each in, dct_coefficient_count out), shared
// by up to `threads` threads (0: omp_get_max_threads(), fewer for few
// frames). Both are const and may be called concurrently.
class MfccTable {
 public:
  // Returns false (with `error`) where mfcc() would.
  bool build(int64_t bins, int32_t sample_rate, const MfccParams& p, std::string& error);
  bool matches(int64_t bins, int32_t sample_rate) const { return bins == bins_ && sample_rate == rate_; }
  void apply(const float* spectrum, float* out) const;
  void apply_frames(const float* spectra, int64_t frames, float* out, int threads = 0) const;

 private:
  size_t scratch_doubles() const;
  void frame(const float* spectrum, double* scratch, float* out) const;
  int64_t channels_ = 0, coefficients_ = 0, coefficients_padded_ = 0, bins_ = -1, first_ = 0;
  int32_t rate_ = 0;
  std::vector<int64_t> band_;   // per bin from first_: its lower band (-1: below the first centre)
  std::vector<double> weight_;  // per bin from first_: its weight in that band (1 - weight in the next)
  std::vector<double> dct_;     // channels × coefficients_padded_ (zeros past coefficients_), sqrt(2/N) included
};

}  // namespace frost::kernels
