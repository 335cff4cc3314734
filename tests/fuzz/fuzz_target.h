// The fuzz targets: one function per input format, each taking the raw bytes
// a fuzzer (or a committed regression input) supplies and pushing them
// through Frost's real loader for that format, exactly as the CLI would.
//
// Contract: a target returns, or throws frost::Error for input it refuses.
// Anything else (another exception, a crash, a sanitizer report, a leak, an
// allocation beyond the caps below) is a finding. Both the libFuzzer
// executables (libfuzzer_main.cc, built with -Dfuzz=true) and the normal
// suite's regression test (regressions_test.cc) call these same functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace frost::fuzz {

using TargetFn = void (*)(const std::string& bytes);

struct Target {
  const char* name;  // also the folder of its regression inputs: tests/fuzz_regressions/<name>/
  TargetFn run;
};

// Every target, in a fixed order.
const std::vector<Target>& targets();
// The target of that name, or nullptr.
const Target* find_target(const std::string& name);

// The caps every target runs under (set once per process by prepare_process):
// no single tensor over kFuzzTensorBytes, so a tiny input cannot make a model
// ask for gigabytes (the fuzzer would report that as out-of-memory, which for
// a legitimate 8 GiB tensor is not a bug).
constexpr int64_t kFuzzTensorBytes = int64_t{64} << 20;
void prepare_process();

void graphdef_binary(const std::string& bytes);
void graphdef_text(const std::string& bytes);
void meta_graph(const std::string& bytes);
void checkpoint(const std::string& bytes);
void npy(const std::string& bytes);
void arch_json(const std::string& bytes);
void model_run(const std::string& bytes);
void keras_h5(const std::string& bytes);       // keras_targets.cc
void keras_archive(const std::string& bytes);
void keras_config(const std::string& bytes);

}  // namespace frost::fuzz
