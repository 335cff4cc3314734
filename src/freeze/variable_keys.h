// Which checkpoint tensor holds a variable's value. Tried in order:
//  1. the graph's own TF1 Saver: an Assign/AssignVariableOp writing the
//     variable from RestoreV2 output k, whose tensor_names[k] is the key
//     (exact even when the Saver was built with custom names);
//  2. a VarHandleOp's shared_name, then the node name;
//  3. TF2 object-based checkpoints: the "_CHECKPOINTABLE_OBJECT_GRAPH" entry
//     (TrackableObjectGraph) maps a variable's full name to its key
//     ("layer/kernel/.ATTRIBUTES/VARIABLE_VALUE"); the SavedModel's object
//     graph names the variable of each node id as a fallback.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/tensor_names.h"
#include "io/checkpoint/tensor_bundle.h"

namespace frost {

// Variable ops freezing turns into constants.
bool is_variable_op(const std::string& op);  // VariableV2, Variable, VarHandleOp

class VariableKeys {
 public:
  // `object_variable_names`: SavedVariable names by object-graph node id
  // (FreezeSource::object_variable_names), may be empty.
  VariableKeys(const Graph& full_graph, const CheckpointReader& reader,
               const std::vector<std::string>& object_variable_names = {});

  // The checkpoint key for variable node `var`; throws an Error naming the
  // variable, the checkpoint and close keys when there is none.
  std::string key_for(const Node& var) const;

 private:
  const CheckpointReader& reader_;
  std::map<std::string, std::string> saver_keys_;   // variable node -> key
  std::map<std::string, std::string> object_keys_;  // variable full name -> key
};

}  // namespace frost
