// Values that fix a placeholder (or a variable) for inference, given as the
// text a user types: keras_learning_phase=false, keep_prob=1.0, is_training=0.
// The one parser of such values: `frost freeze`, `frost optimize`, the
// commands that run a model and the library's options all go through it.
#pragma once

#include <map>
#include <string>

#include "graph/graph.h"
#include "graph/tensor.h"

namespace frost {

// A scalar of `dtype` parsed from `text` (bool: true/false/1/0, any case;
// floats in C syntax; integers exactly, in range); throws an Error naming
// `what` (the placeholder) when the text is not a value of that dtype.
Tensor scalar_from_text(DType dtype, const std::string& text, const std::string& what);

// The value `text` for node `n` (a placeholder or variable: its `dtype`
// attribute); throws naming the node when it has no dtype or the text does
// not parse.
Tensor set_value_for(const Node& n, const std::string& text);

// name -> text, each name resolved in `g` ("keep_prob" or "keep_prob:0"):
// node name -> value, for OptimizeOptions::set.
std::map<std::string, Tensor> set_values_for(const Graph& g, const std::map<std::string, std::string>& set);

}  // namespace frost
