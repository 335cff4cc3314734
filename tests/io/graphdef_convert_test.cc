// GraphDef <-> IR: each attr kind maps to its typed value and back unchanged;
// what Frost does not model (functions, placeholders, debug info, full types,
// libraries, unknown fields) is kept as bytes and restored on export; corrupt
// tensors and duplicate names fail with the file, node, op and attr named.
#include <doctest/doctest.h>

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>

#include "io/graphdef_convert.h"
#include "io/tensor_proto.h"
#include "io_test_util.h"

using namespace frost;
using frost::testing::has;
using google::protobuf::util::MessageDifferencer;

namespace {

tensorflow::AttrValue attr_text(const std::string& text) {
  tensorflow::AttrValue a;
  REQUIRE_MESSAGE(google::protobuf::TextFormat::ParseFromString(text, &a), text);
  return a;
}

tensorflow::GraphDef graph_text(const std::string& text) {
  tensorflow::GraphDef g;
  REQUIRE_MESSAGE(google::protobuf::TextFormat::ParseFromString(text, &g), text);
  return g;
}

// Imports one attr and exports it again; the result must equal the input.
AttrValue round_trip(const std::string& text) {
  const auto proto = attr_text(text);
  const AttrValue value = attr_from_proto(proto);
  CHECK_MESSAGE(MessageDifferencer::Equals(proto, attr_to_proto(value)), text);
  return value;
}

}  // namespace

TEST_CASE("graphdef_convert: scalar attrs") {
  CHECK(round_trip("s: 'VALID'").s() == "VALID");
  CHECK(round_trip("s: ''").s().empty());
  CHECK(round_trip("i: -3").i() == -3);
  CHECK(round_trip("i: 9000000000").i() == 9000000000);
  CHECK(round_trip("f: 0.001").f() == 0.001f);
  CHECK(round_trip("b: true").b() == true);
  CHECK(round_trip("b: false").b() == false);
  CHECK(round_trip("type: DT_QUINT8").type() == DType::QUInt8);
  // Reference types keep their raw value (DT_FLOAT_REF = 101).
  CHECK(static_cast<int>(round_trip("type: DT_FLOAT_REF").type()) == 101);
}

TEST_CASE("graphdef_convert: shape attrs") {
  CHECK(round_trip("shape { dim { size: -1 } dim { size: 28 } }").shape() == PartialShape{-1, 28});
  CHECK(round_trip("shape { }").shape() == PartialShape(std::vector<int64_t>{}));  // a scalar
  CHECK(!round_trip("shape { unknown_rank: true }").shape().known_rank());
  // Named dims are kept verbatim rather than losing the names.
  CHECK(round_trip("shape { dim { size: 3 name: 'batch' } }").is<OpaqueAttr>());
  CHECK_THROWS_AS(attr_from_proto(attr_text("shape { dim { size: -7 } }")), Error);
}

TEST_CASE("graphdef_convert: tensor attrs are decoded") {
  const AttrValue v = round_trip(
      "tensor { dtype: DT_FLOAT tensor_shape { dim { size: 2 } } "
      "tensor_content: '\\000\\000\\200\\077\\000\\000\\000\\300' }");
  CHECK(v.tensor().dtype() == DType::Float);
  CHECK(v.tensor().data<float>()[0] == 1.0f);
  CHECK(v.tensor().data<float>()[1] == -2.0f);
  // *_val tensors decode too (export then writes tensor_content).
  const AttrValue splat = attr_from_proto(attr_text("tensor { dtype: DT_INT32 tensor_shape { dim { size: 3 } } int_val: 4 }"));
  CHECK(splat.tensor().to_int64_vector() == std::vector<int64_t>{4, 4, 4});
  // A dtype Frost cannot hold stays as the AttrValue bytes.
  CHECK(round_trip("tensor { dtype: DT_COMPLEX64 tensor_shape { dim { size: 1 } } scomplex_val: 1 scomplex_val: 2 }")
            .is<OpaqueAttr>());
  CHECK(round_trip("tensor { dtype: DT_RESOURCE tensor_shape { } }").is<OpaqueAttr>());
  CHECK(round_trip("tensor { dtype: DT_VARIANT tensor_shape { } }").is<OpaqueAttr>());
}

TEST_CASE("graphdef_convert: list attrs") {
  CHECK(round_trip("list { i: 1 i: 2 i: 2 i: 1 }").list_i() == std::vector<int64_t>{1, 2, 2, 1});
  CHECK(round_trip("list { s: 'a' s: 'b' }").list_s() == std::vector<std::string>{"a", "b"});
  CHECK(round_trip("list { f: 0.5 f: 2 }").list_f() == std::vector<float>{0.5f, 2.0f});
  CHECK(round_trip("list { type: DT_FLOAT type: DT_INT32 }").list_type() ==
        std::vector<DType>{DType::Float, DType::Int32});
  CHECK(std::get<std::vector<bool>>(round_trip("list { b: true b: false }").value()) == std::vector<bool>{true, false});
  const auto shapes = round_trip("list { shape { dim { size: 2 } } shape { unknown_rank: true } }").list_shape();
  REQUIRE(shapes.size() == 2);
  CHECK(shapes[0] == PartialShape{2});
  CHECK(!shapes[1].known_rank());
  const auto tensors = std::get<std::vector<Tensor>>(
      round_trip("list { tensor { dtype: DT_INT64 tensor_shape { dim { size: 1 } } "
                 "tensor_content: '\\005\\000\\000\\000\\000\\000\\000\\000' } }")
          .value());
  REQUIRE(tensors.size() == 1);
  CHECK(tensors[0].data<int64_t>()[0] == 5);
  // An empty list has no kind: it reads as any list.
  const AttrValue empty = round_trip("list { }");
  CHECK(empty.is<EmptyList>());
  CHECK(empty.list_i().empty());
  CHECK(empty.list_type().empty());
}

TEST_CASE("graphdef_convert: function, placeholder and odd attrs stay as bytes") {
  CHECK(round_trip("func { name: 'while_body_12' attr { key: 'T' value { type: DT_FLOAT } } }").is<OpaqueAttr>());
  CHECK(round_trip("placeholder: 'T'").is<OpaqueAttr>());
  CHECK(round_trip("list { func { name: 'f' } func { name: 'g' } }").is<OpaqueAttr>());
  CHECK(round_trip("list { i: 1 s: 'mixed' }").is<OpaqueAttr>());
  CHECK(round_trip("").is<OpaqueAttr>());  // no value at all
  const AttrValue opaque = round_trip("func { name: 'f' }");
  CHECK(opaque.kind_name() != "");
  CHECK_THROWS_AS(opaque.i(), Error);
}

TEST_CASE("graphdef_convert: nodes keep name, op, inputs, device and attrs in order; any op is accepted") {
  const auto gd = graph_text(R"(
    node { name: 'x' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } } }
    node { name: 'y' op: 'MadeUpOp' input: 'x' input: 'x:1' input: '^z' device: '/device:CPU:0'
           attr { key: 'b' value { i: 2 } } attr { key: 'a' value { s: 'q' } } }
    node { name: 'z' op: 'NoOp' }
    versions { producer: 1087 min_consumer: 12 bad_consumers: 3 })");
  const Graph g = graph_from_graph_def(gd, "model.pb");
  REQUIRE(g.size() == 3);
  const auto nodes = g.nodes();
  CHECK(nodes[0]->name == "x");
  CHECK(nodes[1]->name == "y");
  CHECK(nodes[2]->name == "z");
  const Node& y = g.at("y");
  CHECK(y.op == "MadeUpOp");
  CHECK(y.inputs == std::vector<std::string>{"x", "x:1", "^z"});
  CHECK(y.num_data_inputs() == 2);
  CHECK(y.device == "/device:CPU:0");
  CHECK(y.attr_int("b") == 2);
  CHECK(y.attr_string("a") == "q");
  CHECK(y.preserved.empty());
  CHECK(g.versions.producer == 1087);
  CHECK(g.versions.min_consumer == 12);
  CHECK(g.versions.bad_consumers == std::vector<int>{3});
  CHECK(g.preserved.empty());
  CHECK(g.library.empty());
  CHECK(MessageDifferencer::Equals(gd, graph_to_graph_def(g)));
}

TEST_CASE("graphdef_convert: debug info, full types, library and GraphDef extras survive export") {
  auto gd = graph_text(R"(
    node { name: 'a' op: 'Const'
           attr { key: 'value' value { tensor { dtype: DT_FLOAT tensor_shape { } tensor_content: '\000\000\200\077' } } }
           experimental_debug_info { original_node_names: 'orig_a' }
           experimental_type { type_id: TFT_PRODUCT args { type_id: TFT_TENSOR } } }
    node { name: 'call' op: 'PartitionedCall' input: 'a'
           attr { key: 'f' value { func { name: 'my_fn' } } } }
    library { function { signature { name: 'my_fn' } } }
    debug_info: 'opaque stack traces')");
  // The deprecated "version" field, set by reflection to keep compiler and text parser quiet.
  gd.GetReflection()->SetInt32(&gd, gd.GetDescriptor()->FindFieldByName("version"), 21);
  const Graph g = graph_from_graph_def(gd, "model.pb");
  CHECK(!g.at("a").preserved.empty());
  CHECK(g.at("call").preserved.empty());
  CHECK(!g.library.empty());
  CHECK(!g.preserved.empty());
  tensorflow::NodeDef kept;
  REQUIRE(kept.ParseFromString(g.at("a").preserved));
  CHECK(kept.name().empty());
  CHECK(kept.attr().empty());
  CHECK(kept.experimental_debug_info().original_node_names(0) == "orig_a");
  CHECK(MessageDifferencer::Equals(gd, graph_to_graph_def(g)));
  // A copy of the graph exports the same.
  const Graph copy = g;
  CHECK(MessageDifferencer::Equals(gd, graph_to_graph_def(copy)));
}

TEST_CASE("graphdef_convert: present-but-empty versions and library keep their presence") {
  const auto gd = graph_text("node { name: 'n' op: 'NoOp' } versions { } library { }");
  REQUIRE(gd.has_versions());
  REQUIRE(gd.has_library());
  const auto back = graph_to_graph_def(graph_from_graph_def(gd, "g.pb"));
  CHECK(back.has_versions());
  CHECK(back.has_library());
  CHECK(MessageDifferencer::Equals(gd, back));
  const auto bare = graph_text("node { name: 'n' op: 'NoOp' }");
  const auto bare_back = graph_to_graph_def(graph_from_graph_def(bare, "g.pb"));
  CHECK(!bare_back.has_versions());
  CHECK(!bare_back.has_library());
}

TEST_CASE("graphdef_convert: a corrupt tensor names the file, node, op and attr") {
  const auto gd = graph_text(R"(
    node { name: 'weights' op: 'Const'
           attr { key: 'value' value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 4 } }
                                               tensor_content: 'abc' } } } })");
  CHECK_THROWS_WITH_AS(graph_from_graph_def(gd, "model.pb"),
                       "model.pb: node 'weights' (Const), attr 'value': float tensor [4] needs 4 x 4 bytes but "
                       "tensor_content has 3",
                       Error);
  const auto negative = graph_text(R"(
    node { name: 'w' op: 'Const'
           attr { key: 'value' value { tensor { dtype: DT_INT32 tensor_shape { dim { size: -2 } } } } } })");
  CHECK_THROWS_WITH_AS(graph_from_graph_def(negative, "m.pb"), has("m.pb: node 'w' (Const), attr 'value': "), Error);
}

TEST_CASE("graphdef_convert: duplicate node names name the file") {
  const auto gd = graph_text("node { name: 'a' op: 'NoOp' } node { name: 'a' op: 'Identity' }");
  CHECK_THROWS_WITH_AS(graph_from_graph_def(gd, "dup.pb"), has("dup.pb: node 'a' (Identity): duplicate node name"),
                       Error);
  const auto unnamed = graph_text("node { op: 'NoOp' }");
  CHECK_THROWS_WITH_AS(graph_from_graph_def(unnamed, "anon.pb"), has("anon.pb"), Error);
}

TEST_CASE("graphdef_convert: edits to the IR show in the export") {
  auto gd = graph_text(R"(
    node { name: 'x' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } } }
    node { name: 'y' op: 'Relu' input: 'x' attr { key: 'T' value { type: DT_FLOAT } } })");
  Graph g = graph_from_graph_def(gd, "g.pb");
  g.at("y").op = "Relu6";
  g.at("y").attrs["extra"] = std::vector<int64_t>{1, 2};
  Node c;
  c.name = "c";
  c.op = "Const";
  c.attrs["value"] = Tensor::from_vector<float>({3.0f});
  c.attrs["dtype"] = DType::Float;
  g.add(std::move(c));
  const auto out = graph_to_graph_def(g);
  REQUIRE(out.node_size() == 3);
  CHECK(out.node(1).op() == "Relu6");
  CHECK(out.node(1).attr().at("extra").list().i_size() == 2);
  CHECK(out.node(2).name() == "c");
  const Tensor back = tensor_from_proto(out.node(2).attr().at("value").tensor());
  CHECK(back.data<float>()[0] == 3.0f);
}
