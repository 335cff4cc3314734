// `frost inspect --json`'s document, written here so that the CLI and the
// Python package's frost.inspect say exactly the same thing.
#pragma once

#include <ostream>
#include <string>

#include "graph/summary.h"

namespace frost::cli {

// "?" for an unknown dtype, else TensorFlow's name.
std::string dtype_or_unknown(DType t);

// The summary of the graph at `path` as one JSON object (no trailing newline).
void write_inspect_json(std::ostream& out, const std::string& path, const GraphSummary& s);

}  // namespace frost::cli
