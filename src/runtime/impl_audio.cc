// The speech front-end (kernels/audio.h): AudioSpectrogram by FFT
// (audio/fft, its tables built at prepare time), Mfcc from tables built once per bins and sample rate
// (audio/mfcc_table). Inputs or attrs the oracle rejects go to it, which
// reports them.
#include <memory>
#include <mutex>

#include "kernels/audio.h"
#include "runtime/impl_families.h"

namespace frost {

namespace {

KernelFn prepare_spectrogram(const PrepareContext& pc) {
  const OpDef& def = pc.def;
  kernels::SpectrogramParams p;
  p.window_size = pc.node.attr_int_or("window_size", 0);
  p.stride = pc.node.attr_int_or("stride", 0);
  p.magnitude_squared = pc.node.attr_bool_or("magnitude_squared", false);
  // Attrs the oracle rejects: no tables (it reports them at run time).
  std::shared_ptr<const kernels::SpectrogramFft> fft;
  if (p.window_size >= 2 && p.stride >= 1) fft = std::make_shared<const kernels::SpectrogramFft>(p);
  return [&def, p, fft](OpContext& ctx) {
    const Tensor& in = ctx.input(0);
    if (!fft || in.rank() != 2 || in.dtype() != DType::Float) return def.reference(ctx);
    const int64_t length = in.shape().dim(0), channels = in.shape().dim(1);
    const int64_t frames = kernels::spectrogram_frames(length, p), bins = kernels::spectrogram_bins(p);
    Tensor& out = ctx.allocate_output(0, DType::Float, Shape{channels, frames, bins});
    for (int64_t c = 0; c < channels; ++c) fft->run(in.data<float>() + c, length, channels, out.data<float>() + c * frames * bins);
  };
}

KernelFn prepare_mfcc(const PrepareContext& pc) {
  const OpDef& def = pc.def;
  kernels::MfccParams p;
  p.upper_frequency_limit = pc.node.attr_float_or("upper_frequency_limit", 4000);
  p.lower_frequency_limit = pc.node.attr_float_or("lower_frequency_limit", 20);
  p.filterbank_channel_count = pc.node.attr_int_or("filterbank_channel_count", 40);
  p.dct_coefficient_count = pc.node.attr_int_or("dct_coefficient_count", 13);
  // The tables of the last (bins, rate) seen: a model's clips keep both, so
  // they are built on the first run. Shared by concurrent runs, hence the lock.
  struct Cache {
    std::mutex lock;
    std::shared_ptr<const kernels::MfccTable> table;
  };
  auto cache = std::make_shared<Cache>();
  return [&def, p, cache](OpContext& ctx) {
    const Tensor& spec = ctx.input(0);
    if (spec.rank() != 3 || spec.dtype() != DType::Float || ctx.num_inputs() < 2 || ctx.input(1).num_elements() != 1)
      return def.reference(ctx);
    const auto rate = static_cast<int32_t>(ctx.input(1).as_int64(0));
    const int64_t rows = spec.shape().dim(0) * spec.shape().dim(1), bins = spec.shape().dim(2);
    std::shared_ptr<const kernels::MfccTable> table;
    {
      std::lock_guard<std::mutex> hold(cache->lock);
      table = cache->table;
    }
    if (!table || !table->matches(bins, rate)) {
      auto built = std::make_shared<kernels::MfccTable>();
      std::string error;
      if (!built->build(bins, rate, p, error)) return def.reference(ctx);
      table = built;
      std::lock_guard<std::mutex> hold(cache->lock);
      cache->table = table;
    }
    Tensor& out = ctx.allocate_output(0, DType::Float, Shape{spec.shape().dim(0), spec.shape().dim(1), p.dct_coefficient_count});
    table->apply_frames(spec.data<float>(), rows, out.data<float>());
  };
}

}  // namespace

std::vector<Implementation> audio_implementations() {
  return {{"audio/fft", {"AudioSpectrogram"}, [](const PrepareContext&) { return true; }, prepare_spectrogram},
          {"audio/mfcc_table", {"Mfcc"}, [](const PrepareContext&) { return true; }, prepare_mfcc}};
}

}  // namespace frost
