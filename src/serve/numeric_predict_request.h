// The fast path for the most common :predict body: a model with one numeric
// input, sent as one nested list of numbers,
//   {"instances": [[[0.0], [0.5], ...], ...]}   or   {"inputs": [[...], ...]}
// (optionally with "signature_name": "serving_default"). nlohmann's DOM spends
// about 0.3-0.5 ms on one 28x28 image (a node per number and per one-element
// list, strtod on 17-digit decimals); this reads the same body in about 10 us
// with std::from_chars and builds the tensor directly.
//
// It accepts a strict subset of JSON and declines (nullopt) everything else:
// escapes in strings, objects, booleans, null, empty or ragged lists, other
// fields, a shape or a number the input does not take. The caller then parses
// with the DOM (tf_serving_request.h), which handles every form and words
// every error; so this path never reports an error itself, and when it does
// answer, the feeds are bit-identical to the DOM path's (numbers convert as
// nlohmann converts them: integers as integers, then to the input's dtype).
#pragma once

#include <optional>
#include <string_view>

#include "serve/served_model.h"
#include "serve/tf_serving_request.h"

namespace frost::serve {

std::optional<PredictRequest> parse_numeric_predict_request(std::string_view body, const ServedModel& model);

}  // namespace frost::serve
