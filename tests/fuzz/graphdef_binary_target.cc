// A binary GraphDef (.pb) as `frost inspect` takes it: read, imported into the
// IR, validated, its inputs and outputs detected, and summarised (which runs
// static shape inference and folds small constant subgraphs).
#include "fuzz_target.h"
#include "graph/summary.h"
#include "runtime/session.h"
#include "scratch_file.h"

namespace frost::fuzz {

void graphdef_binary(const std::string& bytes) {
  const Session model = Session::load(write_scratch("graph.pb", bytes));
  summarize_graph(model.graph());
}

}  // namespace frost::fuzz
