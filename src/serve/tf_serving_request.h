// TensorFlow Serving's :predict request body (REST API, "Predict API") decoded
// into feeds for a served model:
//   {"signature_name": "...", "instances": [...]}   row format: one entry per
//       example; with several inputs each entry is an object of named values
//   {"signature_name": "...", "inputs": ...}        columnar format: the value
//       of the only input, or an object of named input values
// String inputs take text or {"b64": "..."}. Every error is an HttpError 400
// naming the input and what was wrong with it.
#pragma once

#include <string_view>

#include "runtime/executor.h"
#include "serve/served_model.h"

namespace frost::serve {

enum class RequestFormat { Row, Columnar };

struct PredictRequest {
  RequestFormat format = RequestFormat::Row;
  FeedMap feeds;      // one tensor for every signature input
  int64_t rows = -1;  // the shared dim 0 of every input; -1 when they have none
};

// Takes the numeric fast path (numeric_predict_request.h) when the body fits
// it, the DOM path otherwise.
PredictRequest parse_predict_request(std::string_view body, const ServedModel& model);
// The general path alone (nlohmann's DOM): every form, every error.
PredictRequest parse_predict_request_dom(std::string_view body, const ServedModel& model);

}  // namespace frost::serve
