#include "graph/attr.h"

#include "graph/error.h"

namespace frost {

namespace {
template <class T>
const T& get(const AttrValue::Value& v, const char* want, const AttrValue& self) {
  if (const T* p = std::get_if<T>(&v)) return *p;
  throw Error(std::string("attr is ") + self.kind_name() + ", expected " + want);
}

template <class T>
std::vector<T> get_list(const AttrValue::Value& v, const char* want, const AttrValue& self) {
  if (std::holds_alternative<EmptyList>(v)) return {};
  return get<std::vector<T>>(v, want, self);
}
}  // namespace

const std::string& AttrValue::s() const { return get<std::string>(value_, "string", *this); }
int64_t AttrValue::i() const { return get<int64_t>(value_, "int", *this); }
float AttrValue::f() const { return get<float>(value_, "float", *this); }
bool AttrValue::b() const { return get<bool>(value_, "bool", *this); }
DType AttrValue::type() const { return get<DType>(value_, "type", *this); }
const PartialShape& AttrValue::shape() const { return get<PartialShape>(value_, "shape", *this); }
const Tensor& AttrValue::tensor() const { return get<Tensor>(value_, "tensor", *this); }
std::vector<std::string> AttrValue::list_s() const { return get_list<std::string>(value_, "list(string)", *this); }
std::vector<int64_t> AttrValue::list_i() const { return get_list<int64_t>(value_, "list(int)", *this); }
std::vector<float> AttrValue::list_f() const { return get_list<float>(value_, "list(float)", *this); }
std::vector<DType> AttrValue::list_type() const { return get_list<DType>(value_, "list(type)", *this); }
std::vector<PartialShape> AttrValue::list_shape() const {
  return get_list<PartialShape>(value_, "list(shape)", *this);
}

std::string AttrValue::kind_name() const {
  static const char* const names[] = {"string",      "int",        "float",       "bool",
                                      "type",        "shape",      "tensor",      "list(string)",
                                      "list(int)",   "list(float)", "list(bool)", "list(type)",
                                      "list(shape)", "list(tensor)", "list()",    "func"};
  return names[value_.index()];
}

// Short, human form of each kind of value (for inspect and error messages).
struct AttrPrinter {
  std::string operator()(const std::string& v) const { return "\"" + v + "\""; }
  std::string operator()(int64_t v) const { return std::to_string(v); }
  std::string operator()(float v) const { return std::to_string(v); }
  std::string operator()(bool v) const { return v ? "true" : "false"; }
  std::string operator()(DType v) const { return dtype_name(v); }
  std::string operator()(const PartialShape& v) const { return v.to_string(); }
  std::string operator()(const Tensor& v) const { return v.summary(); }
  std::string operator()(const EmptyList&) const { return "[]"; }
  std::string operator()(const OpaqueAttr&) const { return "<func>"; }
  template <class T>
  std::string operator()(const std::vector<T>& v) const {
    std::string s = "[";
    for (size_t k = 0; k < v.size(); ++k) {
      if (k) s += ",";
      if constexpr (std::is_same_v<T, bool>) s += v[k] ? "true" : "false";
      else s += (*this)(v[k]);
    }
    return s + "]";
  }
};

std::string AttrValue::to_string() const { return std::visit(AttrPrinter{}, value_); }

}  // namespace frost
