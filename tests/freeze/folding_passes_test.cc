// Constant folding (incl. static shapes and the Keras Flatten chain),
// Dequantize folding, constant conditionals, dropout removal.
#include <cmath>

#include "freeze/passes.h"
#include "freeze_test_util.h"
#include "runtime/executor.h"

using namespace frost;
using namespace frost::testing;

namespace {

std::map<std::string, AttrValue> slice_attrs(int64_t shrink = 0) {
  return {{"Index", DType::Int32}, {"T", DType::Int32}, {"begin_mask", int64_t{0}}, {"end_mask", int64_t{0}},
          {"ellipsis_mask", int64_t{0}}, {"new_axis_mask", int64_t{0}}, {"shrink_axis_mask", shrink}};
}

}  // namespace

TEST_CASE("constant_folding: an all-constant subgraph becomes one Const with the last node's name") {
  GraphBuilder b;
  b.placeholder("x", {2, 3});
  b.floats("var", {1, 4, 9}, Shape{3});
  b.floats("eps", {0.001f}, Shape{});
  b.op("var_eps", "AddV2", {"var", "eps"});
  b.op("rsqrt", "Rsqrt", {"var_eps"});
  b.floats("gamma", {2, 2, 2}, Shape{3});
  b.op("inv", "Mul", {"rsqrt", "gamma"});
  b.op("y", "Mul", {"x", "inv"});
  const OptimizeResult r = optimize_with(b.g, {"x"}, {"y"});
  REQUIRE(r.graph.find("inv") != nullptr);
  CHECK(r.graph.at("inv").op == "Const");
  CHECK(r.graph.find("rsqrt") == nullptr);
  CHECK(r.graph.find("var_eps") == nullptr);
  const Tensor& inv = r.graph.at("inv").attr_tensor("value");
  CHECK(inv.data<float>()[1] == doctest::Approx(2.0 / std::sqrt(4.001)).epsilon(1e-6));
  CHECK(r.report.total("constants_folded") == 3);
  check_same_numbers(b.g, r.graph, {"x"}, {"y"});
}

TEST_CASE("constant_folding: never folds placeholder consumers, random ops, or over the size cap") {
  GraphBuilder b;
  b.placeholder("x", {2});
  b.floats("c", {1, 2}, Shape{2});
  b.op("add", "Add", {"x", "c"});  // reads a placeholder
  b.ints("big_shape", {1024, 1024});
  b.floats("one", {1.0f}, Shape{});
  b.op("big", "Fill", {"big_shape", "one"}, {{"index_type", DType::Int32}});  // 4 MiB
  b.ints("axes", {0, 1});
  b.op("big_sum", "Sum", {"big", "axes"}, {{"Tidx", DType::Int32}, {"keep_dims", false}});
  b.op("out", "Add", {"add", "big_sum"});
  OptimizeOptions o;
  o.inputs = {"x"};
  o.outputs = {"out"};
  o.max_folded_bytes = 1 << 20;  // the Fill is over the cap; its Sum is not reached
  const OptimizeResult r = optimize_graph(b.g, o);
  CHECK(r.graph.at("add").op == "Add");
  CHECK(r.graph.at("big").op == "Fill");
  CHECK(r.graph.at("big_sum").op == "Sum");
  check_same_numbers(b.g, r.graph, {"x"}, {"out"});

  o.max_folded_bytes = 8 << 20;  // now both fold (the Fill then goes unused)
  const OptimizeResult r2 = optimize_graph(b.g, o);
  REQUIRE(r2.graph.at("big_sum").op == "Const");
  CHECK(r2.graph.at("big_sum").attr_tensor("value").data<float>()[0] == 1024.0f * 1024.0f);
  CHECK(r2.graph.find("big") == nullptr);
}

TEST_CASE("constant_folding: Keras Flatten chain with a static shape, and with an unknown batch") {
  // Keras batch_flatten: reshape(x, stack([-1, prod(shape(x)[1:])])).
  GraphBuilder b;
  b.placeholder("x", {PartialShape::kUnknown, 4, 3, 2});
  b.op("shape", "Shape", {"x"}, {{"out_type", DType::Int32}});
  b.ints("b1", {1});
  b.ints("e1", {4});
  b.ints("s1", {1});
  std::map<std::string, AttrValue> tail = slice_attrs();
  tail["end_mask"] = int64_t{1};
  b.op("dims", "StridedSlice", {"shape", "b1", "e1", "s1"}, tail);
  b.ints("axis0", {0});
  b.op("flat_dim", "Prod", {"dims", "axis0"}, {{"T", DType::Int32}, {"Tidx", DType::Int32}, {"keep_dims", false}});
  b.constant("minus1", Tensor::scalar<int32_t>(-1));
  b.op("target", "Pack", {"minus1", "flat_dim"}, {{"T", DType::Int32}, {"N", int64_t{2}}, {"axis", int64_t{0}}});
  b.op("flat", "Reshape", {"x", "target"}, {{"Tshape", DType::Int32}});
  // Keras TF1 Flatten: reshape(x, stack([shape(x)[0], -1])) -- the batch is unknown.
  b.ints("b0", {0});
  b.op("batch", "StridedSlice", {"shape", "b0", "b1", "s1"}, slice_attrs(1));
  b.op("target2", "Pack", {"batch", "minus1"}, {{"T", DType::Int32}, {"N", int64_t{2}}, {"axis", int64_t{0}}});
  b.op("flat2", "Reshape", {"x", "target2"}, {{"Tshape", DType::Int32}});

  const OptimizeResult r = optimize_with(b.g, {"x"}, {"flat", "flat2"});
  REQUIRE(r.graph.at("target").op == "Const");
  CHECK(r.graph.at("target").attr_tensor("value").to_int64_vector() == std::vector<int64_t>{-1, 24});
  CHECK(r.graph.at("flat").inputs[1] == "target");
  // The batch is only known at run time: that chain stays.
  CHECK(r.graph.at("batch").op == "StridedSlice");
  CHECK(r.graph.at("target2").op == "Pack");
  check_same_numbers(b.g, r.graph, {"x"}, {"flat", "flat2"});

  // With the whole shape static, the second chain folds as well.
  GraphBuilder fixed;
  fixed.g = b.g;
  fixed.g.at("x").attrs["shape"] = PartialShape{2, 4, 3, 2};
  const OptimizeResult r2 = optimize_with(fixed.g, {"x"}, {"flat", "flat2"});
  CHECK(r2.graph.at("target2").attr_tensor("value").to_int64_vector() == std::vector<int64_t>{2, -1});
  CHECK(r2.graph.find("shape") == nullptr);
  CHECK(count_ops(r2.graph, "Shape") == 0);
  check_same_numbers(fixed.g, r2.graph, {"x"}, {"flat", "flat2"});
}

TEST_CASE("fold_dequantize: Dequantize of quint8 weights becomes a float Const") {
  GraphBuilder b;
  b.placeholder("x", {2, 3});
  Tensor q(DType::QUInt8, Shape{3});
  q.data<uint8_t>()[0] = 0;
  q.data<uint8_t>()[1] = 128;
  q.data<uint8_t>()[2] = 255;
  b.constant("wq", q);
  b.floats("wmin", {-1.0f}, Shape{});
  b.floats("wmax", {1.0f}, Shape{});
  b.op("w", "Dequantize", {"wq", "wmin", "wmax"}, {{"T", DType::QUInt8}, {"mode", "MIN_COMBINED"}});
  b.op("y", "Mul", {"x", "w"});
  const OptimizeResult r = optimize_with(b.g, {"x"}, {"y"});
  REQUIRE(r.graph.at("w").op == "Const");
  const Tensor& w = r.graph.at("w").attr_tensor("value");
  CHECK(w.dtype() == DType::Float);
  CHECK(w.data<float>()[0] == doctest::Approx(-1.0));
  CHECK(w.data<float>()[2] == doctest::Approx(1.0));
  CHECK(r.graph.find("wq") == nullptr);
  CHECK(r.report.total("dequantize_folded") == 1);
  check_same_numbers(b.g, r.graph, {"x"}, {"y"});
}

// A TF1 cond: out = pred ? relu(x) * 2 : neg(x), with the branch constant
// carrying the pivot control edge as tf.cond builds it.
GraphBuilder make_cond(bool pred) {
  GraphBuilder b;
  b.placeholder("x", {4});
  b.constant("pred", Tensor::scalar<bool>(pred));
  b.op("cond/Switch", "Switch", {"pred", "pred"}, {{"T", DType::Bool}});
  b.op("cond/switch_t", "Identity", {"cond/Switch:1"}, {{"T", DType::Bool}});
  b.op("cond/switch_f", "Identity", {"cond/Switch"}, {{"T", DType::Bool}});
  b.op("cond/x_switch", "Switch", {"x", "pred"});
  b.op("cond/relu", "Relu", {"cond/x_switch:1"});
  b.floats("cond/two", {2.0f}, Shape{});
  b.g.at("cond/two").inputs = {"^cond/switch_t"};
  b.op("cond/mul", "Mul", {"cond/relu", "cond/two"});
  b.op("cond/neg", "Neg", {"cond/x_switch"});
  b.op("cond/Merge", "Merge", {"cond/neg", "cond/mul"}, {{"N", int64_t{2}}});
  b.op("out", "Identity", {"cond/Merge"});
  return b;
}

TEST_CASE("resolve_constant_conditionals: constant predicate keeps the live branch only") {
  for (const bool pred : {true, false}) {
    CAPTURE(pred);
    GraphBuilder b = make_cond(pred);
    Graph g = b.g;
    PassContext ctx;
    ctx.outputs = {TensorId::parse("out")};
    ctx.inputs = {TensorId::parse("x")};
    CHECK(resolve_constant_conditionals(g, ctx) == 2);
    CHECK(count_ops(g, "Switch") == 0);
    CHECK(count_ops(g, "Merge") == 0);
    CHECK((g.find("cond/relu") != nullptr) == pred);
    CHECK((g.find("cond/neg") != nullptr) == !pred);

    // The whole pipeline, then numbers against the branch computed by hand.
    const OptimizeResult r = optimize_with(b.g, {"x"}, {"out"});
    CHECK(count_ops(r.graph, "Switch") + count_ops(r.graph, "Merge") == 0);
    CHECK(r.graph.find("out") != nullptr);
    const Tensor x = Tensor::from_vector<float>({-1.5f, 0.0f, 2.0f, 3.25f});
    const Tensor out = run_reference(r.graph, {{TensorId::parse("x"), x}}, {TensorId::parse("out")})[0];
    for (int i = 0; i < 4; ++i) {
      const float xi = x.data<float>()[i];
      CHECK(out.data<float>()[i] == (pred ? std::max(xi, 0.0f) * 2 : -xi));
    }
  }
}

TEST_CASE("resolve_constant_conditionals: a non-constant predicate is left alone (must not fire)") {
  GraphBuilder b = make_cond(true);
  Graph g = b.g;
  Node& pred = g.at("pred");
  pred.op = "Placeholder";
  pred.attrs = {{"dtype", DType::Bool}, {"shape", PartialShape{}}};
  const size_t before = g.size();
  CHECK(resolve_constant_conditionals(g) == 0);
  CHECK(g.size() == before);
  const OptimizeResult r = optimize_with(g, {"x", "pred"}, {"out"});
  CHECK(count_ops(r.graph, "Switch") == 2);
  CHECK(count_ops(r.graph, "Merge") == 1);
  CHECK(r.graph.find("cond/switch_t") != nullptr);  // a pivot: its port matters
}

TEST_CASE("set + resolve: a learning-phase placeholder set to false picks the inference branch") {
  GraphBuilder b = make_cond(true);
  Node& pred = b.g.at("pred");
  pred.op = "PlaceholderWithDefault";
  pred.inputs = {};
  pred.attrs = {{"dtype", DType::Bool}, {"shape", PartialShape{}}};
  b.constant("default_true", Tensor::scalar<bool>(true));
  b.g.at("pred").inputs = {"default_true"};
  OptimizeOptions o;
  o.inputs = {"x"};
  o.outputs = {"out"};
  o.set["pred"] = Tensor::scalar<bool>(false);
  const OptimizeResult r = optimize_graph(b.g, o);
  CHECK(r.graph.find("cond/relu") == nullptr);
  CHECK(r.graph.find("cond/neg") != nullptr);
  CHECK(count_ops(r.graph, "Switch") == 0);

  // Unset, the default (true) is folded in instead.
  o.set.clear();
  const OptimizeResult d = optimize_graph(b.g, o);
  CHECK(d.graph.find("cond/relu") != nullptr);
  CHECK(d.graph.find("cond/neg") == nullptr);
}

// TF1 tf.nn.dropout(x, keep_prob):
//   x / keep_prob * floor(keep_prob + random_uniform(shape(x)))
GraphBuilder make_tf1_dropout() {
  GraphBuilder b;
  b.placeholder("x", {2, 5});
  b.placeholder("keep_prob", PartialShape{});
  b.op("dropout/Shape", "Shape", {"x"}, {{"out_type", DType::Int32}});
  b.op("dropout/random_uniform/RandomUniform", "RandomUniform", {"dropout/Shape"},
       {{"T", DType::Int32}, {"dtype", DType::Float}, {"seed", int64_t{0}}, {"seed2", int64_t{0}}});
  b.floats("dropout/random_uniform/sub", {1.0f}, Shape{});  // max - min
  b.floats("dropout/random_uniform/min", {0.0f}, Shape{});
  b.op("dropout/random_uniform/mul", "Mul", {"dropout/random_uniform/RandomUniform", "dropout/random_uniform/sub"});
  b.op("dropout/random_uniform", "Add", {"dropout/random_uniform/mul", "dropout/random_uniform/min"});
  b.op("dropout/add", "Add", {"keep_prob", "dropout/random_uniform"});
  b.op("dropout/Floor", "Floor", {"dropout/add"});
  b.op("dropout/div", "RealDiv", {"x", "keep_prob"});
  b.op("dropout/mul", "Mul", {"dropout/div", "dropout/Floor"});
  b.op("out", "Relu", {"dropout/mul"});
  return b;
}

TEST_CASE("remove_dropout: TF1 dropout with keep_prob set to 1 becomes the identity") {
  GraphBuilder b = make_tf1_dropout();
  OptimizeOptions o;
  o.inputs = {"x"};
  o.outputs = {"out"};
  o.set["keep_prob"] = Tensor::scalar<float>(1.0f);
  const OptimizeResult r = optimize_graph(b.g, o);
  CHECK(count_ops(r.graph, "RandomUniform") == 0);
  CHECK(count_ops(r.graph, "Floor") == 0);
  CHECK(count_ops(r.graph, "RealDiv") == 0);
  CHECK(r.graph.size() == 2);  // x, out
  CHECK(r.graph.at("out").inputs[0] == "x");
  CHECK(r.report.total("dropout_masks_removed") == 1);
  // RandomUniform has no reference kernel (it is not deterministic), so the
  // numbers are checked against the graph without dropout: relu(x).
  GraphBuilder plain;
  plain.placeholder("x", {2, 5});
  plain.op("out", "Relu", {"x"});
  check_same_numbers(plain.g, r.graph, {"x"}, {"out"});
}

TEST_CASE("remove_dropout: keep_prob 0.5 keeps the random mask (must not fire)") {
  GraphBuilder b = make_tf1_dropout();
  OptimizeOptions o;
  o.inputs = {"x"};
  o.outputs = {"out"};
  o.set["keep_prob"] = Tensor::scalar<float>(0.5f);
  const OptimizeResult r = optimize_graph(b.g, o);
  CHECK(count_ops(r.graph, "RandomUniform") == 1);
  CHECK(count_ops(r.graph, "Floor") == 1);
  CHECK(r.report.total("dropout_masks_removed") == 0);
}

TEST_CASE("remove_dropout: TF2 dropout with rate 0 (compare mask, cast, select form) goes") {
  GraphBuilder b;
  b.placeholder("x", {3, 4});
  b.ints("noise_shape", {3, 4});
  b.op("d/ru", "RandomUniform", {"noise_shape"}, {{"T", DType::Int32}, {"dtype", DType::Float}});
  b.floats("d/rate", {0.0f}, Shape{});
  b.op("d/ge", "GreaterEqual", {"d/ru", "d/rate"});
  b.op("d/mask", "Cast", {"d/ge"}, {{"SrcT", DType::Bool}, {"DstT", DType::Float}});
  b.floats("d/scale", {1.0f}, Shape{});  // 1 / (1 - rate)
  b.op("d/scaled", "Mul", {"x", "d/scale"});
  b.op("d/out", "Mul", {"d/scaled", "d/mask"});
  b.floats("zeros", std::vector<float>(12, 0.0f), Shape{3, 4});
  b.op("sel", "SelectV2", {"d/ge", "d/out", "zeros"});
  b.op("out", "Tanh", {"sel"});
  const OptimizeResult r = optimize_with(b.g, {"x"}, {"out"});
  CHECK(count_ops(r.graph, "RandomUniform") == 0);
  CHECK(count_ops(r.graph, "GreaterEqual") == 0);
  CHECK(count_ops(r.graph, "SelectV2") == 0);
  CHECK(r.graph.at("out").inputs[0] == "x");
  GraphBuilder plain;
  plain.placeholder("x", {3, 4});
  plain.op("out", "Tanh", {"x"});
  check_same_numbers(plain.g, r.graph, {"x"}, {"out"});
}
