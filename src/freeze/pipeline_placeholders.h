// A graph fed by an input pipeline (graph/input_pipeline.h) made servable:
// the pipeline components it reads become Placeholders of the components'
// dtypes and shapes, and the iterator or queue goes. TensorFlow can then load
// and feed the written graph like any other.
#pragma once

#include <string>
#include <vector>

#include "graph/graph.h"

namespace frost {

struct PlaceholderForComponent {
  TensorId component;       // "IteratorGetNext:1"
  std::string placeholder;  // "IteratorGetNext_1"
};

// Replaces `components` (tensors of pipeline readers; others are ignored) by
// Placeholders. Naming keeps feeds working: component 0 becomes a Placeholder
// with the reader's own name (so "IteratorGetNext:0" still names it), component
// i > 0 one named "<reader>_<i>". A reader some of whose read components are
// not listed stays as it is (still fed at its components). When anything was
// replaced, prunes `g` to `outputs` and the listed inputs (as renamed), which
// removes what only the pipeline needed. Returns what was replaced, in the
// order given; empty (and `g` untouched) when there was nothing to replace.
std::vector<PlaceholderForComponent> pipeline_inputs_to_placeholders(Graph& g, const std::vector<TensorId>& components,
                                                                     const std::vector<TensorId>& outputs);

}  // namespace frost
