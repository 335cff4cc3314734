/* Frost's C API: load a frozen TensorFlow graph (.pb/.pbtxt), optimise it for
 * inference and run it, from C or any language with a C FFI.
 *
 *   frost_model* m = NULL;  frost_status* st = NULL;
 *   if (frost_model_load("frozen_graph.pb", NULL, &m, &st) != 0) {
 *     fprintf(stderr, "%s\n", frost_status_message(st));  frost_status_free(st);  return 2;
 *   }
 *   int64_t dims[4] = {1, 28, 28, 1};
 *   frost_tensor* x = frost_tensor_view(FROST_FLOAT32, 4, dims, pixels);  // no copy
 *   frost_tensor* y = NULL;
 *   const char* in = frost_model_input_name(m, 0);
 *   const char* out = frost_model_output_name(m, 0);
 *   if (frost_model_run(m, 1, &in, &x, 1, &out, &y, &st) == 0) { ... frost_tensor_data(y) ... }
 *   frost_tensor_free(y);  frost_tensor_free(x);  frost_model_free(m);
 *
 * Conventions
 *  - Objects are opaque and owned by the caller once a function hands them
 *    out; each has its _free function (NULL is accepted and ignored).
 *  - A function that can fail returns 0 on success and a nonzero
 *    frost_status_code on failure; when `st` is not NULL, *st then receives a
 *    status the caller frees (on success *st is set to NULL). Nothing aborts
 *    the caller's process: bad files, names, dtypes or shapes, and running out
 *    of memory, are reported as a status.
 *  - Tensor names follow TensorFlow: "node" or "node:1". Any tensor can be
 *    fed or fetched; by default a model keeps the inputs and outputs Frost
 *    detects (frost_options_add_input/_output keep others).
 *  - Thread safety: one frost_model may be run from many threads at once.
 *    Tensors and options are not synchronised: share them read-only.
 *  - Dtype constants have TensorFlow's DataType numbers.
 */
#ifndef FROST_FROST_C_H_
#define FROST_FROST_C_H_

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#define FROST_C_API
#else
#define FROST_C_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Element types (TensorFlow's DataType numbers). */
typedef enum frost_dtype {
  FROST_FLOAT32 = 1,
  FROST_FLOAT64 = 2,
  FROST_INT32 = 3,
  FROST_UINT8 = 4,
  FROST_INT16 = 5,
  FROST_INT8 = 6,
  FROST_INT64 = 9,
  FROST_BOOL = 10, /* one byte per element, 0 or 1 */
  FROST_UINT16 = 17
} frost_dtype;

/* What went wrong, for programs that branch on it (the message says more). */
typedef enum frost_code {
  FROST_OK = 0,
  FROST_INVALID_ARGUMENT = 1, /* NULL where an object is needed, bad option, unknown tensor name, wrong dtype/shape */
  FROST_BAD_MODEL = 2,        /* the file cannot be read or is not a graph Frost can run */
  FROST_RUN_FAILED = 3,       /* a node failed while running (names the node and op) */
  FROST_OUT_OF_MEMORY = 4,
  FROST_INTERNAL = 5
} frost_code;

typedef struct frost_status frost_status;
typedef struct frost_options frost_options;
typedef struct frost_model frost_model;
typedef struct frost_tensor frost_tensor;

/* "0.1.0": the library's version (not the header's). */
FROST_C_API const char* frost_version(void);

/* ---- status ---------------------------------------------------------- */

/* One line naming what failed and where (file, node, op). */
FROST_C_API const char* frost_status_message(const frost_status* st);
FROST_C_API int frost_status_code(const frost_status* st);
/* The pieces of the message; "" when not known. */
FROST_C_API const char* frost_status_file(const frost_status* st);
FROST_C_API const char* frost_status_node(const frost_status* st);
FROST_C_API const char* frost_status_op(const frost_status* st);
FROST_C_API void frost_status_free(frost_status* st);

/* ---- options for frost_model_load -------------------------------------- */

/* Defaults: backend "cpu", threads 0 (OpenMP's default: OMP_NUM_THREADS, else
 * one per core), the detected inputs and outputs, optimisation on. */
FROST_C_API frost_options* frost_options_create(void);
FROST_C_API void frost_options_free(frost_options* opts);
/* "cpu" (Frost's SIMD kernels) or "reference" (the slow, exact oracle). */
FROST_C_API int frost_options_set_backend(frost_options* opts, const char* backend, frost_status** st);
/* Threads each run may use (0: OpenMP's default); a run can override it. */
FROST_C_API int frost_options_set_threads(frost_options* opts, int threads, frost_status** st);
/* Tensors to keep feedable / computable through optimisation (repeatable).
 * Naming any replaces the detected ones. */
FROST_C_API int frost_options_add_input(frost_options* opts, const char* tensor, frost_status** st);
FROST_C_API int frost_options_add_output(frost_options* opts, const char* tensor, frost_status** st);
/* A placeholder fixed for inference, its value as text in the placeholder's
 * dtype: ("keras_learning_phase", "false"), ("keep_prob", "1.0"). */
FROST_C_API int frost_options_set_value(frost_options* opts, const char* placeholder, const char* value,
                                        frost_status** st);
/* 0: run the graph as written (no folding or fusion). */
FROST_C_API int frost_options_set_optimize(frost_options* opts, int optimize, frost_status** st);

/* ---- models ------------------------------------------------------------ */

/* Loads, validates and (unless told not to) optimises the graph at `path`.
 * `opts` may be NULL (defaults); it is not kept. */
FROST_C_API int frost_model_load(const char* path, const frost_options* opts, frost_model** out, frost_status** st);
/* Frees the model. It must not be running in another thread. */
FROST_C_API void frost_model_free(frost_model* model);

/* The inputs a run needs and the outputs (as detected, or as named in the
 * options; an input with a default, PlaceholderWithDefault, is not listed but
 * can be fed by name). Names and
 * shapes stay valid until the model is freed. Out-of-range indices give NULL
 * or -1 / 0. */
FROST_C_API size_t frost_model_num_inputs(const frost_model* model);
FROST_C_API size_t frost_model_num_outputs(const frost_model* model);
FROST_C_API const char* frost_model_input_name(const frost_model* model, size_t i);
FROST_C_API const char* frost_model_output_name(const frost_model* model, size_t i);
/* 0 when unknown (outputs whose dtype shape inference cannot tell). */
FROST_C_API int frost_model_input_dtype(const frost_model* model, size_t i);
FROST_C_API int frost_model_output_dtype(const frost_model* model, size_t i);
/* -1 when the rank is unknown; dims are -1 where unknown (e.g. the batch). */
FROST_C_API int frost_model_input_rank(const frost_model* model, size_t i);
FROST_C_API int frost_model_output_rank(const frost_model* model, size_t i);
FROST_C_API int64_t frost_model_input_dim(const frost_model* model, size_t i, int axis);
FROST_C_API int64_t frost_model_output_dim(const frost_model* model, size_t i, int axis);

/* Runs the model: feeds in[k] as in_names[k], and on success stores in out[k]
 * a new tensor the caller owns (frost_tensor_free) for out_names[k].
 * out_names may be NULL when n_out is the model's number of outputs: the
 * model's outputs in order. On failure no out[k] is set. Thread-safe. */
FROST_C_API int frost_model_run(const frost_model* model, size_t n_in, const char** in_names, frost_tensor** in,
                                size_t n_out, const char** out_names, frost_tensor** out, frost_status** st);
/* frost_model_run with this call's own thread count (0: the model's). */
FROST_C_API int frost_model_run_threads(const frost_model* model, size_t n_in, const char** in_names,
                                        frost_tensor** in, size_t n_out, const char** out_names, frost_tensor** out,
                                        int threads, frost_status** st);

/* ---- tensors ----------------------------------------------------------- */

/* A zero-filled tensor that owns its storage (64-byte aligned). NULL for an
 * unknown dtype, a negative rank or dim, or a size over 8 GiB. */
FROST_C_API frost_tensor* frost_tensor_create(int dtype, int rank, const int64_t* dims);
/* A tensor over the caller's memory (no copy): `data` holds the elements in
 * row-major order, aligned for the dtype, and must stay valid and unchanged
 * while a run reads it. Frost never writes into it. NULL on bad arguments. */
FROST_C_API frost_tensor* frost_tensor_view(int dtype, int rank, const int64_t* dims, void* data);
FROST_C_API void* frost_tensor_data(frost_tensor* t);
FROST_C_API int frost_tensor_dtype(const frost_tensor* t);
FROST_C_API int frost_tensor_rank(const frost_tensor* t);
/* -1 for an axis out of range. */
FROST_C_API int64_t frost_tensor_dim(const frost_tensor* t, int axis);
FROST_C_API int64_t frost_tensor_num_elements(const frost_tensor* t);
FROST_C_API size_t frost_tensor_byte_size(const frost_tensor* t);
FROST_C_API void frost_tensor_free(frost_tensor* t);

#ifdef __cplusplus
}
#endif

#endif /* FROST_FROST_C_H_ */
