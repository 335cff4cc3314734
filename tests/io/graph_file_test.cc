// GraphDef / MetaGraphDef / SavedModel files: binary and text round trips,
// format recognised from content, unknown fields kept, and bad files refused
// with an error that names the file.
#include <doctest/doctest.h>

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>

#include <filesystem>
#include <random>

#include "io/graph_file.h"
#include "io/graphdef_convert.h"
#include "io_test_util.h"

using namespace frost;
using frost::testing::has;
using frost::testing::TempDir;
using google::protobuf::util::MessageDifferencer;

namespace {

tensorflow::GraphDef small_graph() {
  tensorflow::GraphDef g;
  g.mutable_versions()->set_producer(27);
  auto* x = g.add_node();
  x->set_name("x");
  x->set_op("Placeholder");
  (*x->mutable_attr())["dtype"].set_type(tensorflow::DT_FLOAT);
  auto* shape = (*x->mutable_attr())["shape"].mutable_shape();
  shape->add_dim()->set_size(-1);
  shape->add_dim()->set_size(3);
  auto* w = g.add_node();
  w->set_name("w");
  w->set_op("Const");
  (*w->mutable_attr())["dtype"].set_type(tensorflow::DT_FLOAT);
  auto* t = (*w->mutable_attr())["value"].mutable_tensor();
  t->set_dtype(tensorflow::DT_FLOAT);
  t->mutable_tensor_shape()->add_dim()->set_size(3);
  for (float v : {0.5f, -1.0f, 2.0f}) t->add_float_val(v);
  auto* mul = g.add_node();
  mul->set_name("y");
  mul->set_op("Mul");
  mul->add_input("x");
  mul->add_input("w:0");
  mul->add_input("^x");
  mul->set_device("/cpu:0");
  (*mul->mutable_attr())["T"].set_type(tensorflow::DT_FLOAT);
  return g;
}

// Serialized NodeDef field 99 (varint 42): a field this schema does not know.
const std::string kUnknownField = std::string("\x98\x06\x2a", 3);

// Wraps NodeDef bytes as GraphDef field 1 (length < 128 assumed).
std::string as_graph_node(const std::string& node_bytes) {
  REQUIRE(node_bytes.size() < 128);
  return std::string(1, '\x0a') + static_cast<char>(node_bytes.size()) + node_bytes;
}

}  // namespace

TEST_CASE("graph_file: binary .pb round trip") {
  TempDir tmp;
  const auto g = small_graph();
  write_graph_def(g, tmp.file("g.pb"));
  const auto bytes = read_file_bytes(tmp.file("g.pb"));
  CHECK(bytes[0] == '\x0a');  // binary: starts with field 1 (node), length-delimited
  CHECK(MessageDifferencer::Equals(g, read_graph_def(tmp.file("g.pb"))));
}

TEST_CASE("graph_file: text .pbtxt round trip, chosen by extension and recognised by content") {
  TempDir tmp;
  const auto g = small_graph();
  write_graph_def(g, tmp.file("g.pbtxt"));
  const auto text = read_file_bytes(tmp.file("g.pbtxt"));
  CHECK(text.rfind("node {", 0) == 0);
  CHECK(text.find("name: \"x\"") != std::string::npos);
  CHECK(MessageDifferencer::Equals(g, read_graph_def(tmp.file("g.pbtxt"))));
  // Content decides, not the extension.
  write_file_bytes(tmp.file("text_named.pb"), text);
  CHECK(MessageDifferencer::Equals(g, read_graph_def(tmp.file("text_named.pb"))));
  write_graph_def(g, tmp.file("binary.pb"));
  write_file_bytes(tmp.file("binary_named.pbtxt"), read_file_bytes(tmp.file("binary.pb")));
  CHECK(MessageDifferencer::Equals(g, read_graph_def(tmp.file("binary_named.pbtxt"))));
}

TEST_CASE("graph_file: text format with comments and a hand-written node") {
  TempDir tmp;
  write_file_bytes(tmp.file("hand.pbtxt"),
                   "# a comment\n"
                   "node { name: \"c\" op: \"Const\"\n"
                   "  attr { key: \"value\" value { tensor { dtype: DT_INT32 tensor_shape { dim { size: 2 } }\n"
                   "    int_val: 7 } } } }\n"
                   "versions { producer: 12 }\n");
  const Graph g = load_graph(tmp.file("hand.pbtxt"));
  REQUIRE(g.size() == 1);
  CHECK(g.versions.producer == 12);
  const Tensor& t = g.at("c").attr_tensor("value");
  CHECK(t.to_int64_vector() == std::vector<int64_t>{7, 7});
}

TEST_CASE("graph_file: deterministic binary output") {
  TempDir tmp;
  const auto g = small_graph();
  write_graph_def(g, tmp.file("a.pb"));
  write_graph_def(read_graph_def(tmp.file("a.pb")), tmp.file("b.pb"));
  CHECK(read_file_bytes(tmp.file("a.pb")) == read_file_bytes(tmp.file("b.pb")));
}

TEST_CASE("graph_file: an unknown NodeDef field survives read-write and import-export") {
  TempDir tmp;
  tensorflow::NodeDef node;
  node.set_name("n");
  node.set_op("SomeFutureOp");
  const std::string node_bytes = node.SerializeAsString() + kUnknownField;
  write_file_bytes(tmp.file("unknown.pb"), as_graph_node(node_bytes));

  const auto g = read_graph_def(tmp.file("unknown.pb"));
  REQUIRE(g.node_size() == 1);
  const auto& unknown = g.node(0).GetReflection()->GetUnknownFields(g.node(0));
  REQUIRE(unknown.field_count() == 1);
  CHECK(unknown.field(0).number() == 99);
  CHECK(unknown.field(0).varint() == 42);

  // Straight read-write.
  write_graph_def(g, tmp.file("rw.pb"));
  CHECK(read_file_bytes(tmp.file("rw.pb")).find(kUnknownField) != std::string::npos);

  // Through the IR: the field rides in Node::preserved.
  const Graph graph = load_graph(tmp.file("unknown.pb"));
  CHECK(graph.at("n").preserved == kUnknownField);
  save_graph(graph, tmp.file("ir.pb"));
  CHECK(read_file_bytes(tmp.file("ir.pb")) == as_graph_node(node_bytes));
  CHECK(MessageDifferencer::Equals(g, read_graph_def(tmp.file("ir.pb"))));
}

TEST_CASE("graph_file: an unknown top-level GraphDef field survives too") {
  TempDir tmp;
  tensorflow::GraphDef g = small_graph();
  // GraphDef field 100, length-delimited "hi".
  const std::string extra = std::string("\xa2\x06\x02hi", 5);
  write_file_bytes(tmp.file("g.pb"), g.SerializeAsString() + extra);
  const Graph graph = load_graph(tmp.file("g.pb"));
  CHECK(graph.size() == 3);
  save_graph(graph, tmp.file("out.pb"));
  CHECK(read_file_bytes(tmp.file("out.pb")).find(extra) != std::string::npos);
}

TEST_CASE("graph_file: missing, empty, directory, truncated and garbage files name the file") {
  TempDir tmp;
  const std::string missing = tmp.file("missing.pb");
  CHECK_THROWS_WITH_AS(read_graph_def(missing), has(missing + ": no such file"), Error);
  CHECK_THROWS_WITH_AS(load_graph(missing), has(missing), Error);

  write_file_bytes(tmp.file("empty.pb"), "");
  CHECK_THROWS_WITH_AS(read_graph_def(tmp.file("empty.pb")), has(tmp.file("empty.pb") + ": empty file"),
                       Error);

  CHECK_THROWS_WITH_AS(read_graph_def(tmp.file("")), has("is a directory"), Error);

  // A graph with a 4 KiB constant, cut in the middle of it.
  tensorflow::GraphDef g = small_graph();
  auto* c = g.add_node();
  c->set_name("big");
  c->set_op("Const");
  auto* t = (*c->mutable_attr())["value"].mutable_tensor();
  t->set_dtype(tensorflow::DT_FLOAT);
  t->mutable_tensor_shape()->add_dim()->set_size(1024);
  t->set_tensor_content(std::string(4096, '\x01'));
  const std::string full = g.SerializeAsString();
  const std::string cut = tmp.file("truncated.pb");
  for (size_t keep : {full.size() / 2, full.size() - 1, size_t{1}, size_t{3}}) {
    CAPTURE(keep);
    write_file_bytes(cut, full.substr(0, keep));
    CHECK_THROWS_WITH_AS(read_graph_def(cut),
                         has(cut + ": not a valid GraphDef (truncated or not a protobuf)"), Error);
    CHECK_THROWS_WITH_AS(load_graph(cut), has(cut), Error);
  }

  std::mt19937 rng(1234);  // fixed seed: the same garbage every run
  const std::string garbage = tmp.file("garbage.pb");
  for (int trial = 0; trial < 50; ++trial) {
    std::string bytes(static_cast<size_t>(16 + trial * 40), '\0');
    for (auto& b : bytes) b = static_cast<char>(rng() & 0xff);
    write_file_bytes(garbage, bytes);
    CAPTURE(trial);
    CHECK_THROWS_WITH_AS(read_graph_def(garbage), has(garbage), Error);
  }
}

TEST_CASE("graph_file: a text file with a syntax error reports the line") {
  TempDir tmp;
  write_file_bytes(tmp.file("bad.pbtxt"), "node {\n  name: \"a\"\n  op: Const\"\n}\n");
  CHECK_THROWS_WITH_AS(read_graph_def(tmp.file("bad.pbtxt")),
                       has(tmp.file("bad.pbtxt") + ": not a valid GraphDef in text format: line 3"),
                       Error);
  write_file_bytes(tmp.file("field.pbtxt"), "nodes { name: \"a\" }\n");
  CHECK_THROWS_WITH_AS(read_graph_def(tmp.file("field.pbtxt")), has("nodes"), Error);
}

TEST_CASE("graph_file: a SavedModel is not taken for a GraphDef, nor the reverse") {
  TempDir tmp;
  tensorflow::SavedModel model;
  model.set_saved_model_schema_version(1);
  auto* mg = model.add_meta_graphs();
  mg->mutable_meta_info_def()->add_tags("serve");
  *mg->mutable_graph_def() = small_graph();
  write_file_bytes(tmp.file("model.pb"), model.SerializeAsString());
  CHECK_THROWS_AS(read_graph_def(tmp.file("model.pb")), Error);
  write_graph_def(small_graph(), tmp.file("graph.pb"));
  CHECK_THROWS_AS(read_saved_model(tmp.file("graph.pb")), Error);
}

TEST_CASE("graph_file: MetaGraphDef binary and text, SavedModel by directory or file") {
  TempDir tmp;
  tensorflow::MetaGraphDef meta;
  meta.mutable_meta_info_def()->set_tensorflow_version("1.15.0");
  *meta.mutable_graph_def() = small_graph();
  meta.mutable_saver_def()->set_filename_tensor_name("save/Const:0");
  write_file_bytes(tmp.file("m.meta"), meta.SerializeAsString());
  CHECK(MessageDifferencer::Equals(meta, read_meta_graph_def(tmp.file("m.meta"))));
  std::string text;
  REQUIRE(google::protobuf::TextFormat::PrintToString(meta, &text));
  write_file_bytes(tmp.file("t.meta"), text);
  CHECK(MessageDifferencer::Equals(meta, read_meta_graph_def(tmp.file("t.meta"))));
  CHECK(load_graph(tmp.file("m.meta")).size() == 3);

  tensorflow::SavedModel model;
  model.set_saved_model_schema_version(1);
  auto* train = model.add_meta_graphs();
  train->mutable_meta_info_def()->add_tags("train");
  auto* serve = model.add_meta_graphs();
  serve->mutable_meta_info_def()->add_tags("serve");
  *serve->mutable_graph_def() = small_graph();
  const std::string dir = tmp.file("model");
  std::filesystem::create_directories(dir);
  write_file_bytes(dir + "/saved_model.pb", model.SerializeAsString());
  CHECK(MessageDifferencer::Equals(model, read_saved_model(dir)));
  CHECK(MessageDifferencer::Equals(model, read_saved_model(dir + "/saved_model.pb")));
  CHECK(load_graph(dir).size() == 3);  // the "serve" meta graph
  CHECK(load_graph(dir + "/saved_model.pb").size() == 3);

  const std::string text_dir = tmp.file("text_model");
  std::filesystem::create_directories(text_dir);
  REQUIRE(google::protobuf::TextFormat::PrintToString(model, &text));
  write_file_bytes(text_dir + "/saved_model.pbtxt", text);
  CHECK(MessageDifferencer::Equals(model, read_saved_model(text_dir)));

  const std::string empty_dir = tmp.file("nothing");
  std::filesystem::create_directories(empty_dir);
  CHECK_THROWS_WITH_AS(read_saved_model(empty_dir), has(empty_dir), Error);
}
