#include "freeze/set_values.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

#include "graph/tensor_names.h"

namespace frost {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

Tensor scalar_from_text(DType dtype, const std::string& text, const std::string& what) {
  auto bad = [&]() {
    return Error("cannot set " + what + " to '" + text + "': not a " + dtype_name(dtype) + " value").node(what);
  };
  if (text.empty()) throw bad();
  if (dtype == DType::Bool) {
    const std::string t = lower(text);
    if (t == "true" || t == "1") return Tensor::scalar<bool>(true);
    if (t == "false" || t == "0") return Tensor::scalar<bool>(false);
    throw bad();
  }
  if (dtype == DType::Float || dtype == DType::Double) {
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size()) throw bad();
    return dtype == DType::Float ? Tensor::scalar<float>(static_cast<float>(v)) : Tensor::scalar<double>(v);
  }
  if (dtype == DType::Int32 || dtype == DType::Int64) {
    int64_t v = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || ptr != text.data() + text.size()) throw bad();
    if (dtype == DType::Int64) return Tensor::scalar<int64_t>(v);
    if (v < INT32_MIN || v > INT32_MAX) throw bad();
    return Tensor::scalar<int32_t>(static_cast<int32_t>(v));
  }
  if (dtype == DType::String) return Tensor::string_scalar(text);
  throw Error("cannot set " + what + ": placeholders of dtype " + dtype_name(dtype) + " cannot be set from text")
      .node(what);
}

Tensor set_value_for(const Node& n, const std::string& text) {
  const DType dtype = dtype_base(static_cast<int>(n.attr_type_or("dtype", DType::Invalid)));
  if (dtype == DType::Invalid) throw n.error("cannot set a value: node has no dtype; only placeholders and variables can be set");
  return scalar_from_text(dtype, text, n.name);
}

std::map<std::string, Tensor> set_values_for(const Graph& g, const std::map<std::string, std::string>& set) {
  std::map<std::string, Tensor> values;
  for (const auto& [name, text] : set) {
    const Node& n = g.at(resolve_tensor(g, name).node);
    values[n.name] = set_value_for(n, text);
  }
  return values;
}

}  // namespace frost
