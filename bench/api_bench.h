// bench_api: what one run call costs through each layer on a tiny model
// (models/mlp, 4×32 → 10, a few µs of compute), so the difference is the
// call's overhead. api_bench_internal.cc calls the runtime in-process
// (Session::run); api_bench_public.cc goes through the public headers (the C
// API, and the header-only C++ API over it). Two translation units because the
// public classes (frost::v1) and the internal ones share short names.
#pragma once

#include <string>

namespace frost::bench {

std::string api_bench_model();   // models/mlp/frozen_graph.pb
std::string api_bench_inputs();  // models/mlp/inputs.npy
void register_internal_api_benchmarks();
void register_public_api_benchmarks();

}  // namespace frost::bench
