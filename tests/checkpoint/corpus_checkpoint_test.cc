// The checkpoints of the shared corpus (real files written by TensorFlow
// 1.0 - 1.15): listing, reading with CRC checks, values byte-identical to the
// Const nodes of their frozen counterparts, and clean failures on damage.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "graph.pb.h"
#include "graph/error.h"
#include "io/checkpoint/tensor_bundle.h"
#include "test_paths.h"

using namespace frost;
using frost::testing::TempDir;

namespace fs = std::filesystem;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Const name -> the raw little-endian bytes of its value (tensor_content, or
// a single float_val for scalars as tf2onnx's graph stores them).
std::map<std::string, std::string> const_bytes(const std::string& graph_path) {
  tensorflow::GraphDef g;
  REQUIRE(g.ParseFromString(read_file(graph_path)));
  std::map<std::string, std::string> out;
  for (const auto& n : g.node()) {
    if (n.op() != "Const") continue;
    const auto it = n.attr().find("value");
    if (it == n.attr().end()) continue;
    const auto& t = it->second.tensor();
    if (!t.tensor_content().empty()) {
      out[n.name()] = t.tensor_content();
    } else if (t.float_val_size() == 1) {
      const float v = t.float_val(0);
      out[n.name()] = std::string(reinterpret_cast<const char*>(&v), sizeof v);
    }
  }
  return out;
}

std::string tensor_bytes(const Tensor& t) {
  return std::string(static_cast<const char*>(t.raw_data()), t.byte_size());
}

std::string error_text(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("corpus: chaow94_mnist_ckpt lists 7 tensors equal to chaow94_mnist.pb's constants") {
  FROST_REQUIRE_CORPUS(corpus);
  CheckpointReader r(corpus + "/chaow94_mnist_ckpt");
  std::vector<std::string> names;
  for (const auto& e : r.entries()) names.push_back(e.name);
  CHECK(names == std::vector<std::string>{"global_step", "hidden1/biases", "hidden1/weights", "hidden2/biases",
                                          "hidden2/weights", "softmax_linear/biases", "softmax_linear/weights"});
  CHECK(r.entry("hidden1/weights").shape == Shape{784, 128});
  CHECK(r.entry("hidden2/weights").shape == Shape{128, 32});
  CHECK(r.entry("softmax_linear/weights").shape == Shape{32, 10});
  CHECK(r.entry("global_step").dtype == DType::Int32);
  // Saved as model.ckpt-1999 (the loop index) after the 2000th optimiser step.
  CHECK(r.read("global_step").as_int64(0) == 2000);

  const auto consts = const_bytes(corpus + "/chaow94_mnist.pb");
  int compared = 0;
  for (const auto& e : r.entries()) {
    if (e.name == "global_step") continue;
    REQUIRE_MESSAGE(consts.count(e.name), e.name);
    const Tensor t = r.read(e.name);
    CHECK(t.dtype() == DType::Float);
    CHECK_MESSAGE(tensor_bytes(t) == consts.at(e.name), e.name << " differs from the frozen Const");
    ++compared;
  }
  CHECK(compared == 6);
}

TEST_CASE("corpus: the state file forms resolve to the same checkpoint") {
  FROST_REQUIRE_CORPUS(corpus);
  // chaow94_mnist_ckpt.checkpoint names "model.ckpt-1999" (not here): the
  // NAME.checkpoint convention finds chaow94_mnist_ckpt.
  CHECK(resolve_checkpoint_prefix(corpus + "/chaow94_mnist_ckpt.checkpoint") == corpus + "/chaow94_mnist_ckpt");
  CHECK(resolve_checkpoint_prefix(corpus + "/chaow94_mnist_ckpt.index") == corpus + "/chaow94_mnist_ckpt");
  // volvo's names an absolute path with spaces from another machine.
  CHECK(resolve_checkpoint_prefix(corpus + "/volvo_nlu_tflearn_ckpt.checkpoint") == corpus + "/volvo_nlu_tflearn_ckpt");

  // A directory laid out as TensorFlow leaves it: checkpoint + model.ckpt-1999.*
  TempDir dir;
  fs::copy_file(corpus + "/chaow94_mnist_ckpt.checkpoint", dir / "checkpoint");
  fs::copy_file(corpus + "/chaow94_mnist_ckpt.index", dir / "model.ckpt-1999.index");
  fs::copy_file(corpus + "/chaow94_mnist_ckpt.data-00000-of-00001", dir / "model.ckpt-1999.data-00000-of-00001");
  CheckpointReader r(dir.str());
  CHECK(r.prefix() == dir / "model.ckpt-1999");
  CHECK(r.read("hidden2/biases").shape() == Shape{32});
}

TEST_CASE("corpus: tf2onnx_regression checkpoint and SavedModel variables equal the frozen W and b") {
  FROST_REQUIRE_CORPUS(corpus);
  const auto consts = const_bytes(corpus + "/tf2onnx_regression.pb");
  REQUIRE(consts.count("W"));
  REQUIRE(consts.count("b"));
  for (const char* prefix : {"tf2onnx_regression_ckpt", "tf2onnx_regression_savedmodel.variables"}) {
    CAPTURE(prefix);
    CheckpointReader r(corpus + "/" + prefix);
    REQUIRE(r.entries().size() == 2);
    CHECK(r.entries()[0].name == "W");
    CHECK(r.entries()[1].name == "b");
    for (const char* name : {"W", "b"}) {
      const Tensor t = r.read(name);
      CHECK(t.shape() == Shape{});
      CHECK_MESSAGE(tensor_bytes(t) == consts.at(name), name);
    }
  }
}

TEST_CASE("corpus: finger_direction, neural_encryption and volvo_nlu read every tensor with valid CRCs") {
  FROST_REQUIRE_CORPUS(corpus);
  const std::map<std::string, std::size_t> expected_counts{
      {"finger_direction_input_graph_ckpt", 2}, {"neural_encryption_ckpt", 4}, {"volvo_nlu_tflearn_ckpt", 27}};
  for (const auto& entry : expected_counts) {
    const std::string& prefix = entry.first;  // not a structured binding: clang 14's CAPTURE cannot take one
    const std::size_t count = entry.second;
    CAPTURE(prefix);
    CheckpointReader r(corpus + "/" + prefix);
    CHECK(r.entries().size() == count);
    uint64_t bytes = 0;
    for (const auto& e : r.entries()) {
      const Tensor t = r.read(e.name);
      CHECK(t.dtype() == e.dtype);
      CHECK(t.shape() == e.shape);
      bytes += t.byte_size();
    }
    CHECK(bytes == fs::file_size(corpus + "/" + prefix + ".data-00000-of-00001"));
  }
  // Spot values: neural_encryption is an 8-8-8 MLP, volvo has a bool is_training.
  CheckpointReader ne(corpus + "/neural_encryption_ckpt");
  CHECK(ne.entry("Theta_1").shape == Shape{8, 8});
  CheckpointReader volvo(corpus + "/volvo_nlu_tflearn_ckpt");
  bool found_bool = false;
  for (const auto& e : volvo.entries())
    if (e.dtype == DType::Bool) found_bool = true;
  CHECK(found_bool);
}

TEST_CASE("corpus: signlang lists 130 entries; reading fails naming the missing data shard") {
  FROST_REQUIRE_CORPUS(corpus);
  CheckpointReader r(corpus + "/signlang_tf_complete_model");
  CHECK(r.entries().size() == 130);
  uint64_t declared = 0;
  for (const auto& e : r.entries()) declared += static_cast<uint64_t>(e.shape.num_elements()) * dtype_size(e.dtype);
  CHECK(declared == 39258120);  // the size the manifest gives for the missing file
  const std::string name = r.entries().front().name;
  const std::string msg = error_text([&] { r.read(name); });
  CHECK(msg.find("signlang_tf_complete_model.data-00000-of-00001") != std::string::npos);
  CHECK(msg.find("not found") != std::string::npos);
  CHECK(msg.find("tensor '" + name + "'") != std::string::npos);
  MESSAGE("missing-shard error: " << msg);
}

TEST_CASE("corpus: a flipped byte in a data file is a CRC error naming the tensor") {
  FROST_REQUIRE_CORPUS(corpus);
  TempDir dir;
  fs::copy_file(corpus + "/chaow94_mnist_ckpt.index", dir / "m.index");
  std::string data = read_file(corpus + "/chaow94_mnist_ckpt.data-00000-of-00001");
  CheckpointReader clean(corpus + "/chaow94_mnist_ckpt");
  // Flip one byte in the middle of hidden1/weights' 401408 bytes (offset 0 would
  // work as well: the reader does not care where it is).
  data[data.size() / 2] = static_cast<char>(data[data.size() / 2] ^ 0x01);
  std::ofstream(dir / "m.data-00000-of-00001", std::ios::binary).write(data.data(), static_cast<std::streamsize>(data.size()));
  CheckpointReader r(dir / "m");
  std::string corrupted;
  int ok = 0;
  for (const auto& e : r.entries()) {
    try {
      const Tensor t = r.read(e.name);
      CHECK(tensor_bytes(t) == tensor_bytes(clean.read(e.name)));
      ++ok;
    } catch (const Error& err) {
      corrupted = err.what();
      CHECK(corrupted.find("tensor '" + e.name + "'") != std::string::npos);
      CHECK(corrupted.find("checksum mismatch") != std::string::npos);
      MESSAGE("corrupted copy: " << corrupted);
    }
  }
  CHECK(ok == 6);
  CHECK_FALSE(corrupted.empty());
}

TEST_CASE("corpus: truncated or damaged .index copies fail cleanly") {
  FROST_REQUIRE_CORPUS(corpus);
  TempDir dir;
  const std::string index = read_file(corpus + "/chaow94_mnist_ckpt.index");
  fs::copy_file(corpus + "/chaow94_mnist_ckpt.data-00000-of-00001", dir / "t.data-00000-of-00001");
  auto write_index = [&](const std::string& bytes) {
    std::ofstream(dir / "t.index", std::ios::binary | std::ios::trunc)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  };
  for (std::size_t len = 0; len < index.size(); ++len) {
    write_index(index.substr(0, len));
    const std::string msg = error_text([&] { CheckpointReader r(dir / "t"); });
    CHECK_MESSAGE(msg.find("t.index") != std::string::npos, "truncated to " << len << ": " << msg);
  }
  // Every single-byte change either fails with an Error or (footer padding)
  // still reads the same tensors; reading never crashes.
  int failures = 0;
  for (std::size_t i = 0; i < index.size(); ++i) {
    std::string bad = index;
    bad[i] = static_cast<char>(bad[i] ^ 0x40);
    write_index(bad);
    try {
      CheckpointReader r(dir / "t");
      for (const auto& e : r.entries()) r.read(e.name);
    } catch (const Error&) {
      ++failures;
    }
  }
  MESSAGE(failures << " of " << index.size() << " single-byte changes of the .index were rejected");
  CHECK(failures >= static_cast<int>(index.size()) - 40);
}
