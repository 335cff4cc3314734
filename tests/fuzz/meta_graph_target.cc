// A MetaGraphDef (.meta) or a SavedModel (saved_model.pb) given to `frost
// freeze`: the first byte picks which (even: MetaGraph, odd: SavedModel), the
// rest is the file. Freezing reads the signature, fixes nothing, prunes to the
// outputs, inlines TF2 function calls and resolves constant conditionals
// before it needs a checkpoint; the checkpoint named here does not exist, so
// a graph with variables ends in a clean "not found" error.
#include <filesystem>

#include "freeze/freeze_graph.h"
#include "fuzz_target.h"
#include "scratch_file.h"

namespace frost::fuzz {

void meta_graph(const std::string& bytes) {
  if (bytes.empty()) return;
  const bool saved_model = (static_cast<unsigned char>(bytes[0]) & 1) != 0;
  FreezeInput input;
  input.kind = saved_model ? FreezeInput::Kind::SavedModel : FreezeInput::Kind::MetaGraph;
  input.path = write_scratch(saved_model ? "saved_model.pb" : "graph.meta", bytes.substr(1));
  input.checkpoint = scratch_dir() + "/no-such-checkpoint";
  freeze_with_report(input, {});
}

}  // namespace frost::fuzz
