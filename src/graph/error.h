// The one exception type Frost throws across module boundaries. It carries where
// the failure happened (file, node, op, attribute/tensor) so the CLI can print a
// single line that names them, and exit with code 2.
#pragma once

#include <stdexcept>
#include <string>

namespace frost {

class Error : public std::exception {
 public:
  explicit Error(std::string message) : message_(std::move(message)) { compose(); }

  // Each setter fills in one piece of context and returns *this, so a catch
  // site higher up can add what it knows: `catch (Error& e) { e.file(path); throw; }`.
  // A piece that is already set is kept: the innermost, most precise context wins.
  Error& file(const std::string& f) { return set(file_, f); }
  Error& node(const std::string& n) { return set(node_, n); }
  Error& op(const std::string& o) { return set(op_, o); }
  Error& item(const std::string& i) { return set(item_, i); }

  const std::string& message() const { return message_; }
  const std::string& file_name() const { return file_; }
  const std::string& node_name() const { return node_; }
  const std::string& op_name() const { return op_; }

  const char* what() const noexcept override { return text_.c_str(); }

 private:
  Error& set(std::string& slot, const std::string& value) {
    if (slot.empty()) {
      slot = value;
      compose();
    }
    return *this;
  }
  void compose();

  std::string message_, file_, node_, op_, item_;
  std::string text_;
};

// Checks a condition on input data (never a programming error) and throws.
#define FROST_CHECK(cond, msg)                       \
  do {                                               \
    if (!(cond)) throw ::frost::Error(msg);          \
  } while (0)

}  // namespace frost
