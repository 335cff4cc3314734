// The C API as a C program uses it (frost/frost_c.h only, libfrost.so): the
// bundled Fashion-MNIST CNN against TensorFlow's outputs, every kind of bad
// argument as a status with a clear message (never an abort), one model run
// by eight threads at once on its first run, per-call thread counts, and the
// ownership of tensors.
#include <frost/frost_c.h>

#include <latch>
#include <memory>
#include <thread>

#include "api_test_util.h"

using namespace api_test;

namespace {

const std::string kCnn = model_path("fashion_cnn/frozen_graph.pb");

// A status that frees itself; message() for the checks.
struct Status {
  frost_status* st = nullptr;
  ~Status() { frost_status_free(st); }
  frost_status** operator&() {
    frost_status_free(st);
    st = nullptr;
    return &st;
  }
  std::string message() const { return frost_status_message(st); }
  int code() const { return frost_status_code(st); }
};

struct ModelPtr {
  frost_model* m = nullptr;
  ~ModelPtr() { frost_model_free(m); }
};
struct TensorPtr {
  frost_tensor* t = nullptr;
  ~TensorPtr() { frost_tensor_free(t); }
};

frost_model* load_cnn() {
  frost_model* m = nullptr;
  Status st;
  REQUIRE_MESSAGE(frost_model_load(kCnn.c_str(), nullptr, &m, &st) == FROST_OK, st.message());
  return m;
}

// Runs `m` on `x` (a view) and returns the first output's values.
std::vector<float> run_cnn(const frost_model* m, frost_tensor* x, int threads = 0) {
  const char* in_name = "conv2d_input";
  TensorPtr y;
  Status st;
  REQUIRE_MESSAGE(frost_model_run_threads(m, 1, &in_name, &x, 1, nullptr, &y.t, threads, &st) == FROST_OK,
                  st.message());
  const float* v = static_cast<const float*>(frost_tensor_data(y.t));
  return std::vector<float>(v, v + frost_tensor_num_elements(y.t));
}

}  // namespace

TEST_CASE("c api: version and the detected inputs and outputs with unknown dims") {
  CHECK(std::string(frost_version()).find('.') != std::string::npos);
  ModelPtr m{load_cnn()};
  REQUIRE(frost_model_num_inputs(m.m) == 1);
  REQUIRE(frost_model_num_outputs(m.m) == 1);
  CHECK(std::string(frost_model_input_name(m.m, 0)) == "conv2d_input");
  CHECK(std::string(frost_model_output_name(m.m, 0)) == "activation_3/Softmax");
  CHECK(frost_model_input_dtype(m.m, 0) == FROST_FLOAT32);
  CHECK(frost_model_output_dtype(m.m, 0) == FROST_FLOAT32);
  REQUIRE(frost_model_input_rank(m.m, 0) == 4);
  CHECK(frost_model_input_dim(m.m, 0, 0) == -1);  // the batch
  CHECK(frost_model_input_dim(m.m, 0, 1) == 28);
  CHECK(frost_model_output_rank(m.m, 0) == 2);
  CHECK(frost_model_output_dim(m.m, 0, 1) == 10);
  // Out of range: NULL / -1, not a crash.
  CHECK(frost_model_input_name(m.m, 1) == nullptr);
  CHECK(frost_model_input_dim(m.m, 0, 7) == -1);
  CHECK(frost_model_num_inputs(nullptr) == 0);
}

TEST_CASE("c api: fashion_cnn matches TensorFlow, input viewed without a copy and never written") {
  const Floats x = read_floats(model_path("fashion_cnn/inputs.npy"));
  const Floats expected = read_floats(model_path("fashion_cnn/expected.npy"));
  ModelPtr m{load_cnn()};
  std::vector<float> pixels = x.values;
  TensorPtr in{frost_tensor_view(FROST_FLOAT32, 4, x.shape.data(), pixels.data())};
  REQUIRE(in.t != nullptr);
  CHECK(frost_tensor_data(in.t) == pixels.data());
  const std::vector<float> y = run_cnn(m.m, in.t);
  REQUIRE(y.size() == expected.values.size());
  CHECK(max_abs_diff(y.data(), expected.values) < 1e-5);
  CHECK(pixels == x.values);
}

TEST_CASE("c api: bad paths and files are a status naming the file, never an abort") {
  frost_model* m = reinterpret_cast<frost_model*>(&m);  // must be reset to NULL
  Status st;
  const std::string missing = source_root() + "/models/no_such_model.pb";
  CHECK(frost_model_load(missing.c_str(), nullptr, &m, &st) == FROST_BAD_MODEL);
  CHECK(m == nullptr);
  CHECK(st.code() == FROST_BAD_MODEL);
  CHECK(st.message().find("no_such_model.pb") != std::string::npos);
  CHECK(std::string(frost_status_file(st.st)).find("no_such_model.pb") != std::string::npos);

  const std::string not_a_graph = model_path("fashion_cnn/README.md");
  CHECK(frost_model_load(not_a_graph.c_str(), nullptr, &m, &st) == FROST_BAD_MODEL);
  CHECK(st.message().find("README.md") != std::string::npos);
  CHECK(frost_model_load(nullptr, nullptr, &m, &st) == FROST_INVALID_ARGUMENT);
  CHECK(st.message().find("path is NULL") != std::string::npos);
  // No status wanted: the code alone.
  CHECK(frost_model_load(missing.c_str(), nullptr, &m, nullptr) == FROST_BAD_MODEL);
}

TEST_CASE("c api: bad options are a status that says what is wrong") {
  std::unique_ptr<frost_options, void (*)(frost_options*)> o(frost_options_create(), frost_options_free);
  Status st;
  CHECK(frost_options_set_backend(o.get(), "gpu", &st) == FROST_INVALID_ARGUMENT);
  CHECK(st.message().find("unknown backend 'gpu'") != std::string::npos);
  CHECK(frost_options_set_threads(o.get(), -2, &st) == FROST_INVALID_ARGUMENT);
  CHECK(st.message().find("threads") != std::string::npos);
  CHECK(frost_options_set_backend(nullptr, "cpu", &st) == FROST_INVALID_ARGUMENT);

  frost_model* m = nullptr;
  REQUIRE(frost_options_add_output(o.get(), "activation_3/Softmaxx", &st) == FROST_OK);
  CHECK(frost_model_load(kCnn.c_str(), o.get(), &m, &st) == FROST_INVALID_ARGUMENT);
  CHECK(m == nullptr);
  CHECK(st.message().find("activation_3/Softmaxx") != std::string::npos);

  std::unique_ptr<frost_options, void (*)(frost_options*)> bad_value(frost_options_create(), frost_options_free);
  REQUIRE(frost_options_set_value(bad_value.get(), "keras_learning_phase", "maybe", &st) == FROST_OK);
  CHECK(frost_model_load(kCnn.c_str(), bad_value.get(), &m, &st) == FROST_INVALID_ARGUMENT);
  CHECK(st.message().find("cannot set keras_learning_phase to 'maybe': not a bool value") != std::string::npos);
  CHECK(std::string(frost_status_node(st.st)) == "keras_learning_phase");
}

TEST_CASE("c api: wrong names, dtypes and shapes in a run are a status, and no output is made") {
  ModelPtr m{load_cnn()};
  const int64_t dims[4] = {1, 28, 28, 1};
  TensorPtr x{frost_tensor_create(FROST_FLOAT32, 4, dims)};
  TensorPtr as_int{frost_tensor_create(FROST_INT32, 4, dims)};
  const int64_t wrong_dims[4] = {1, 27, 28, 1};
  TensorPtr wrong_shape{frost_tensor_create(FROST_FLOAT32, 4, wrong_dims)};
  frost_tensor* y = nullptr;
  Status st;

  const char* wrong_name = "conv2d_inptu";
  CHECK(frost_model_run(m.m, 1, &wrong_name, &x.t, 1, nullptr, &y, &st) == FROST_INVALID_ARGUMENT);
  CHECK(st.message().find("conv2d_inptu") != std::string::npos);
  CHECK(st.message().find("conv2d_input") != std::string::npos);  // the close name
  CHECK(y == nullptr);

  const char* in_name = "conv2d_input";
  CHECK(frost_model_run(m.m, 1, &in_name, &as_int.t, 1, nullptr, &y, &st) == FROST_INVALID_ARGUMENT);
  CHECK(st.message().find("fed value is int32 but the placeholder takes float") != std::string::npos);
  CHECK(std::string(frost_status_node(st.st)) == "conv2d_input");
  CHECK(std::string(frost_status_op(st.st)) == "Placeholder");

  CHECK(frost_model_run(m.m, 1, &in_name, &wrong_shape.t, 1, nullptr, &y, &st) == FROST_INVALID_ARGUMENT);
  CHECK(st.message().find("[1,27,28,1]") != std::string::npos);

  const char* out_name = "no_such_output";
  CHECK(frost_model_run(m.m, 1, &in_name, &x.t, 1, &out_name, &y, &st) == FROST_INVALID_ARGUMENT);
  CHECK(st.message().find("no_such_output") != std::string::npos);
  CHECK(frost_model_run(m.m, 1, &in_name, &x.t, 2, nullptr, &y, &st) == FROST_INVALID_ARGUMENT);
  CHECK(st.message().find("n_out") != std::string::npos);
  CHECK(frost_model_run(m.m, 0, nullptr, nullptr, 1, nullptr, &y, &st) != FROST_OK);  // input not fed
  CHECK(st.message().find("conv2d_input") != std::string::npos);
  CHECK(frost_model_run(nullptr, 1, &in_name, &x.t, 1, nullptr, &y, &st) == FROST_INVALID_ARGUMENT);
  CHECK(frost_model_run_threads(m.m, 1, &in_name, &x.t, 1, nullptr, &y, -1, &st) == FROST_INVALID_ARGUMENT);
  CHECK(y == nullptr);
}

TEST_CASE("c api: tensors refuse bad dtypes, shapes and memory") {
  const int64_t dims[2] = {2, 3};
  const int64_t negative[2] = {2, -3};
  const int64_t huge[2] = {int64_t{1} << 40, int64_t{1} << 20};
  CHECK(frost_tensor_create(99, 2, dims) == nullptr);
  CHECK(frost_tensor_create(7, 2, dims) == nullptr);  // strings: not in the C API
  CHECK(frost_tensor_create(FROST_FLOAT32, 2, negative) == nullptr);
  CHECK(frost_tensor_create(FROST_FLOAT32, -1, dims) == nullptr);
  CHECK(frost_tensor_create(FROST_FLOAT32, 2, nullptr) == nullptr);
  CHECK(frost_tensor_create(FROST_FLOAT32, 2, huge) == nullptr);  // over the 8 GiB limit, not an allocation
  CHECK(frost_tensor_view(FROST_FLOAT32, 2, dims, nullptr) == nullptr);
  alignas(8) float storage[8] = {};
  CHECK(frost_tensor_view(FROST_FLOAT32, 2, dims, reinterpret_cast<char*>(storage) + 1) == nullptr);  // misaligned
  CHECK(frost_tensor_view(FROST_FLOAT32, 2, huge, storage) == nullptr);

  TensorPtr t{frost_tensor_create(FROST_INT64, 2, dims)};
  REQUIRE(t.t != nullptr);
  CHECK(frost_tensor_dtype(t.t) == FROST_INT64);
  CHECK(frost_tensor_rank(t.t) == 2);
  CHECK(frost_tensor_dim(t.t, 1) == 3);
  CHECK(frost_tensor_dim(t.t, 2) == -1);
  CHECK(frost_tensor_num_elements(t.t) == 6);
  CHECK(frost_tensor_byte_size(t.t) == 48);
  CHECK(static_cast<int64_t*>(frost_tensor_data(t.t))[5] == 0);  // zero-filled
  frost_tensor_free(nullptr);
  frost_status_free(nullptr);
  frost_model_free(nullptr);
}

TEST_CASE("c api: outputs belong to the caller, even a fetched feed") {
  const Floats x = read_floats(model_path("fashion_cnn/inputs.npy"));
  std::unique_ptr<frost_options, void (*)(frost_options*)> o(frost_options_create(), frost_options_free);
  Status st;
  REQUIRE(frost_options_add_output(o.get(), "activation_3/Softmax", &st) == FROST_OK);
  REQUIRE(frost_options_add_output(o.get(), "conv2d_input", &st) == FROST_OK);
  ModelPtr m;
  REQUIRE_MESSAGE(frost_model_load(kCnn.c_str(), o.get(), &m.m, &st) == FROST_OK, st.message());
  std::vector<float> pixels = x.values;
  TensorPtr in{frost_tensor_view(FROST_FLOAT32, 4, x.shape.data(), pixels.data())};
  const char* in_name = "conv2d_input";
  frost_tensor* out[2] = {nullptr, nullptr};
  REQUIRE_MESSAGE(frost_model_run(m.m, 1, &in_name, &in.t, 2, nullptr, out, &st) == FROST_OK, st.message());
  TensorPtr scores{out[0]}, echoed{out[1]};
  CHECK(frost_tensor_data(echoed.t) != pixels.data());  // a copy, not the caller's input
  CHECK(max_abs_diff(static_cast<const float*>(frost_tensor_data(echoed.t)), pixels) == 0);
  // Writing into an output changes nothing the model holds.
  std::vector<float> first(static_cast<const float*>(frost_tensor_data(scores.t)),
                           static_cast<const float*>(frost_tensor_data(scores.t)) + 40);
  std::fill_n(static_cast<float*>(frost_tensor_data(scores.t)), 40, -1.0f);
  std::fill_n(static_cast<float*>(frost_tensor_data(echoed.t)), 10, -1.0f);
  frost_tensor* again[2] = {nullptr, nullptr};
  REQUIRE(frost_model_run(m.m, 1, &in_name, &in.t, 2, nullptr, again, &st) == FROST_OK);
  TensorPtr s2{again[0]}, e2{again[1]};
  CHECK(max_abs_diff(static_cast<const float*>(frost_tensor_data(s2.t)), first) == 0);
  CHECK(pixels == x.values);
}

TEST_CASE("c api: one model, 8 threads on its first run, same numbers as a serial run; then freed") {
  const Floats x = read_floats(model_path("fashion_cnn/inputs.npy"));
  std::vector<float> pixels = x.values;
  TensorPtr in{frost_tensor_view(FROST_FLOAT32, 4, x.shape.data(), pixels.data())};
  std::vector<float> serial;
  {
    ModelPtr reference{load_cnn()};
    serial = run_cnn(reference.m, in.t);
  }
  for (int round = 0; round < 5; ++round) {
    frost_model* m = load_cnn();  // a fresh model: every thread takes part in the first run
    constexpr int kThreads = 8;
    std::vector<std::vector<float>> results(kThreads);
    std::vector<int> codes(kThreads, -1);
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        const char* in_name = "conv2d_input";
        frost_tensor* y = nullptr;
        start.arrive_and_wait();
        codes[static_cast<size_t>(t)] = frost_model_run(m, 1, &in_name, &in.t, 1, nullptr, &y, nullptr);
        if (y) {
          const float* v = static_cast<const float*>(frost_tensor_data(y));
          results[static_cast<size_t>(t)].assign(v, v + frost_tensor_num_elements(y));
        }
        frost_tensor_free(y);
      });
    for (std::thread& t : threads) t.join();
    frost_model_free(m);  // nothing runs any more
    for (int t = 0; t < kThreads; ++t) {
      CHECK(codes[static_cast<size_t>(t)] == FROST_OK);
      CHECK(results[static_cast<size_t>(t)] == serial);  // bit-identical
    }
  }
}

TEST_CASE("c api: per-call thread counts, from several threads at once") {
  const Floats x = read_floats(model_path("fashion_cnn/inputs.npy"));
  const Floats expected = read_floats(model_path("fashion_cnn/expected.npy"));
  std::vector<float> pixels = x.values;
  TensorPtr in{frost_tensor_view(FROST_FLOAT32, 4, x.shape.data(), pixels.data())};
  ModelPtr m{load_cnn()};
  std::vector<std::thread> threads;
  std::vector<double> errors(4, 1.0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] { errors[static_cast<size_t>(t)] = max_abs_diff(run_cnn(m.m, in.t, 1 + t % 2).data(), expected.values); });
  for (std::thread& t : threads) t.join();
  for (double e : errors) CHECK(e < 1e-5);
}
