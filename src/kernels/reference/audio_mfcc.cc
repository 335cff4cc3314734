// MFCCs from tables: the mel filterbank's band and weight per bin and the
// DCT-II matrix, computed once per (bins, sample rate, parameters), where the
// oracle (audio.cc) evaluates a log per bin and a cos per DCT term for every
// frame. Same definitions, in double.
#include <algorithm>
#include <cmath>

#include "kernels/audio.h"

namespace frost::kernels {

namespace {

double freq_to_mel(double hz) { return 1127.0 * std::log1p(hz / 700.0); }

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
  dct_.resize(static_cast<size_t>(coefficients_ * channels_));
  for (int64_t k = 0; k < coefficients_; ++k)
    for (int64_t j = 0; j < channels_; ++j)
      dct_[static_cast<size_t>(k * channels_ + j)] =
          norm * std::cos(static_cast<double>(k) * M_PI / static_cast<double>(channels_) * (static_cast<double>(j) + 0.5));
  return true;
}

void MfccTable::apply(const float* spectrum, float* out) const {
  std::vector<double> energy(static_cast<size_t>(channels_), 0.0);
  for (size_t n = 0; n < band_.size(); ++n) {
    const int64_t band = band_[n];
    const double magnitude = std::sqrt(static_cast<double>(spectrum[first_ + static_cast<int64_t>(n)]));
    if (band >= 0) energy[static_cast<size_t>(band)] += magnitude * weight_[n];
    if (band + 1 < channels_) energy[static_cast<size_t>(band + 1)] += magnitude * (1.0 - weight_[n]);
  }
  for (double& e : energy) e = std::log(std::max(e, 1e-12));
  for (int64_t k = 0; k < coefficients_; ++k) {
    double sum = 0;
    const double* row = dct_.data() + k * channels_;
    for (int64_t j = 0; j < channels_; ++j) sum += energy[static_cast<size_t>(j)] * row[j];
    out[k] = static_cast<float>(sum);
  }
}

}  // namespace frost::kernels
