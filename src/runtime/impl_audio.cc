// AudioSpectrogram by FFT (kernels/audio.h, spectrogram_fft): audio/fft.
// Inputs or attrs the oracle rejects go to it, which reports them.
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
  return [&def, p](OpContext& ctx) {
    const Tensor& in = ctx.input(0);
    if (p.window_size < 2 || p.stride < 1 || in.rank() != 2 || in.dtype() != DType::Float) return def.reference(ctx);
    const int64_t length = in.shape().dim(0), channels = in.shape().dim(1);
    const int64_t frames = kernels::spectrogram_frames(length, p), bins = kernels::spectrogram_bins(p);
    Tensor& out = ctx.allocate_output(0, DType::Float, Shape{channels, frames, bins});
    for (int64_t c = 0; c < channels; ++c)
      kernels::spectrogram_fft(in.data<float>() + c, length, channels, p, out.data<float>() + c * frames * bins);
  };
}

}  // namespace

std::vector<Implementation> audio_implementations() {
  return {{"audio/fft", {"AudioSpectrogram"}, [](const PrepareContext&) { return true; }, prepare_spectrogram}};
}

}  // namespace frost
