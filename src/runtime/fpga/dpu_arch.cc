#include "runtime/fpga/dpu_arch.h"

#include <algorithm>
#include <set>

#include "graph/error.h"
#include "io/json_reader.h"

namespace frost::fpga {

// Generated at build time from arch/dpu_default.json (see meson.build).
extern const char kDpuDefaultArchJson[];

namespace {

void check_keys(const JsonValue& obj, const std::set<std::string>& allowed, const std::string& what) {
  if (!obj.is_object()) throw Error(obj.where + ": " + what + " must be an object, got " + json_kind_name(obj.kind));
  for (const auto& [key, value] : obj.object)
    if (!allowed.count(key)) throw Error(value.where + ": unknown key \"" + key + "\" in " + what);
}

Range read_range(const JsonValue& v, const std::string& what) {
  const auto& a = v.as_array();
  if (a.size() != 2) throw Error(v.where + ": " + what + " must be [min, max]");
  Range r{a[0].as_int(), a[1].as_int()};
  if (r.min < 0 || r.min > r.max) throw Error(v.where + ": " + what + " needs 0 <= min <= max");
  return r;
}

const std::vector<std::string> kActivations = {"Relu", "Relu6", "LeakyRelu"};

DpuOpRule read_rule(const JsonValue& v, const std::string& op, const DpuArch& arch) {
  check_keys(v, {"kernel", "kernel_sizes", "square_kernel", "activations", "residual_add"}, "the rule of " + op);
  DpuOpRule r;
  r.kernel = arch.kernel;
  if (const JsonValue* k = v.find("kernel")) r.kernel = read_range(*k, op + ".kernel");
  if (const JsonValue* k = v.find("kernel_sizes"))
    for (const JsonValue& s : k->as_array()) r.kernel_sizes.push_back(s.as_int());
  if (const JsonValue* s = v.find("square_kernel")) r.square_kernel = s->as_bool();
  if (const JsonValue* a = v.find("activations"))
    for (const JsonValue& s : a->as_array()) {
      if (std::find(kActivations.begin(), kActivations.end(), s.as_string()) == kActivations.end())
        throw Error(s.where + ": activation \"" + s.string +
                    "\" is not one the DPU emulator has (Relu, Relu6, LeakyRelu)");
      r.activations.push_back(s.string);
    }
  if (const JsonValue* a = v.find("residual_add")) r.residual_add = a->as_bool();
  return r;
}

}  // namespace

const std::vector<std::string>& dpu_op_names() {
  static const std::vector<std::string> names = {"Conv2D",
                                                 "DepthwiseConv2dNative",
                                                 "Conv2DBackpropInput",
                                                 "MaxPool",
                                                 "AvgPool",
                                                 "Add",
                                                 "Mul",
                                                 "ConcatV2",
                                                 "Relu",
                                                 "Relu6",
                                                 "LeakyRelu",
                                                 "MatMul",
                                                 "Pad",
                                                 "Reshape"};
  return names;
}

DpuArch parse_dpu_arch(const JsonValue& root, const std::string& source) {
  check_keys(root, {"name", "description", "limits", "leaky_relu_alpha", "ops"}, "the arch description");
  DpuArch arch;
  arch.source = source;
  const JsonValue* name = root.find("name");
  const JsonValue* ops = root.find("ops");
  if (!name || !ops) throw Error(root.where + ": the arch description needs \"name\" and \"ops\"");
  arch.name = name->as_string();
  if (const JsonValue* d = root.find("description")) d->as_string();
  if (const JsonValue* limits = root.find("limits")) {
    check_keys(*limits, {"kernel", "stride", "dilation", "channels"}, "limits");
    if (const JsonValue* v = limits->find("kernel")) arch.kernel = read_range(*v, "limits.kernel");
    if (const JsonValue* v = limits->find("stride")) arch.stride = read_range(*v, "limits.stride");
    if (const JsonValue* v = limits->find("dilation")) arch.dilation = read_range(*v, "limits.dilation");
    if (const JsonValue* v = limits->find("channels")) arch.channels = read_range(*v, "limits.channels");
  }
  if (const JsonValue* a = root.find("leaky_relu_alpha")) {
    arch.leaky_relu_alpha = a->as_number();
    if (!(arch.leaky_relu_alpha > 0 && arch.leaky_relu_alpha < 1))
      throw Error(a->where + ": leaky_relu_alpha must be in (0, 1)");
  }
  check_keys(*ops, std::set<std::string>(dpu_op_names().begin(), dpu_op_names().end()), "ops");
  for (const auto& [op, rule] : ops->object) arch.ops[op] = read_rule(rule, op, arch);
  return arch;
}

DpuArch load_dpu_arch(const std::string& path) { return parse_dpu_arch(read_json_file(path), path); }

DpuArch default_dpu_arch() {
  const std::string source = "<built-in dpu_default.json>";
  return parse_dpu_arch(parse_json(kDpuDefaultArchJson, source), source);
}

}  // namespace frost::fpga
