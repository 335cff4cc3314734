// The speech front-end ops: DecodeWav, AudioSpectrogram, Mfcc.
#include "graph/op_registry.h"
#include "kernels/audio.h"

namespace frost {

namespace {

void decode_wav(OpContext& ctx) {
  const Tensor& contents = ctx.input(0);
  if (contents.dtype() != DType::String || contents.num_elements() != 1)
    throw ctx.error("contents must be a scalar string");
  kernels::WavAudio wav;
  std::string error;
  if (!kernels::decode_wav(contents.strings()[0], wav, error)) throw ctx.error(error);
  const int64_t want_channels = ctx.node().attr_int_or("desired_channels", -1);
  const int64_t want_samples = ctx.node().attr_int_or("desired_samples", -1);
  const int64_t channels = want_channels < 0 ? wav.channels : want_channels;
  const int64_t frames = want_samples < 0 ? wav.frames : want_samples;
  Tensor audio(DType::Float, Shape{frames, channels});
  float* out = audio.data<float>();
  // Missing samples are zeros; a missing channel repeats the file's last one (as TensorFlow does).
  for (int64_t f = 0; f < frames; ++f)
    for (int64_t c = 0; c < channels; ++c) {
      const int64_t source = std::min<int64_t>(c, wav.channels - 1);
      out[f * channels + c] = f < wav.frames ? wav.samples[static_cast<size_t>(f * wav.channels + source)] : 0.0f;
    }
  ctx.set_output(0, audio);
  ctx.set_output(1, Tensor::scalar<int32_t>(wav.sample_rate));
}

kernels::SpectrogramParams spectrogram_params(const Node& n) {
  kernels::SpectrogramParams p;
  p.window_size = n.attr_int("window_size");
  p.stride = n.attr_int("stride");
  p.magnitude_squared = n.attr_bool_or("magnitude_squared", false);
  if (p.window_size < 2 || p.stride < 1) throw n.error("window_size must be >= 2 and stride >= 1");
  return p;
}

// input [samples, channels] -> [channels, frames, bins]
void audio_spectrogram(OpContext& ctx) {
  const Tensor& in = ctx.input(0);
  if (in.rank() != 2 || in.dtype() != DType::Float) throw ctx.error("input must be float [samples, channels]");
  const kernels::SpectrogramParams p = spectrogram_params(ctx.node());
  const int64_t length = in.shape().dim(0), channels = in.shape().dim(1);
  const int64_t frames = kernels::spectrogram_frames(length, p), bins = kernels::spectrogram_bins(p);
  Tensor out(DType::Float, Shape{channels, frames, bins});
  for (int64_t c = 0; c < channels; ++c)
    kernels::spectrogram(in.data<float>() + c, length, channels, p, out.data<float>() + c * frames * bins);
  ctx.set_output(0, out);
}

std::vector<PartialShape> spectrogram_shape(const ShapeContext& ctx) {
  const PartialShape& in = ctx.input_shapes.at(0);
  const kernels::SpectrogramParams p = spectrogram_params(ctx.node);
  if (!in.known_rank() || in.rank() != 2) return {PartialShape{-1, -1, kernels::spectrogram_bins(p)}};
  const int64_t frames = in.dim(0) < 0 ? -1 : kernels::spectrogram_frames(in.dim(0), p);
  return {PartialShape{in.dim(1), frames, kernels::spectrogram_bins(p)}};
}

kernels::MfccParams mfcc_params(const Node& n) {
  kernels::MfccParams p;
  p.upper_frequency_limit = n.attr_float_or("upper_frequency_limit", 4000);
  p.lower_frequency_limit = n.attr_float_or("lower_frequency_limit", 20);
  p.filterbank_channel_count = n.attr_int_or("filterbank_channel_count", 40);
  p.dct_coefficient_count = n.attr_int_or("dct_coefficient_count", 13);
  return p;
}

// spectrogram [channels, frames, bins], sample_rate -> [channels, frames, coefficients]
void mfcc(OpContext& ctx) {
  const Tensor& spec = ctx.input(0);
  if (spec.rank() != 3 || spec.dtype() != DType::Float) throw ctx.error("spectrogram must be float [channels, frames, bins]");
  const auto rate = static_cast<int32_t>(ctx.input(1).as_int64(0));
  const kernels::MfccParams p = mfcc_params(ctx.node());
  const int64_t rows = spec.shape().dim(0) * spec.shape().dim(1), bins = spec.shape().dim(2);
  Tensor out(DType::Float, Shape{spec.shape().dim(0), spec.shape().dim(1), p.dct_coefficient_count});
  std::string error;
  for (int64_t r = 0; r < rows; ++r)
    if (!kernels::mfcc(spec.data<float>() + r * bins, bins, rate, p, out.data<float>() + r * p.dct_coefficient_count, error))
      throw ctx.error(error);
  ctx.set_output(0, out);
}

std::vector<PartialShape> mfcc_shape(const ShapeContext& ctx) {
  const PartialShape& in = ctx.input_shapes.at(0);
  const int64_t k = mfcc_params(ctx.node).dct_coefficient_count;
  if (!in.known_rank() || in.rank() != 3) return {PartialShape{-1, -1, k}};
  return {PartialShape{in.dim(0), in.dim(1), k}};
}

}  // namespace

void register_audio_ops(OpRegistry& r) {
  r.add({.name = "DecodeWav", .num_outputs = [](const Node&) { return 2; },
         .infer_shapes = [](const ShapeContext& ctx) {
           const int64_t s = ctx.node.attr_int_or("desired_samples", -1), c = ctx.node.attr_int_or("desired_channels", -1);
           return std::vector<PartialShape>{PartialShape{s, c}, PartialShape{}};
         },
         .reference = decode_wav});
  r.add({.name = "AudioSpectrogram", .infer_shapes = spectrogram_shape, .reference = audio_spectrogram,
         .required_attrs = {{"window_size", "int"}, {"stride", "int"}}});
  r.add({.name = "Mfcc", .infer_shapes = mfcc_shape, .reference = mfcc});
}

}  // namespace frost
