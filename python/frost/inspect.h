// frost.inspect: the document `frost inspect MODEL --json` prints, from the
// same writer (src/cli/inspect_json.h); frost/__init__.py parses it.
#pragma once

#include <string>

namespace frost::python {

std::string inspect_json(const std::string& path);

}  // namespace frost::python
