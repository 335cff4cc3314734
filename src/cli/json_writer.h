// A minimal streaming JSON writer for `--json` outputs (no dependency needed
// for a handful of objects). Commas and escaping are handled here.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace frost::cli {

class JsonWriter {
 public:
  // indent > 0: one element per line, nested `indent` spaces deeper (for
  // files people read); 0: everything on one line.
  explicit JsonWriter(std::ostream& out, int indent = 0) : out_(out), indent_(indent) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(const std::string& k);
  JsonWriter& value(const std::string& v);
  JsonWriter& value(const char* v) { return value(std::string(v)); }
  JsonWriter& value(int64_t v);
  JsonWriter& value(int v) { return value(static_cast<int64_t>(v)); }
  JsonWriter& value(double v);
  JsonWriter& value(bool v);
  JsonWriter& null();

 private:
  void separate();
  void close(char bracket);
  void newline(size_t depth);
  std::ostream& out_;
  int indent_ = 0;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

}  // namespace frost::cli
