#include "fuzz_target.h"

namespace frost::fuzz {

const std::vector<Target>& targets() {
  static const std::vector<Target> all = {
      {"graphdef_binary", graphdef_binary}, {"graphdef_text", graphdef_text}, {"meta_graph", meta_graph},
      {"checkpoint", checkpoint},           {"npy", npy},                     {"arch_json", arch_json},
      {"model_run", model_run},             {"keras_h5", keras_h5},           {"keras_archive", keras_archive},
      {"keras_config", keras_config},
  };
  return all;
}

const Target* find_target(const std::string& name) {
  for (const Target& t : targets())
    if (name == t.name) return &t;
  return nullptr;
}

}  // namespace frost::fuzz
