// The FPGA backend's capability table: which TensorFlow ops a DPU-style
// accelerator runs and within which limits, read from a small JSON file shaped
// like a DPU architecture description. Frost ships one (arch/dpu_default.json,
// embedded in the binary at build time); `--arch FILE` loads another.
//
// File format (every key checked; an unknown key or op is an error, so a typo
// does not silently widen or narrow the table):
//   name                 string
//   description          string (optional)
//   limits               {kernel: [min, max], stride: [min, max],
//                         dilation: [min, max], channels: [min, max]}
//   leaky_relu_alpha     the one LeakyRelu slope the hardware has (26/256)
//   ops                  {OP: rule}, OP one of kDpuOpNames; rule keys, all optional:
//     kernel             [min, max] overriding limits.kernel for this op
//     kernel_sizes       [k, ...]: the only kernel sizes allowed
//     square_kernel      true: kernel height must equal width
//     activations        fused activations allowed (Relu, Relu6, LeakyRelu)
//     residual_add       true: a fused residual Add is allowed (Conv2D)
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace frost {
class JsonValue;
}

namespace frost::fpga {

struct Range {
  int64_t min = 0, max = 0;
  bool contains(int64_t v) const { return v >= min && v <= max; }
  std::string to_string() const { return std::to_string(min) + ".." + std::to_string(max); }
};

struct DpuOpRule {
  Range kernel;  // the arch's limits.kernel unless overridden
  std::vector<int64_t> kernel_sizes;
  bool square_kernel = false;
  std::vector<std::string> activations;
  bool residual_add = false;
};

struct DpuArch {
  std::string name;
  std::string source;  // the file it came from, or "<built-in dpu_default.json>"
  Range kernel{1, 16}, stride{1, 4}, dilation{1, 1}, channels{1, 4096};
  double leaky_relu_alpha = 26.0 / 256.0;
  std::map<std::string, DpuOpRule> ops;  // by the base op name (Conv2D, not _FusedConv2D)

  const DpuOpRule* rule(const std::string& op) const {
    const auto it = ops.find(op);
    return it == ops.end() ? nullptr : &it->second;
  }
};

// The op names an arch file may list: those the integer emulator implements.
const std::vector<std::string>& dpu_op_names();

// Reads an arch description; errors are frost::Error "SOURCE:LINE:COL: ...".
DpuArch parse_dpu_arch(const JsonValue& root, const std::string& source);
DpuArch load_dpu_arch(const std::string& path);
// The arch shipped with Frost.
DpuArch default_dpu_arch();

}  // namespace frost::fpga
