#include "serve/numeric_predict_request.h"

#include <charconv>
#include <limits>
#include <vector>

namespace frost::serve {

namespace {

// Deeper lists are left to the DOM path.
constexpr size_t kMaxDepth = 32;

// A number's text, checked against JSON's grammar
//   -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
// before std::from_chars reads it (from_chars alone would also take "inf",
// ".5", "1." and "0x1p3").
struct Number {
  std::string_view text;
  bool integer = false;  // no fraction, no exponent: nlohmann reads it as an integer
  bool negative() const { return text.front() == '-'; }
};

class Scanner {
 public:
  explicit Scanner(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  // Skips white space, then takes `c` if it comes next.
  bool take(char c) {
    skip_space();
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  bool next_is(char c) {
    skip_space();
    return p_ != end_ && *p_ == c;
  }
  bool at_end() {
    skip_space();
    return p_ == end_;
  }

  // A string without escapes or control characters.
  std::optional<std::string_view> plain_string() {
    if (!take('"')) return std::nullopt;
    const char* begin = p_;
    for (; p_ != end_ && *p_ != '"'; ++p_)
      if (*p_ == '\\' || static_cast<unsigned char>(*p_) < 0x20) return std::nullopt;
    if (p_ == end_) return std::nullopt;
    return std::string_view(begin, static_cast<size_t>(p_++ - begin));
  }

  std::optional<Number> number() {
    skip_space();
    const char* begin = p_;
    if (p_ != end_ && *p_ == '-') ++p_;
    if (p_ == end_ || !is_digit(*p_)) return std::nullopt;
    if (*p_ == '0') {
      ++p_;
    } else {
      digits();
    }
    bool integer = true;
    if (p_ != end_ && *p_ == '.') {
      ++p_;
      if (!digits()) return std::nullopt;
      integer = false;
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (!digits()) return std::nullopt;
      integer = false;
    }
    return Number{std::string_view(begin, static_cast<size_t>(p_ - begin)), integer};
  }

 private:
  static bool is_digit(char c) { return c >= '0' && c <= '9'; }
  void skip_space() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }
  // One or more digits.
  bool digits() {
    const char* begin = p_;
    while (p_ != end_ && is_digit(*p_)) ++p_;
    return p_ != begin;
  }

  const char* p_;
  const char* end_;
};

// A rectangular nested list of numbers, read depth first. The first list met
// at each depth is complete before any other list of that depth starts, so it
// fixes that dim and every later one must match; values sit only at the
// innermost depth. Empty lists are declined (the DOM path words those cases).
class NestedList {
 public:
  std::vector<int64_t> dims;
  std::vector<Number> numbers;

  bool read(Scanner& s) { return list(s, 0); }

 private:
  bool list(Scanner& s, size_t depth) {
    if (depth == kMaxDepth || depth >= values_depth_ || !s.take('[') || s.next_is(']')) return false;
    const bool first = depth == dims.size();
    if (first) dims.push_back(-1);
    int64_t count = 0;
    do {
      if (s.next_is('[')) {
        if (!list(s, depth + 1)) return false;
      } else {
        // A value inside a list of depth d sits at depth d + 1, which must be the innermost.
        if (depth + 1 != dims.size()) return false;
        values_depth_ = depth + 1;
        const auto n = s.number();
        if (!n) return false;
        numbers.push_back(*n);
      }
      ++count;
    } while (s.take(','));
    if (!s.take(']')) return false;
    if (first) dims[depth] = count;
    return dims[depth] == count;
  }

  size_t values_depth_ = std::numeric_limits<size_t>::max();  // set by the first value
};

// A number as nlohmann reads it: an integer as int64 (negative) or uint64,
// as a double when it overflows those or has a fraction or exponent. nullopt
// when the double overflows or underflows (nlohmann's strtod gives inf or 0;
// the DOM path handles it).
std::optional<double> to_double(const Number& n) {
  const char* begin = n.text.data();
  const char* end = begin + n.text.size();
  if (n.integer) {
    if (n.negative()) {
      int64_t v = 0;
      if (std::from_chars(begin, end, v).ec == std::errc{}) return static_cast<double>(v);
    } else {
      uint64_t v = 0;
      if (std::from_chars(begin, end, v).ec == std::errc{}) return static_cast<double>(v);
    }
  }
  double v = 0;
  if (std::from_chars(begin, end, v).ec != std::errc{}) return std::nullopt;
  return v;
}

// An integer as put_integer in tf_serving_request.cc takes it; nullopt for a
// fraction, an exponent, or a value T cannot hold.
template <class T>
std::optional<T> to_integer(const Number& n) {
  if (!n.integer) return std::nullopt;
  const char* begin = n.text.data();
  const char* end = begin + n.text.size();
  if (n.negative()) {
    int64_t v = 0;
    if (std::from_chars(begin, end, v).ec != std::errc{} || v < static_cast<int64_t>(std::numeric_limits<T>::min()))
      return std::nullopt;
    return static_cast<T>(v);
  }
  uint64_t v = 0;
  if (std::from_chars(begin, end, v).ec != std::errc{} || v > static_cast<uint64_t>(std::numeric_limits<T>::max()))
    return std::nullopt;
  return static_cast<T>(v);
}

template <class T, class Convert>
bool convert_all(const std::vector<Number>& numbers, T* out, Convert convert) {
  for (const Number& n : numbers) {
    const auto v = convert(n);
    if (!v) return false;
    *out++ = *v;
  }
  return true;
}

template <class T>
bool integers(const std::vector<Number>& numbers, Tensor& t) {
  return convert_all(numbers, t.data<T>(), to_integer<T>);
}

// Float inputs go through double, as the DOM path's number_of does (so a
// decimal rounds to double first, then to float: the same bits either way).
template <class Store>
bool floats(const std::vector<Number>& numbers, uint16_t* out, Store store) {
  return convert_all(numbers, out, [&](const Number& n) -> std::optional<uint16_t> {
    const auto v = to_double(n);
    if (!v) return std::nullopt;
    return store(static_cast<float>(*v));
  });
}

// Writes the numbers into `t` (row-major); false when one does not convert.
bool fill(const std::vector<Number>& numbers, Tensor& t) {
  switch (t.dtype()) {
    case DType::Float:
      return convert_all(numbers, t.data<float>(), [](const Number& n) -> std::optional<float> {
        const auto v = to_double(n);
        if (!v) return std::nullopt;
        return static_cast<float>(*v);
      });
    case DType::Double: return convert_all(numbers, t.data<double>(), to_double);
    case DType::Half: return floats(numbers, static_cast<uint16_t*>(t.raw_data()), float_to_half);
    case DType::BFloat16: return floats(numbers, static_cast<uint16_t*>(t.raw_data()), float_to_bfloat16);
    case DType::Int8: return integers<int8_t>(numbers, t);
    case DType::UInt8: return integers<uint8_t>(numbers, t);
    case DType::Int16: return integers<int16_t>(numbers, t);
    case DType::UInt16: return integers<uint16_t>(numbers, t);
    case DType::Int32: return integers<int32_t>(numbers, t);
    case DType::UInt32: return integers<uint32_t>(numbers, t);
    case DType::Int64: return integers<int64_t>(numbers, t);
    case DType::UInt64: return integers<uint64_t>(numbers, t);
    default: return false;  // bool, string and the rest: the DOM path
  }
}

}  // namespace

std::optional<PredictRequest> parse_numeric_predict_request(std::string_view body, const ServedModel& model) {
  if (model.inputs().size() != 1) return std::nullopt;
  const TensorSpec& input = model.inputs().front();
  Scanner s(body);
  if (!s.take('{')) return std::nullopt;
  std::optional<RequestFormat> format;
  bool signature = false;
  NestedList list;
  do {
    const auto key = s.plain_string();
    if (!key || !s.take(':')) return std::nullopt;
    if (*key == "signature_name") {
      const auto name = s.plain_string();
      if (signature || !name || !(name->empty() || *name == "serving_default")) return std::nullopt;
      signature = true;
    } else if (*key == "instances" || *key == "inputs") {
      if (format) return std::nullopt;
      format = *key == "instances" ? RequestFormat::Row : RequestFormat::Columnar;
      if (!list.read(s)) return std::nullopt;
    } else {
      return std::nullopt;
    }
  } while (s.take(','));
  if (!s.take('}') || !s.at_end() || !format) return std::nullopt;

  const Shape shape(list.dims);
  if (!input.shape.accepts(shape)) return std::nullopt;
  Tensor t(input.dtype, shape);
  if (!fill(list.numbers, t)) return std::nullopt;
  PredictRequest request;
  request.format = *format;
  request.rows = list.dims.front();
  request.feeds[input.id] = std::move(t);
  return request;
}

}  // namespace frost::serve
