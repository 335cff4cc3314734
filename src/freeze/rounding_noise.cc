#include "freeze/rounding_noise.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <string>

#include "runtime/compare.h"

namespace frost {

namespace {

constexpr double kFloat32Epsilon = 0x1p-23;

// A copy of `t` (float32) with each element times (1 + d), d uniform in
// [-eps, eps], computed in double and rounded back to float32. A copy, since
// kernels may hand out storage they share (a Const's weights, a view).
Tensor perturbed(const Tensor& t, std::mt19937_64& rng) {
  Tensor out = t.clone();
  std::uniform_real_distribution<double> d(-kFloat32Epsilon, kFloat32Epsilon);
  float* x = out.data<float>();
  for (int64_t i = 0; i < out.num_elements(); ++i)
    x[i] = static_cast<float>(static_cast<double>(x[i]) * (1.0 + d(rng)));
  return out;
}

}  // namespace

RoundingNoise float32_rounding_noise(const Graph& g, const FeedMap& feeds, const std::vector<TensorId>& outputs,
                                     const std::vector<Tensor>& exact, uint64_t seed, int samples) {
  RoundingNoise noise;
  for (int s = 0; s < samples; ++s) {
    const uint64_t sample_seed = seed * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(s) + 1;
    const KernelSelector perturb = [sample_seed](const Node& node, const OpDef& def) -> KernelFn {
      const uint64_t node_seed = sample_seed ^ std::hash<std::string>{}(node.name);
      return [reference = def.reference, node_seed](OpContext& ctx) {
        std::vector<Tensor> outputs(static_cast<size_t>(ctx.num_outputs()));
        OpContext inner(ctx.node(), ctx.inputs(), outputs);
        reference(inner);
        std::mt19937_64 rng(node_seed);
        for (int i = 0; i < ctx.num_outputs(); ++i) {
          const Tensor& out = outputs[static_cast<size_t>(i)];
          const bool perturb = out.valid() && out.dtype() == DType::Float && out.num_elements() > 0;
          ctx.set_output(i, perturb ? perturbed(out, rng) : out);
        }
      };
    };
    const std::vector<Tensor> got = run_graph(g, feeds, outputs, perturb);
    for (size_t i = 0; i < outputs.size() && i < exact.size(); ++i) {
      const Comparison c = compare_tensors(got[i], exact[i]);
      noise.relative = std::max(noise.relative, c.relative_error());
    }
    ++noise.samples;
  }
  return noise;
}

}  // namespace frost
