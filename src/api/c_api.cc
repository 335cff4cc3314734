// The C API (include/frost/frost_c.h) over the facade (load_session) and the
// runtime's Session. Every entry point catches everything: a C caller gets a
// status, never an exception or an abort.
#include <frost/frost_c.h>

#include <algorithm>
#include <new>
#include <string>
#include <vector>

#include "api/c_api_types.h"
#include "api/load_session.h"
#include "api/version.h"

using frost::Backend;
using frost::DType;
using frost::Error;
using frost::Tensor;
using frost::TensorId;

namespace {

void report(frost_status** st, frost_code code, const std::string& message, const Error* e = nullptr) {
  if (!st) return;
  *st = nullptr;
  try {
    auto* s = new frost_status;
    s->code = code;
    s->message = message;
    if (e) {
      s->file = e->file_name();
      s->node = e->node_name();
      s->op = e->op_name();
    }
    *st = s;
  } catch (...) {
    // Out of memory while reporting: the return code still says what happened.
  }
}

// Runs `body`; a frost::Error counts as `kind`, anything else by its type.
template <class Body>
int guarded(frost_status** st, frost_code kind, Body&& body) {
  if (st) *st = nullptr;
  try {
    body();
    return FROST_OK;
  } catch (const frost::api::ArgumentError& e) {
    report(st, FROST_INVALID_ARGUMENT, e.what(), &e);
    return FROST_INVALID_ARGUMENT;
  } catch (const Error& e) {
    report(st, kind, e.what(), &e);
    return kind;
  } catch (const std::bad_alloc&) {
    report(st, FROST_OUT_OF_MEMORY, "out of memory");
    return FROST_OUT_OF_MEMORY;
  } catch (const std::exception& e) {
    report(st, FROST_INTERNAL, std::string("internal error: ") + e.what());
    return FROST_INTERNAL;
  } catch (...) {
    report(st, FROST_INTERNAL, "internal error");
    return FROST_INTERNAL;
  }
}

using frost::api::ArgumentError;

void require(bool ok, const std::string& what) {
  if (!ok) throw ArgumentError(what);
}

const char* c_string(const std::string& s) { return s.c_str(); }

// Shape from (rank, dims); false for a negative rank or dim, or no dims.
bool shape_from(int rank, const int64_t* dims, frost::Shape& shape) {
  if (rank < 0 || rank > 32 || (rank > 0 && !dims)) return false;
  std::vector<int64_t> d(dims, dims + rank);
  if (std::any_of(d.begin(), d.end(), [](int64_t x) { return x < 0; })) return false;
  shape = frost::Shape(d);
  return true;
}

int run_model(const frost_model* model, size_t n_in, const char** in_names, frost_tensor** in, size_t n_out,
              const char** out_names, frost_tensor** out, int threads, frost_status** st) {
  std::vector<Tensor> results;
  const int code = guarded(st, FROST_RUN_FAILED, [&] {
    require(model != nullptr, "frost_model_run: model is NULL");
    require(n_in == 0 || (in_names && in), "frost_model_run: in_names and in must not be NULL");
    require(n_out == 0 || out, "frost_model_run: out must not be NULL");
    require(threads >= 0 && threads <= 1024, "frost_model_run: threads must be between 0 and 1024");
    const frost::Graph& g = model->session.graph();
    frost::FeedMap feeds;
    for (size_t k = 0; k < n_in; ++k) {
      require(in_names[k] && in[k], "frost_model_run: input " + std::to_string(k) + " has a NULL name or tensor");
      feeds[frost::api::resolve_argument(g, in_names[k])] = in[k]->value;
    }
    for (const auto& [id, value] : feeds) frost::api::check_feed_argument(g, id, value);
    std::vector<TensorId> fetches;
    if (out_names) {
      for (size_t k = 0; k < n_out; ++k) {
        require(out_names[k] != nullptr, "frost_model_run: output name " + std::to_string(k) + " is NULL");
        fetches.push_back(frost::api::resolve_argument(g, out_names[k]));
      }
    } else {
      require(n_out == model->info.outputs.size(),
              "frost_model_run: out_names is NULL, so n_out must be the model's " +
                  std::to_string(model->info.outputs.size()) + " outputs, not " + std::to_string(n_out));
      fetches = model->info.fetches;
    }
    frost::RunOptions options;
    options.threads = threads > 0 ? threads : model->threads;
    results = model->session.run(feeds, fetches, model->backend, options);
    for (size_t k = 0; k < results.size(); ++k) {
      // Handed to the caller, who may write into it: a copy, since a result
      // can share storage with a feed (a fetched input, a Reshape of one) or
      // a constant of the graph. One memcpy of the output per run.
      results[k] = results[k].clone();
      if (!frost::api::c_dtype_supported(results[k].dtype()))
        throw ArgumentError("output '" + fetches[k].to_string() + "' has dtype " +
                            frost::dtype_name(results[k].dtype()) + ", which the C API cannot return");
    }
  });
  if (code != FROST_OK) return code;
  // Nothing below throws but allocation; then free what was made and report.
  std::vector<frost_tensor*> made;
  try {
    for (Tensor& r : results) made.push_back(new frost_tensor{std::move(r)});
  } catch (const std::bad_alloc&) {
    for (frost_tensor* t : made) delete t;
    report(st, FROST_OUT_OF_MEMORY, "out of memory");
    return FROST_OUT_OF_MEMORY;
  }
  for (size_t k = 0; k < made.size(); ++k) out[k] = made[k];
  return FROST_OK;
}

}  // namespace

extern "C" {

const char* frost_version(void) { return frost::api::kVersion; }

// ---- status

const char* frost_status_message(const frost_status* st) { return st ? c_string(st->message) : ""; }
int frost_status_code(const frost_status* st) { return st ? st->code : FROST_OK; }
const char* frost_status_file(const frost_status* st) { return st ? c_string(st->file) : ""; }
const char* frost_status_node(const frost_status* st) { return st ? c_string(st->node) : ""; }
const char* frost_status_op(const frost_status* st) { return st ? c_string(st->op) : ""; }
void frost_status_free(frost_status* st) { delete st; }

// ---- options

frost_options* frost_options_create(void) { return new (std::nothrow) frost_options; }
void frost_options_free(frost_options* opts) { delete opts; }

int frost_options_set_backend(frost_options* opts, const char* backend, frost_status** st) {
  return guarded(st, FROST_INVALID_ARGUMENT, [&] {
    require(opts && backend, "frost_options_set_backend: NULL argument");
    const Backend b = frost::parse_backend(backend);
    require(b != Backend::Fpga, "the fpga backend needs calibration, which the C API does not offer yet");
    opts->backend = b;
  });
}

int frost_options_set_threads(frost_options* opts, int threads, frost_status** st) {
  return guarded(st, FROST_INVALID_ARGUMENT, [&] {
    require(opts != nullptr, "frost_options_set_threads: options are NULL");
    require(threads >= 0 && threads <= 1024, "threads must be between 0 and 1024, got " + std::to_string(threads));
    opts->threads = threads;
  });
}

int frost_options_add_input(frost_options* opts, const char* tensor, frost_status** st) {
  return guarded(st, FROST_INVALID_ARGUMENT, [&] {
    require(opts && tensor && *tensor, "frost_options_add_input: NULL or empty argument");
    opts->load.inputs.emplace_back(tensor);
  });
}

int frost_options_add_output(frost_options* opts, const char* tensor, frost_status** st) {
  return guarded(st, FROST_INVALID_ARGUMENT, [&] {
    require(opts && tensor && *tensor, "frost_options_add_output: NULL or empty argument");
    opts->load.outputs.emplace_back(tensor);
  });
}

int frost_options_set_value(frost_options* opts, const char* placeholder, const char* value, frost_status** st) {
  return guarded(st, FROST_INVALID_ARGUMENT, [&] {
    require(opts && placeholder && *placeholder && value, "frost_options_set_value: NULL or empty argument");
    opts->load.set[placeholder] = value;
  });
}

int frost_options_set_optimize(frost_options* opts, int optimize, frost_status** st) {
  return guarded(st, FROST_INVALID_ARGUMENT, [&] {
    require(opts != nullptr, "frost_options_set_optimize: options are NULL");
    opts->load.optimize = optimize != 0;
  });
}

// ---- models

int frost_model_load(const char* path, const frost_options* opts, frost_model** out, frost_status** st) {
  if (out) *out = nullptr;
  return guarded(st, FROST_BAD_MODEL, [&] {
    require(path != nullptr, "frost_model_load: path is NULL");
    require(out != nullptr, "frost_model_load: out is NULL");
    const frost_options defaults;
    const frost_options& o = opts ? *opts : defaults;
    frost::Session loaded = frost::Session::load(path);
    frost::api::check_options(loaded.graph(), o.load);
    frost::Session session = o.load.optimize ? frost::prepare_session(loaded, o.load) : std::move(loaded);
    frost::api::ModelInfo info = frost::api::model_info(session, o.load);
    *out = new frost_model{std::move(session), o.backend, o.threads, std::move(info)};
  });
}

void frost_model_free(frost_model* model) { delete model; }

size_t frost_model_num_inputs(const frost_model* m) { return m ? m->info.inputs.size() : 0; }
size_t frost_model_num_outputs(const frost_model* m) { return m ? m->info.outputs.size() : 0; }

#define FROST_INFO(list, i, field, missing) \
  (m && (i) < m->info.list.size() ? m->info.list[i].field : (missing))

const char* frost_model_input_name(const frost_model* m, size_t i) { return FROST_INFO(inputs, i, name.c_str(), nullptr); }
const char* frost_model_output_name(const frost_model* m, size_t i) {
  return FROST_INFO(outputs, i, name.c_str(), nullptr);
}
int frost_model_input_dtype(const frost_model* m, size_t i) { return FROST_INFO(inputs, i, dtype, 0); }
int frost_model_output_dtype(const frost_model* m, size_t i) { return FROST_INFO(outputs, i, dtype, 0); }
int frost_model_input_rank(const frost_model* m, size_t i) { return FROST_INFO(inputs, i, rank(), -1); }
int frost_model_output_rank(const frost_model* m, size_t i) { return FROST_INFO(outputs, i, rank(), -1); }
int64_t frost_model_input_dim(const frost_model* m, size_t i, int axis) { return FROST_INFO(inputs, i, dim(axis), -1); }
int64_t frost_model_output_dim(const frost_model* m, size_t i, int axis) {
  return FROST_INFO(outputs, i, dim(axis), -1);
}

#undef FROST_INFO

int frost_model_run(const frost_model* model, size_t n_in, const char** in_names, frost_tensor** in, size_t n_out,
                    const char** out_names, frost_tensor** out, frost_status** st) {
  return run_model(model, n_in, in_names, in, n_out, out_names, out, 0, st);
}

int frost_model_run_threads(const frost_model* model, size_t n_in, const char** in_names, frost_tensor** in,
                            size_t n_out, const char** out_names, frost_tensor** out, int threads,
                            frost_status** st) {
  return run_model(model, n_in, in_names, in, n_out, out_names, out, threads, st);
}

// ---- tensors

frost_tensor* frost_tensor_create(int dtype, int rank, const int64_t* dims) {
  try {
    frost::Shape shape;
    if (!frost::api::c_dtype_supported(static_cast<DType>(dtype)) || !shape_from(rank, dims, shape)) return nullptr;
    return new frost_tensor{Tensor(static_cast<DType>(dtype), shape)};
  } catch (...) {
    return nullptr;  // over the size limit, or out of memory
  }
}

frost_tensor* frost_tensor_view(int dtype, int rank, const int64_t* dims, void* data) {
  try {
    frost::Shape shape;
    const auto t = static_cast<DType>(dtype);
    if (!frost::api::c_dtype_supported(t) || !shape_from(rank, dims, shape)) return nullptr;
    const std::size_t size = frost::dtype_size(t);
    if (shape.num_elements() > 0 && (!data || reinterpret_cast<uintptr_t>(data) % size != 0)) return nullptr;
    if (shape.num_elements() > frost::kMaxTensorBytes / static_cast<int64_t>(size)) return nullptr;
    // Not owned: the deleter does nothing. The kernels read through unaligned
    // loads, so the caller's memory needs only the element's alignment.
    return new frost_tensor{Tensor::view(t, shape, std::shared_ptr<void>(data, [](void*) {}))};
  } catch (...) {
    return nullptr;
  }
}

void* frost_tensor_data(frost_tensor* t) { return t ? t->value.raw_data() : nullptr; }
int frost_tensor_dtype(const frost_tensor* t) { return t ? static_cast<int>(t->value.dtype()) : 0; }
int frost_tensor_rank(const frost_tensor* t) { return t ? t->value.rank() : -1; }
int64_t frost_tensor_dim(const frost_tensor* t, int axis) {
  return t && axis >= 0 && axis < t->value.rank() ? t->value.shape().dim(axis) : -1;
}
int64_t frost_tensor_num_elements(const frost_tensor* t) { return t ? t->value.num_elements() : 0; }
size_t frost_tensor_byte_size(const frost_tensor* t) { return t ? t->value.byte_size() : 0; }
void frost_tensor_free(frost_tensor* t) { delete t; }

}  // extern "C"
