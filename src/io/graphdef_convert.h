// GraphDef <-> IR. Import maps every NodeDef to a Node with typed attributes
// (Const values decoded once); what Frost does not model is kept as bytes and
// written back on export, so load + save reproduces the GraphDef (tensors
// re-encoded as tensor_content). Import does not check ops or inputs: any op
// name is accepted, validation is a separate step.
#pragma once

#include <string>

#include "graph.pb.h"
#include "graph/graph.h"

namespace frost {

// `source_file` names the file in errors and is kept as Graph::source.
// Throws on duplicate node names and on corrupt tensors or shapes, naming the
// file, node, op and attribute.
Graph graph_from_graph_def(const tensorflow::GraphDef& graph_def, const std::string& source_file);
tensorflow::GraphDef graph_to_graph_def(const Graph& graph);

// Attribute conversion, exposed for tests and for tools that edit NodeDefs.
AttrValue attr_from_proto(const tensorflow::AttrValue& proto);
tensorflow::AttrValue attr_to_proto(const AttrValue& attr);

// read_graph_def + graph_from_graph_def; .pb or .pbtxt.
Graph load_graph(const std::string& path);
// graph_to_graph_def + write_graph_def; text format for ".pbtxt".
void save_graph(const Graph& graph, const std::string& path);

}  // namespace frost
