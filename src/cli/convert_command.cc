// frost convert MODEL.h5|MODEL.keras -o FROZEN.pb [--outputs A,B] [--batch N]:
// a Keras model to the frozen GraphDef TensorFlow would have written, without
// TensorFlow. Every other command also takes the Keras file directly.
#include <iostream>

#include "cli/args.h"
#include "cli/commands.h"
#include "graph/graphdef_convert.h"
#include "graph/signature.h"
#include "graph/tensor_names.h"
#include "graph/topology.h"
#include "graph/validate.h"
#include "io/keras_graph/keras_model.h"

namespace frost::cli {

int convert_command(const Argv& raw) {
  Argv argv = raw;
  for (std::string& a : argv)
    if (a == "-o") a = "--output-file";
  const Args args(argv, {"output-file", "outputs", "batch"}, {});
  const std::string in = args.only_positional("Keras model file");
  if (!args.has("output-file")) throw Error("name the frozen graph with -o FROZEN.pb");
  if (keras_format(in) == KerasFormat::None)
    throw std::move(Error("not a Keras model (neither an HDF5 .h5 nor a .keras archive); frost convert reads Keras "
                          "models, frost freeze reads TensorFlow graphs and checkpoints")
                        .file(in));
  KerasLoadOptions options;
  const long long batch = args.integer("batch", -1);
  if (args.has("batch") && (batch < 1 || batch > (1 << 20))) throw Error("--batch must be between 1 and 1048576");
  options.batch = batch;
  Graph g = load_keras_model(in, options);
  validate_graph(g);
  std::vector<TensorId> fetches;
  for (const std::string& name : args.values("outputs")) fetches.push_back(resolve_tensor(g, name));
  if (!fetches.empty()) prune_to(g, fetches);
  const std::string out = args.value("output-file");
  save_graph(g, out);

  std::cout << "converted " << in << " -> " << out << " (" << g.size() << " nodes)\n";
  for (const GraphInput& i : detect_inputs(g))
    std::cout << "  input  " << i.name << " " << dtype_name(i.dtype) << " " << i.shape.to_string() << "\n";
  if (fetches.empty())
    for (const GraphOutput& o : detect_outputs(g)) std::cout << "  output " << o.name << "\n";
  for (const TensorId& f : fetches) std::cout << "  output " << f.to_string() << "\n";
  return 0;
}

}  // namespace frost::cli
