#include <benchmark/benchmark.h>
#include <frost/frost.h>

#include <cstring>

#include "../examples/cpp/npy_file.h"
#include "api_bench.h"

namespace frost::bench {

namespace {

std::vector<float> mlp_inputs() {
  const example::NpyArray a = example::read_npy(api_bench_inputs());
  std::vector<float> v(a.bytes.size() / sizeof(float));
  std::memcpy(v.data(), a.bytes.data(), a.bytes.size());
  return v;
}

void bm_c_api_run(benchmark::State& st) {
  frost_model* m = nullptr;
  if (frost_model_load(api_bench_model().c_str(), nullptr, &m, nullptr) != FROST_OK) {
    st.SkipWithError("cannot load models/mlp");
    return;
  }
  std::vector<float> x = mlp_inputs();
  const int64_t dims[2] = {4, 32};
  frost_tensor* in = frost_tensor_view(FROST_FLOAT32, 2, dims, x.data());
  const char* in_name = "features";
  const char* out_name = "dense_2/Softmax";
  for (auto _ : st) {
    frost_tensor* out = nullptr;
    if (frost_model_run(m, 1, &in_name, &in, 1, &out_name, &out, nullptr) != FROST_OK) st.SkipWithError("run failed");
    benchmark::DoNotOptimize(frost_tensor_data(out));
    frost_tensor_free(out);
  }
  frost_tensor_free(in);
  frost_model_free(m);
}

void bm_cpp_api_run(benchmark::State& st) {
  const frost::Model model = frost::Model::load(api_bench_model());
  std::vector<float> x = mlp_inputs();
  std::map<std::string, frost::Tensor> feeds;
  feeds.emplace("features", frost::Tensor::view(x.data(), {4, 32}));
  for (auto _ : st) benchmark::DoNotOptimize(model.run(feeds));
}

}  // namespace

void register_public_api_benchmarks() {
  benchmark::RegisterBenchmark("api/mlp/c_api_run", bm_c_api_run)->Threads(1)->UseRealTime();
  benchmark::RegisterBenchmark("api/mlp/cpp_api_run", bm_cpp_api_run)->Threads(1)->UseRealTime();
}

}  // namespace frost::bench
