#include "io/json_reader.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

#include "graph/error.h"

namespace frost {

namespace {

// A character for an error message: binary bytes as hex, so that a file that
// is not JSON at all still gives one readable line.
std::string describe_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (std::isprint(u)) return std::string("'") + c + "'";
  static const char* const kHex = "0123456789abcdef";
  return std::string("byte 0x") + kHex[u >> 4] + kHex[u & 15];
}

class Parser {
 public:
  Parser(const std::string& text, const std::string& source) : text_(text), source_(source) {}

  JsonValue parse_document() {
    skip_space();
    JsonValue v = parse_value(0);
    skip_space();
    if (pos_ != text_.size()) fail("unexpected text after the JSON value");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw Error(here() + ": " + what); }

  std::string here() const {
    int line = 1, col = 1;
    for (size_t i = 0; i < pos_ && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    return source_ + ":" + std::to_string(line) + ":" + std::to_string(col);
  }

  void skip_space() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
  }

  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

  void expect_word(const char* word) {
    for (const char* c = word; *c; ++c, ++pos_)
      if (peek() != *c) fail(std::string("expected '") + word + "'");
  }

  JsonValue parse_value(int depth) {
    if (depth > kMaxJsonDepth) fail("nesting deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    JsonValue v;
    v.where = here();
    const char c = peek();
    if (c == '{') {
      v.kind = JsonValue::Kind::Object;
      ++pos_;
      skip_space();
      if (peek() == '}') {
        ++pos_;
        return v;
      }
      for (;;) {
        skip_space();
        if (peek() != '"') fail("expected a string key");
        std::string key = parse_string();
        skip_space();
        if (peek() != ':') fail("expected ':' after the key");
        ++pos_;
        skip_space();
        for (const auto& [k, unused] : v.object)
          if (k == key) fail("duplicate key \"" + key + "\"");
        v.object.push_back(JsonMember{std::move(key), parse_value(depth + 1)});
        skip_space();
        if (peek() == ',') {
          ++pos_;
          continue;
        }
        if (peek() == '}') {
          ++pos_;
          return v;
        }
        fail("expected ',' or '}' in an object");
      }
    }
    if (c == '[') {
      v.kind = JsonValue::Kind::Array;
      ++pos_;
      skip_space();
      if (peek() == ']') {
        ++pos_;
        return v;
      }
      for (;;) {
        skip_space();
        v.array.push_back(parse_value(depth + 1));
        skip_space();
        if (peek() == ',') {
          ++pos_;
          continue;
        }
        if (peek() == ']') {
          ++pos_;
          return v;
        }
        fail("expected ',' or ']' in an array");
      }
    }
    if (c == '"') {
      v.kind = JsonValue::Kind::String;
      v.string = parse_string();
      return v;
    }
    if (c == 't') {
      expect_word("true");
      v.kind = JsonValue::Kind::Bool;
      v.boolean = true;
      return v;
    }
    if (c == 'f') {
      expect_word("false");
      v.kind = JsonValue::Kind::Bool;
      return v;
    }
    if (c == 'n') {
      expect_word("null");
      return v;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      v.kind = JsonValue::Kind::Number;
      v.number = parse_number();
      return v;
    }
    fail(pos_ >= text_.size() ? "unexpected end of the text" : "unexpected character " + describe_char(c));
  }

  // JSON's number grammar, checked here, then converted by strtod.
  double parse_number() {
    const size_t start = pos_;
    auto digits = [&] {
      const size_t from = pos_;
      while (peek() >= '0' && peek() <= '9') ++pos_;
      if (pos_ == from) fail("expected a digit");
    };
    if (peek() == '-') ++pos_;
    if (peek() == '0')
      ++pos_;
    else
      digits();
    if (peek() == '.') {
      ++pos_;
      digits();
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      digits();
    }
    const std::string s = text_.substr(start, pos_ - start);
    const double d = std::strtod(s.c_str(), nullptr);
    if (!std::isfinite(d)) fail("number out of range");
    return d;
  }

  // A string with the standard escapes; \u escapes below 0x80 only (the
  // files Frost reads are ASCII; others are refused, not mangled).
  std::string parse_string() {
    ++pos_;  // opening quote
    std::string out;
    for (;;) {
      if (pos_ >= text_.size()) fail("unterminated string");
      const char c = text_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      const char e = peek();
      ++pos_;
      // The one-letter escapes: \" \\ \/ \b \f \n \r \t.
      static constexpr std::string_view kLetters = "\"\\/bfnrt", kChars = "\"\\/\b\f\n\r\t";
      if (const size_t k = kLetters.find(e); k != std::string_view::npos) {
        out += kChars[k];
        continue;
      }
      if (e != 'u') {
        --pos_;
        fail("bad escape in a string");
      }
      if (pos_ + 4 > text_.size()) fail("truncated \\u escape");
      const std::string hex = text_.substr(pos_, 4);
      if (!std::all_of(hex.begin(), hex.end(), [](char h) { return std::isxdigit(static_cast<unsigned char>(h)); }))
        fail("bad \\u escape");
      const long code = std::strtol(hex.c_str(), nullptr, 16);
      if (code >= 0x80) fail("non-ASCII \\u escape is not supported");
      out += static_cast<char>(code);
      pos_ += 4;
    }
  }

  const std::string& text_;
  const std::string& source_;
  size_t pos_ = 0;
};

[[noreturn]] void wrong_kind(const JsonValue& v, const std::string& expected) {
  throw Error(v.where + ": expected " + expected + ", got " + json_kind_name(v.kind));
}

}  // namespace

std::string json_kind_name(JsonValue::Kind k) {
  switch (k) {
    case JsonValue::Kind::Null:
      return "null";
    case JsonValue::Kind::Bool:
      return "a boolean";
    case JsonValue::Kind::Number:
      return "a number";
    case JsonValue::Kind::String:
      return "a string";
    case JsonValue::Kind::Array:
      return "an array";
    case JsonValue::Kind::Object:
      return "an object";
  }
  return "?";
}

const JsonValue* JsonValue::find(const std::string& key) const {
  for (const auto& [k, v] : object)
    if (k == key) return &v;
  return nullptr;
}

double JsonValue::as_number() const {
  if (kind != Kind::Number) wrong_kind(*this, "a number");
  return number;
}

int64_t JsonValue::as_int() const {
  const double d = as_number();
  if (d != std::floor(d) || std::fabs(d) > 9.0e15) throw Error(where + ": expected an integer");
  return static_cast<int64_t>(d);
}

bool JsonValue::as_bool() const {
  if (kind != Kind::Bool) wrong_kind(*this, "a boolean");
  return boolean;
}

const std::string& JsonValue::as_string() const {
  if (kind != Kind::String) wrong_kind(*this, "a string");
  return string;
}

const std::vector<JsonValue>& JsonValue::as_array() const {
  if (kind != Kind::Array) wrong_kind(*this, "an array");
  return array;
}

JsonValue parse_json(const std::string& text, const std::string& source) {
  if (text.size() > kMaxJsonBytes)
    throw Error(source + ": JSON text larger than " + std::to_string(kMaxJsonBytes) + " bytes");
  return Parser(text, source).parse_document();
}

JsonValue read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open the file").file(path);
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxJsonBytes)
      throw Error("JSON file larger than " + std::to_string(kMaxJsonBytes) + " bytes").file(path);
  }
  return parse_json(text, path);
}

}  // namespace frost
