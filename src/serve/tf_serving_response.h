// TensorFlow Serving's REST response bodies for a served model: predictions
// ({"predictions": [...]} for row requests, {"outputs": ...} for columnar
// ones), model status, model metadata (the signature_def with dtypes and
// shapes), and {"error": "..."}.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "serve/served_model.h"
#include "serve/tf_serving_request.h"

namespace frost::serve {

// The version every served model reports (one file, one version).
inline constexpr const char* kModelVersion = "1";

std::string predict_response_json(RequestFormat format, const ServedModel& model, const std::vector<Tensor>& outputs);
std::string status_json();
std::string metadata_json(const ServedModel& model);
std::string error_json(std::string_view message);
// {"models": [{"name": ..., "version": "1"}, ...]}: not TF Serving's (it has no
// list); frost's GET /v1/models, which the web page reads.
std::string models_json(const std::vector<std::string>& names);
// "DT_FLOAT", as TensorFlow's DataType enum names it.
std::string tf_dtype_name(DType dtype);

}  // namespace frost::serve
