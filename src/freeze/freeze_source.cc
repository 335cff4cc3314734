#include "freeze/freeze_source.h"

#include <algorithm>
#include <filesystem>

#include "io/graph_file.h"
#include "io/graphdef_convert.h"

namespace fs = std::filesystem;

namespace frost {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool checkpoint_exists(const std::string& prefix) { return fs::exists(prefix + ".index"); }

// DIR/variables/variables for a SavedModel directory (or a saved_model.pb in
// it); NAME.variables for a file named NAME.saved_model.pb (flat layouts).
std::string default_saved_model_checkpoint(const std::string& path) {
  if (fs::is_directory(path)) return (fs::path(path) / "variables" / "variables").string();
  const std::string suffix = ".saved_model.pb";
  if (ends_with(path, suffix)) {
    const std::string flat = path.substr(0, path.size() - suffix.size()) + ".variables";
    if (checkpoint_exists(flat)) return flat;
  }
  return (fs::path(path).parent_path() / "variables" / "variables").string();
}

const tensorflow::MetaGraphDef& pick_meta_graph(const tensorflow::SavedModel& model, const std::string& tag,
                                                const std::string& path) {
  std::string available;
  for (const auto& mg : model.meta_graphs()) {
    const auto& tags = mg.meta_info_def().tags();
    if (std::find(tags.begin(), tags.end(), tag) != tags.end()) return mg;
    std::string set;
    for (const auto& t : tags) set += (set.empty() ? "" : ",") + t;
    available += (available.empty() ? "" : "; ") + ("[" + set + "]");
  }
  throw Error("SavedModel has no meta graph tagged '" + tag + "' (it has: " +
              (available.empty() ? "none" : available) + ")")
      .file(path);
}

void read_signature(const tensorflow::MetaGraphDef& mg, const std::string& name, const std::string& path,
                    FreezeSource& out) {
  const auto& sigs = mg.signature_def();
  const auto it = sigs.find(name);
  if (it == sigs.end()) {
    std::vector<std::string> names;
    for (const auto& [k, v] : sigs) names.push_back(k);
    std::sort(names.begin(), names.end());
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    throw Error("SavedModel has no signature '" + name + "' (it has: " + (list.empty() ? "none" : list) + ")")
        .file(path);
  }
  // Maps are unordered on the wire: sort by key so the order is stable.
  auto names = [](const auto& map) {
    std::vector<std::pair<std::string, std::string>> v;
    for (const auto& [k, info] : map) v.emplace_back(k, info.name());
    std::sort(v.begin(), v.end());
    std::vector<std::string> out;
    for (const auto& [k, n] : v)
      if (!n.empty()) out.push_back(n);
    return out;
  };
  out.signature_inputs = names(it->second.inputs());
  out.signature_outputs = names(it->second.outputs());
}

}  // namespace

FreezeSource load_freeze_source(const FreezeInput& input) {
  FreezeSource out;
  switch (input.kind) {
    case FreezeInput::Kind::GraphDef:
      out.graph = load_graph(input.path);
      out.checkpoint = input.checkpoint;
      break;
    case FreezeInput::Kind::MetaGraph: {
      const tensorflow::MetaGraphDef mg = read_meta_graph_def(input.path);
      out.graph = graph_from_graph_def(mg.graph_def(), input.path);
      out.checkpoint = input.checkpoint;
      if (out.checkpoint.empty() && ends_with(input.path, ".meta"))
        out.checkpoint = input.path.substr(0, input.path.size() - 5);
      break;
    }
    case FreezeInput::Kind::SavedModel: {
      const tensorflow::SavedModel model = read_saved_model(input.path);
      const tensorflow::MetaGraphDef& mg = pick_meta_graph(model, input.tag, input.path);
      out.graph = graph_from_graph_def(mg.graph_def(), input.path);
      if (!input.signature.empty()) read_signature(mg, input.signature, input.path, out);
      out.checkpoint = input.checkpoint.empty() ? default_saved_model_checkpoint(input.path) : input.checkpoint;
      for (const auto& obj : mg.object_graph_def().nodes())
        out.object_variable_names.push_back(obj.has_variable() ? obj.variable().name() : "");
      break;
    }
  }
  return out;
}

}  // namespace frost
