// group_convolutions: the per-group expansion converters write for grouped
// and depthwise convolutions (channel slices -> G x Conv2D -> ConcatV2) joins
// into one convolution. Each slicing form, structure and numbers on the
// reference backend, and the cases where it must not fire.
#include "freeze/passes.h"
#include "freeze_test_util.h"

using namespace frost;
using namespace frost::testing;

namespace {

const std::vector<std::string> kPasses = {"remove_identity", "remove_unused", "group_convolutions"};

std::string scalar(GraphBuilder& b, const std::string& name, int32_t v) {
  return b.constant(name, Tensor::scalar<int32_t>(v));
}

// How each group's input is cut from x.
enum class Cut { kSplit, kSlice, kStridedSlice, kGather };

// x [1, 7, 6, groups * group_in] -> per group conv [3, 3, group_in, group_out]
// -> ConcatV2 named "y".
GraphBuilder expanded(Cut cut, int groups, int64_t group_in, int64_t group_out,
                      std::map<std::string, AttrValue> attrs = conv2d_attrs()) {
  GraphBuilder b;
  b.placeholder("x", {1, 7, 6, groups * group_in});
  scalar(b, "axis", 3);
  if (cut == Cut::kSplit) b.op("split", "Split", {"axis", "x"}, {{"num_split", int64_t{groups}}});
  std::vector<std::string> convs;
  for (int g = 0; g < groups; ++g) {
    const std::string s = std::to_string(g);
    const int32_t begin = static_cast<int32_t>(g * group_in), size = static_cast<int32_t>(group_in);
    std::string in;
    if (cut == Cut::kSplit) {
      in = g == 0 ? "split" : "split:" + s;
    } else if (cut == Cut::kSlice) {
      b.ints("b" + s, {0, 0, 0, begin});
      b.ints("s" + s, {-1, -1, -1, size});
      in = b.op("slice" + s, "Slice", {"x", "b" + s, "s" + s}, {{"Index", DType::Int32}});
    } else if (cut == Cut::kStridedSlice) {
      b.ints("b" + s, {0, 0, 0, begin});
      b.ints("e" + s, {0, 0, 0, begin + size});
      b.ints("st" + s, {1, 1, 1, 1});
      in = b.op("slice" + s, "StridedSlice", {"x", "b" + s, "e" + s, "st" + s},
                {{"Index", DType::Int32}, {"begin_mask", int64_t{7}}, {"end_mask", int64_t{7}},
                 {"ellipsis_mask", int64_t{0}}, {"new_axis_mask", int64_t{0}}, {"shrink_axis_mask", int64_t{0}}});
    } else {
      std::vector<int32_t> idx;
      for (int32_t i = 0; i < size; ++i) idx.push_back(begin + i);
      b.ints("i" + s, idx);
      in = b.op("gather" + s, "GatherV2", {"x", "i" + s, "axis"},
                {{"Tparams", DType::Float}, {"Tindices", DType::Int32}, {"Taxis", DType::Int32}});
    }
    b.floats("w" + s, varied_values(3 * 3 * group_in * group_out, 0.1f, 0.01f * static_cast<float>(g)),
             Shape{3, 3, group_in, group_out});
    convs.push_back(b.op("conv" + s, "Conv2D", {in, "w" + s}, attrs));
  }
  convs.push_back("axis");
  b.op("y", "ConcatV2", convs, {{"N", int64_t{groups}}, {"Tidx", DType::Int32}});
  return b;
}

}  // namespace

TEST_CASE("group_convolutions: Split -> 4 x Conv2D -> ConcatV2 becomes one grouped Conv2D named as the concat") {
  GraphBuilder b = expanded(Cut::kSplit, 4, 2, 3, conv2d_attrs_strided({1, 2, 1, 1}));
  const OptimizeResult r = optimize_with(b.g, {"x"}, {"y"}, kPasses);
  CHECK(r.report.total("grouped_convolutions_joined") == 1);
  const Node& y = r.graph.at("y");
  CHECK(y.op == "Conv2D");
  CHECK(y.inputs[0] == "x");
  CHECK(r.graph.at(y.inputs[1]).attr_tensor("value").shape() == Shape{3, 3, 2, 12});
  CHECK(count_ops(r.graph, "Conv2D") == 1);
  CHECK(count_ops(r.graph, "Split") == 0);
  check_same_numbers(b.g, r.graph, {"x"}, {"y"});
}

TEST_CASE("group_convolutions: one channel per group becomes DepthwiseConv2dNative, for each slicing form") {
  for (Cut cut : {Cut::kSplit, Cut::kSlice, Cut::kStridedSlice, Cut::kGather}) {
    CAPTURE(static_cast<int>(cut));
    GraphBuilder b = expanded(cut, 5, 1, 2, conv2d_attrs_strided({1, 2, 2, 1}, "VALID"));
    const OptimizeResult r = optimize_with(b.g, {"x"}, {"y"}, kPasses);
    CHECK(r.report.total("depthwise_convolutions_joined") == 1);
    const Node& y = r.graph.at("y");
    CHECK(y.op == "DepthwiseConv2dNative");
    CHECK(r.graph.at(y.inputs[1]).attr_tensor("value").shape() == Shape{3, 3, 5, 2});
    CHECK(count_ops(r.graph, "Conv2D") == 0);
    check_same_numbers(b.g, r.graph, {"x"}, {"y"});
  }
}

TEST_CASE("group_convolutions: slices of several channels (Slice form) give a grouped Conv2D") {
  GraphBuilder b = expanded(Cut::kSlice, 3, 4, 1);
  const OptimizeResult r = optimize_with(b.g, {"x"}, {"y"}, kPasses);
  CHECK(r.graph.at("y").op == "Conv2D");
  check_same_numbers(b.g, r.graph, {"x"}, {"y"});
}

TEST_CASE("group_convolutions: different strides, a shared conv, slices out of order or short (must not fire)") {
  SUBCASE("different strides") {
    GraphBuilder b = expanded(Cut::kSplit, 3, 2, 2);
    b.g.at("conv1").attrs["strides"] = std::vector<int64_t>{1, 2, 2, 1};
    b.g.at("conv1").attrs["padding"] = std::string("VALID");
    CHECK(optimize_with(b.g, {"x"}, {"y"}, kPasses).report.total("grouped_convolutions_joined") == 0);
  }
  SUBCASE("a conv also read elsewhere") {
    GraphBuilder b = expanded(Cut::kSplit, 3, 2, 2);
    b.op("extra", "Relu", {"conv1"});
    const OptimizeResult r = optimize_with(b.g, {"x"}, {"y", "extra"}, kPasses);
    CHECK(r.report.total("grouped_convolutions_joined") == 0);
    check_same_numbers(b.g, r.graph, {"x"}, {"y", "extra"});
  }
  SUBCASE("Split pieces in another order") {
    GraphBuilder b = expanded(Cut::kSplit, 3, 2, 2);
    std::swap(b.g.at("y").inputs[0], b.g.at("y").inputs[1]);
    CHECK(optimize_with(b.g, {"x"}, {"y"}, kPasses).report.total("grouped_convolutions_joined") == 0);
  }
  SUBCASE("slices that leave channels out") {
    GraphBuilder b = expanded(Cut::kSlice, 3, 2, 2);
    b.g.at("x").attrs["shape"] = PartialShape{1, 7, 6, 8};  // two channels no group reads
    const OptimizeResult r = optimize_with(b.g, {"x"}, {"y"}, kPasses);
    CHECK(r.report.total("grouped_convolutions_joined") == 0);
    check_same_numbers(b.g, r.graph, {"x"}, {"y"});
  }
  SUBCASE("a non-constant filter") {
    GraphBuilder b = expanded(Cut::kSplit, 2, 1, 1);
    b.placeholder("wv", {3, 3, 1, 1});
    b.g.at("conv0").inputs[1] = "wv";
    CHECK(optimize_with(b.g, {"x", "wv"}, {"y"}, kPasses).report.total("depthwise_convolutions_joined") == 0);
  }
}
