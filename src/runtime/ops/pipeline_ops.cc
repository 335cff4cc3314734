// Input pipelines (graph/input_pipeline.h): tf.data iterators and TF1 queues.
// Frost does not run them; their readers' components are fed instead. These
// entries give the readers their outputs and shapes, and an unfed reader an
// error that names what to feed.
#include "graph/input_pipeline.h"
#include "graph/op_registry.h"

namespace frost {

namespace {

// An iterator or queue handle: the node's name, so a reader can name it.
void pipeline_source(OpContext& ctx) { ctx.set_output(0, Tensor::string_scalar(ctx.node().name)); }

void pipeline_reader(OpContext& ctx) {
  const Node& n = ctx.node();
  throw ctx.error("reads an input pipeline, which Frost does not run: feed its components instead (--input " +
                  n.name + ":0=FILE.npy or --random-inputs SEED)");
}

int reader_outputs(const Node& n) {
  for (const char* key : {"output_types", "component_types"})
    if (n.has_attr(key)) {
      try {
        return static_cast<int>(n.attr(key).list_type().size());
      } catch (const Error&) {
        return 1;
      }
    }
  return 1;
}

}  // namespace

void register_pipeline_ops(OpRegistry& r) {
  for (const std::string& op : pipeline_source_ops())
    r.add({.name = op, .infer_shapes = shape_unknown, .reference = pipeline_source});
  // Shapes come from graph/input_pipeline.h in shape inference (a queue's
  // shapes are on the queue node, which a shape function does not see).
  for (const std::string& op : pipeline_reader_ops())
    r.add({.name = op, .num_outputs = reader_outputs, .infer_shapes = shape_unknown, .reference = pipeline_reader});
}

}  // namespace frost
