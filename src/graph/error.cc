#include "graph/error.h"

namespace frost {

// Renders "file: node 'n' (Op), attr 'a': message" leaving out what is unknown.
void Error::compose() {
  std::string where;
  if (!file_.empty()) where += file_;
  if (!node_.empty()) {
    if (!where.empty()) where += ": ";
    where += "node '" + node_ + "'";
    if (!op_.empty()) where += " (" + op_ + ")";
  } else if (!op_.empty()) {
    if (!where.empty()) where += ": ";
    where += "op " + op_;
  }
  if (!item_.empty()) {
    if (!where.empty()) where += ", ";
    where += item_;
  }
  text_ = where.empty() ? message_ : where + ": " + message_;
}

}  // namespace frost
