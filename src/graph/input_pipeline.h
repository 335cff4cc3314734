// Graphs that read their data from an input pipeline instead of a Placeholder:
// a tf.data iterator (Iterator/IteratorV2/OneShotIterator -> IteratorGetNext)
// or a TF1 queue (FIFOQueueV2/PaddingFIFOQueueV2/RandomShuffleQueueV2 ->
// QueueDequeue{,Many,UpTo}V2). Frost does not run pipelines; each component
// the reader hands out ("IteratorGetNext:1") is an input to feed instead, with
// the dtype and shape the reader's (or queue's) attrs declare.
#pragma once

#include <string>
#include <vector>

#include "graph/graph.h"

namespace frost {

struct PipelineComponent {
  TensorId tensor;           // "IteratorGetNext:0"
  DType dtype = DType::Invalid;
  PartialShape shape;        // unknown rank when the attrs do not say
  std::string reader_op;     // "IteratorGetNext", "QueueDequeueManyV2", ...
  std::string source;        // the iterator or queue node ("" if not found)
  std::string note;          // where the batch dimension came from, if anywhere
};

// Ops that create an iterator or a queue (resources a reader reads from).
const std::vector<std::string>& pipeline_source_ops();
bool is_pipeline_source_op(const std::string& op);
// Ops that hand out one element (or batch) of a pipeline: IteratorGetNext, QueueDequeue*.
const std::vector<std::string>& pipeline_reader_ops();
bool is_pipeline_reader_op(const std::string& op);

// One entry per output of `reader` (a pipeline reader node). dtypes from
// output_types / component_types; shapes from output_shapes, or the queue's
// `shapes` with the batch of a Many/UpTo dequeue in front: its constant `n`
// for QueueDequeueMany, unknown for QueueDequeueUpTo (the last batch may be
// smaller). Never throws: what the attrs do not say stays unknown.
std::vector<PipelineComponent> pipeline_components(const Graph& g, const Node& reader);

}  // namespace frost
