// GraphDef, MetaGraphDef and SavedModel files: bytes on disk <-> protobuf
// messages. Binary (.pb, .meta, saved_model.pb) and text format (.pbtxt) are
// both read; the format is recognised from the content, not trusted from the
// extension. Every error names the file. Fields this schema does not know are
// kept by protobuf and written back unchanged.
#pragma once

#include <string>

#include "graph.pb.h"
#include "io/file_bytes.h"
#include "meta_graph.pb.h"
#include "saved_model.pb.h"

namespace frost {

tensorflow::GraphDef read_graph_def(const std::string& path);
// Writes text format when the path ends in ".pbtxt" or ".txt", binary otherwise.
// Binary output is deterministic (map entries sorted).
void write_graph_def(const tensorflow::GraphDef& graph, const std::string& path);

// A MetaGraphDef (a checkpoint's ".meta"), binary or text.
tensorflow::MetaGraphDef read_meta_graph_def(const std::string& path);

// A SavedModel: `path` is either the model directory (holding saved_model.pb
// or saved_model.pbtxt) or the file itself.
tensorflow::SavedModel read_saved_model(const std::string& path);

}  // namespace frost
