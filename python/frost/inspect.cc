#include "inspect.h"

#include <sstream>

#include "cli/inspect_json.h"
#include "graph/summary.h"
#include "graph/validate.h"
#include "io/model_file.h"

namespace frost::python {

std::string inspect_json(const std::string& path) {
  const Graph g = load_model_file(path);
  validate_graph(g);
  std::ostringstream out;
  cli::write_inspect_json(out, path, summarize_graph(g));
  return out.str();
}

}  // namespace frost::python
