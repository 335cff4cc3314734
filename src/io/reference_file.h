// A model's test vectors: `reference.txt` beside the model lists which graph
// file to load, which .npy feeds which tensor, and which .npy holds
// TensorFlow's value of which output. Format, one entry per line:
//     graph  <file>                 starts a stanza
//     input  <tensor name> <npy>    belongs to the stanza above
//     output <tensor name> <npy>
// '#' starts a comment. Paths are relative to the reference file's folder.
#pragma once

#include <string>
#include <vector>

namespace frost {

struct ReferenceTensor {
  std::string tensor;  // "conv2d_input:0"
  std::string file;    // resolved path of the .npy
};

struct ReferenceStanza {
  std::string graph;  // resolved path of the graph file
  std::vector<ReferenceTensor> inputs, outputs;
};

// Throws frost::Error naming the file and line for anything malformed.
std::vector<ReferenceStanza> read_reference_file(const std::string& path);

}  // namespace frost
