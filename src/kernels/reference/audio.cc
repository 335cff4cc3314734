#include "kernels/audio.h"

#include <cmath>
#include <cstring>

namespace frost::kernels {

namespace {

uint32_t read_u32(const std::string& b, size_t at) {
  return static_cast<uint32_t>(static_cast<uint8_t>(b[at])) | static_cast<uint32_t>(static_cast<uint8_t>(b[at + 1])) << 8 |
         static_cast<uint32_t>(static_cast<uint8_t>(b[at + 2])) << 16 |
         static_cast<uint32_t>(static_cast<uint8_t>(b[at + 3])) << 24;
}
uint16_t read_u16(const std::string& b, size_t at) {
  return static_cast<uint16_t>(static_cast<uint8_t>(b[at]) | static_cast<uint8_t>(b[at + 1]) << 8);
}

int64_t next_power_of_two(int64_t n) {
  int64_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

double freq_to_mel(double f) { return 1127.0 * std::log1p(f / 700.0); }

}  // namespace

bool decode_wav(const std::string& b, WavAudio& out, std::string& error) {
  if (b.size() < 12 || b.compare(0, 4, "RIFF") != 0 || b.compare(8, 4, "WAVE") != 0) {
    error = "not a RIFF/WAVE file";
    return false;
  }
  bool have_format = false;
  uint16_t bits = 0;
  for (size_t at = 12; at + 8 <= b.size();) {
    const std::string id = b.substr(at, 4);
    const uint64_t size = read_u32(b, at + 4);
    const size_t body = at + 8;
    if (size > b.size() - body) {
      error = "chunk '" + id + "' runs past the end of the file";
      return false;
    }
    if (id == "fmt ") {
      if (size < 16 || read_u16(b, body) != 1) {
        error = "only uncompressed PCM WAV is supported";
        return false;
      }
      out.channels = read_u16(b, body + 2);
      out.sample_rate = static_cast<int32_t>(read_u32(b, body + 4));
      bits = read_u16(b, body + 14);
      if (bits != 16 || out.channels == 0) {
        error = "only 16-bit PCM with at least one channel is supported (got " + std::to_string(bits) + " bits)";
        return false;
      }
      have_format = true;
    } else if (id == "data") {
      if (!have_format) {
        error = "data chunk before the fmt chunk";
        return false;
      }
      const uint64_t count = size / 2;
      out.frames = static_cast<int64_t>(count / out.channels);
      out.samples.resize(static_cast<size_t>(out.frames) * out.channels);
      for (size_t i = 0; i < out.samples.size(); ++i)
        out.samples[i] = static_cast<float>(static_cast<int16_t>(read_u16(b, body + 2 * i))) / 32768.0f;
      return true;
    }
    at = body + size + (size & 1);  // chunks are padded to even sizes
  }
  error = have_format ? "no data chunk" : "no fmt chunk";
  return false;
}

int64_t spectrogram_frames(int64_t length, const SpectrogramParams& p) {
  return length < p.window_size ? 0 : 1 + (length - p.window_size) / p.stride;
}

int64_t spectrogram_bins(const SpectrogramParams& p) { return next_power_of_two(p.window_size) / 2 + 1; }

void spectrogram(const float* samples, int64_t length, int64_t sample_stride, const SpectrogramParams& p, float* out) {
  const int64_t fft = next_power_of_two(p.window_size);
  const int64_t bins = fft / 2 + 1;
  std::vector<double> window(static_cast<size_t>(p.window_size)), frame(static_cast<size_t>(fft));
  for (int64_t i = 0; i < p.window_size; ++i)  // periodic Hann
    window[static_cast<size_t>(i)] = 0.5 - 0.5 * std::cos(2.0 * M_PI * static_cast<double>(i) / static_cast<double>(p.window_size));
  const int64_t frames = spectrogram_frames(length, p);
  for (int64_t f = 0; f < frames; ++f) {
    std::fill(frame.begin(), frame.end(), 0.0);
    for (int64_t i = 0; i < p.window_size; ++i)
      frame[static_cast<size_t>(i)] = samples[(f * p.stride + i) * sample_stride] * window[static_cast<size_t>(i)];
    // Plain DFT in double: slow but exact enough to be the oracle.
    for (int64_t k = 0; k < bins; ++k) {
      double re = 0, im = 0;
      for (int64_t n = 0; n < p.window_size; ++n) {
        const double angle = -2.0 * M_PI * static_cast<double>((k * n) % fft) / static_cast<double>(fft);
        re += frame[static_cast<size_t>(n)] * std::cos(angle);
        im += frame[static_cast<size_t>(n)] * std::sin(angle);
      }
      const double power = re * re + im * im;
      out[f * bins + k] = static_cast<float>(p.magnitude_squared ? power : std::sqrt(power));
    }
  }
}

bool mfcc(const float* spectrum, int64_t bins, int32_t sample_rate, const MfccParams& p, float* out,
          std::string& error) {
  const int64_t channels = p.filterbank_channel_count;
  if (bins < 2 || channels < 1 || p.lower_frequency_limit < 0 || p.upper_frequency_limit <= p.lower_frequency_limit ||
      p.dct_coefficient_count < 1 || p.dct_coefficient_count > channels) {
    error = "invalid MFCC parameters";
    return false;
  }
  // Mel filterbank: channels+1 band edges equally spaced in mel between the limits.
  const double mel_low = freq_to_mel(p.lower_frequency_limit);
  const double mel_high = freq_to_mel(p.upper_frequency_limit);
  const double spacing = (mel_high - mel_low) / static_cast<double>(channels + 1);
  std::vector<double> centers(static_cast<size_t>(channels + 1));
  for (int64_t i = 0; i <= channels; ++i) centers[static_cast<size_t>(i)] = mel_low + spacing * static_cast<double>(i + 1);
  const double hz_per_bin = 0.5 * sample_rate / static_cast<double>(bins - 1);
  const auto start = static_cast<int64_t>(1.5 + p.lower_frequency_limit / hz_per_bin);
  const auto end = static_cast<int64_t>(p.upper_frequency_limit / hz_per_bin);

  std::vector<double> energy(static_cast<size_t>(channels), 0.0);
  int64_t channel = 0;
  for (int64_t i = start; i <= end && i < bins; ++i) {
    const double mel = freq_to_mel(static_cast<double>(i) * hz_per_bin);
    while (channel < channels && centers[static_cast<size_t>(channel)] < mel) ++channel;
    const int64_t band = channel - 1;  // -1: below the first band's centre
    const double weight = band >= 0 ? (centers[static_cast<size_t>(band + 1)] - mel) /
                                          (centers[static_cast<size_t>(band + 1)] - centers[static_cast<size_t>(band)])
                                    : (centers[0] - mel) / (centers[0] - mel_low);
    const double magnitude = std::sqrt(static_cast<double>(spectrum[i]));
    if (band >= 0) energy[static_cast<size_t>(band)] += magnitude * weight;
    if (band + 1 < channels) energy[static_cast<size_t>(band + 1)] += magnitude * (1.0 - weight);
  }
  for (double& e : energy) e = std::log(std::max(e, 1e-12));
  // DCT-II with TensorFlow's normalisation sqrt(2/N).
  const double norm = std::sqrt(2.0 / static_cast<double>(channels));
  for (int64_t k = 0; k < p.dct_coefficient_count; ++k) {
    double sum = 0;
    for (int64_t j = 0; j < channels; ++j)
      sum += energy[static_cast<size_t>(j)] * norm *
             std::cos(static_cast<double>(k) * M_PI / static_cast<double>(channels) * (static_cast<double>(j) + 0.5));
    out[k] = static_cast<float>(sum);
  }
  return true;
}

}  // namespace frost::kernels
