// A text GraphDef (.pbtxt): the same path as graphdef_binary, seeded with text
// graphs so the fuzzer explores protobuf's text parser and what it produces.
#include "fuzz_target.h"
#include "graph/summary.h"
#include "runtime/session.h"
#include "scratch_file.h"

namespace frost::fuzz {

void graphdef_text(const std::string& bytes) {
  const Session model = Session::load(write_scratch("graph.pbtxt", bytes));
  summarize_graph(model.graph());
}

}  // namespace frost::fuzz
