// A small, bounded JSON reader for Frost's own configuration files (the FPGA
// backend's DPU architecture description) and Keras model configs (a few
// hundred kilobytes for the largest applications), so a tree of values is fine.
// Bounds: nesting depth at most kMaxJsonDepth, text at most kMaxJsonBytes.
// Every error is a frost::Error "FILE:LINE:COL: what was expected".
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace frost {

constexpr int kMaxJsonDepth = 64;
constexpr size_t kMaxJsonBytes = size_t{1} << 24;

struct JsonMember;

class JsonValue {
 public:
  enum class Kind { Null, Bool, Number, String, Array, Object };

  Kind kind = Kind::Null;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<JsonValue> array;
  // In file order. A struct, not std::pair: a pair of this still-incomplete
  // class does not compile with clang and libstdc++ (the fuzz build).
  std::vector<JsonMember> object;
  // Where the value starts, for errors found after parsing ("dpu.json:12:5").
  std::string where;

  bool is_object() const { return kind == Kind::Object; }
  bool is_array() const { return kind == Kind::Array; }
  // The member `key` of an object, or nullptr (also when this is no object).
  const JsonValue* find(const std::string& key) const;

  // Typed reads that throw "WHERE: expected a number, got a string".
  double as_number() const;
  int64_t as_int() const;  // a number with no fractional part
  bool as_bool() const;
  const std::string& as_string() const;
  const std::vector<JsonValue>& as_array() const;
};

struct JsonMember {
  std::string key;
  JsonValue value;
};

std::string json_kind_name(JsonValue::Kind k);

// Parses `text`; `source` names it in errors (a file name, "<embedded dpu_default.json>").
JsonValue parse_json(const std::string& text, const std::string& source);
// Reads and parses a file; a missing or unreadable file is an error naming it.
JsonValue read_json_file(const std::string& path);

}  // namespace frost
