#include "graph/input_pipeline.h"

#include <algorithm>
#include <set>

namespace frost {

namespace {

bool is_queue_op(const std::string& op) {
  static const std::set<std::string> ops = {"FIFOQueue", "FIFOQueueV2", "PaddingFIFOQueue", "PaddingFIFOQueueV2",
                                            "RandomShuffleQueue", "RandomShuffleQueueV2"};
  return ops.count(op) != 0;
}

bool is_dequeue_many(const std::string& op) { return op == "QueueDequeueMany" || op == "QueueDequeueManyV2"; }
bool is_dequeue_up_to(const std::string& op) { return op == "QueueDequeueUpTo" || op == "QueueDequeueUpToV2"; }

std::vector<DType> list_types(const Node& n, const std::string& key) {
  std::vector<DType> out;
  if (!n.has_attr(key)) return out;
  try {
    for (DType t : n.attr(key).list_type()) out.push_back(dtype_base(static_cast<int>(t)));
  } catch (const Error&) {
  }
  return out;
}

std::vector<PartialShape> list_shapes(const Node& n, const std::string& key) {
  if (!n.has_attr(key)) return {};
  try {
    return n.attr(key).list_shape();
  } catch (const Error&) {
    return {};
  }
}

// The node an input handle comes from, through Identity nodes.
const Node* handle_source(const Graph& g, const Node& reader) {
  if (reader.num_data_inputs() < 1) return nullptr;
  const Node* n = g.find(reader.input(0).node);
  for (int hops = 0; n && n->op == "Identity" && n->num_data_inputs() == 1 && hops < 8; ++hops)
    n = g.find(n->input(0).node);
  return n;
}

// The constant batch size of a Many/UpTo dequeue (its second input), or -1.
int64_t constant_batch(const Graph& g, const Node& reader) {
  if (reader.num_data_inputs() < 2) return -1;
  const Node* n = g.find(reader.input(1).node);
  if (!n || n->op != "Const" || !n->has_attr("value") || !n->attr("value").is<Tensor>()) return -1;
  const Tensor& t = n->attr_tensor("value");
  if (t.num_elements() != 1 || (t.dtype() != DType::Int32 && t.dtype() != DType::Int64)) return -1;
  return t.as_int64(0);
}

}  // namespace

const std::vector<std::string>& pipeline_source_ops() {
  static const std::vector<std::string> ops = {
      "Iterator",  "IteratorV2",         "OneShotIterator",  "AnonymousIterator",  "AnonymousIteratorV2",
      "AnonymousIteratorV3", "FIFOQueue", "FIFOQueueV2", "PaddingFIFOQueue", "PaddingFIFOQueueV2",
      "RandomShuffleQueue", "RandomShuffleQueueV2"};
  return ops;
}

const std::vector<std::string>& pipeline_reader_ops() {
  static const std::vector<std::string> ops = {"IteratorGetNext",    "IteratorGetNextSync", "QueueDequeue",
                                               "QueueDequeueV2",     "QueueDequeueMany",    "QueueDequeueManyV2",
                                               "QueueDequeueUpTo",   "QueueDequeueUpToV2"};
  return ops;
}

bool is_pipeline_source_op(const std::string& op) {
  const auto& ops = pipeline_source_ops();
  return std::find(ops.begin(), ops.end(), op) != ops.end();
}

bool is_pipeline_reader_op(const std::string& op) {
  const auto& ops = pipeline_reader_ops();
  return std::find(ops.begin(), ops.end(), op) != ops.end();
}

std::vector<PipelineComponent> pipeline_components(const Graph& g, const Node& reader) {
  std::vector<PipelineComponent> out;
  if (!is_pipeline_reader_op(reader.op)) return out;
  const Node* source = handle_source(g, reader);
  const bool iterator = reader.op.rfind("IteratorGetNext", 0) == 0;
  const std::vector<DType> types = list_types(reader, iterator ? "output_types" : "component_types");
  std::vector<PartialShape> shapes;
  if (iterator) shapes = list_shapes(reader, "output_shapes");
  else if (source && is_queue_op(source->op)) shapes = list_shapes(*source, "shapes");
  if (shapes.size() != types.size()) shapes.assign(types.size(), PartialShape::unknown());

  std::string note;
  int64_t batch = PartialShape::kUnknown;
  if (is_dequeue_many(reader.op) || is_dequeue_up_to(reader.op)) {
    const int64_t n = constant_batch(g, reader);
    if (is_dequeue_many(reader.op) && n >= 0) {
      batch = n;
      note = "batch " + std::to_string(n) + " from " + reader.op + "'s n";
    } else if (n >= 0) {
      note = "batch up to " + std::to_string(n) + " (" + reader.op + ")";
    }
  }
  for (size_t i = 0; i < types.size(); ++i) {
    PipelineComponent c;
    c.tensor = TensorId{reader.name, static_cast<int>(i), false};
    c.dtype = types[i];
    c.shape = shapes[i];
    if (!iterator && (is_dequeue_many(reader.op) || is_dequeue_up_to(reader.op)) && c.shape.known_rank()) {
      std::vector<int64_t> dims{batch};
      dims.insert(dims.end(), c.shape.dims().begin(), c.shape.dims().end());
      c.shape = PartialShape(dims);
    }
    c.reader_op = reader.op;
    c.source = source ? source->name : "";
    c.note = note;
    out.push_back(c);
  }
  return out;
}

}  // namespace frost
