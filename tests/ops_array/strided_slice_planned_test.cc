// strided_slice/planned and slice/planned (runtime/impl_strided_slice.cc)
// against the reference on seeded random slices: every mask, negative and
// clamped indices, negative strides, several dtypes; Slice's sizes of -1
// and out-of-range begins and sizes (which the reference reports). run_op checks the slice
// resolved at prepare time (constant inputs of known shape); the test also
// prepares it with the input's shape unknown, as inside a while loop, and
// feeds inputs of changing shapes, so that the slice resolved on the first
// call of a shape is not reused for another.
#include "array_test_util.h"
#include "runtime/implementation.h"
#include "random_values.h"

using namespace frost;
using namespace frost::testing;

namespace {

RandomValues& values() {
  static RandomValues r("strided_slice/planned", 20261207ULL);
  return r;
}

int64_t uniform(int64_t lo, int64_t hi) { return values().uniform(lo, hi); }

Tensor random_tensor(DType dtype, const Shape& shape) { return values().tensor(dtype, shape); }

struct RandomSlice {
  std::vector<int32_t> begin, end, strides;
  Attrs attrs;
};

// A slice spec for a rank-`rank` input whose dims are at most `max_dim`:
// indices may be negative or past the end (clamped), strides of either sign.
RandomSlice random_slice(int rank, int64_t max_dim, DType dtype) {
  RandomSlice s;
  const int n = static_cast<int>(uniform(1, rank));
  for (int k = 0; k < n; ++k) {
    s.begin.push_back(static_cast<int32_t>(uniform(-max_dim - 1, max_dim + 1)));
    s.end.push_back(static_cast<int32_t>(uniform(-max_dim - 1, max_dim + 1)));
    int32_t step = static_cast<int32_t>(uniform(1, 3));
    s.strides.push_back(uniform(0, 3) == 0 ? -step : step);
  }
  const int64_t all = (int64_t{1} << n) - 1;
  int64_t shrink = uniform(0, 4) == 0 ? uniform(0, all) : 0;
  int64_t new_axis = uniform(0, 5) == 0 ? uniform(0, all) & ~shrink : 0;
  // At most one ellipsis, on a dim that neither shrinks nor is new.
  int64_t ellipsis = 0;
  if (uniform(0, 5) == 0) {
    const int64_t bit = int64_t{1} << uniform(0, n - 1);
    if (!(bit & (shrink | new_axis))) ellipsis = bit;
  }
  s.attrs = {{"begin_mask", uniform(0, all)}, {"end_mask", uniform(0, all)}, {"ellipsis_mask", ellipsis},
             {"new_axis_mask", new_axis},     {"shrink_axis_mask", shrink}, {"T", dtype},
             {"Index", DType::Int32}};
  return s;
}

std::vector<Tensor> inputs_of(const Tensor& x, const RandomSlice& s) {
  const auto n = static_cast<int64_t>(s.begin.size());
  return {x, i32(s.begin, Shape{n}), i32(s.end, Shape{n}), i32(s.strides, Shape{n})};
}

const Implementation& planned(const std::string& op = "StridedSlice", const std::string& name = "strided_slice/planned") {
  for (const Implementation* impl : implementations_for(op))
    if (impl->name == name) return *impl;
  FAIL(name << " is not registered");
  throw 0;
}

// The prepared kernel on `inputs` beside the reference (run_op, which also
// checks the prepared-shape path): the same result, true; or, for a slice
// malformed for these shapes, the error the reference reports, false.
bool agrees_with_reference(const KernelFn& kernel, const Node& node, const std::string& op,
                           const std::vector<Tensor>& inputs, const Attrs& attrs) {
  std::vector<Tensor> want;
  try {
    want = run_op(op, inputs, attrs);
  } catch (const Error& e) {
    std::vector<Tensor> got(1);
    OpContext ctx(node, inputs, got);
    CHECK_THROWS_WITH_AS(kernel(ctx), e.what(), Error);
    return false;
  }
  std::vector<Tensor> got(1);
  OpContext ctx(node, inputs, got);
  kernel(ctx);
  std::string why;
  CHECK_MESSAGE(implementation_agrees(got[0], want[0], why), why);
  return true;
}

}  // namespace

TEST_CASE("strided_slice/planned: the reference's result on random slices, shapes known at prepare time or not") {
  const DType dtypes[] = {DType::Float, DType::Int32, DType::UInt8};
  int fed_checked = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const DType dtype = dtypes[trial % 3];
    const int rank = static_cast<int>(uniform(1, 4));
    const RandomSlice s = random_slice(rank, 5, dtype);
    CAPTURE(trial);
    // Inputs of two shapes through one prepared kernel whose input shape is unknown.
    const OpDef* def = OpRegistry::global().find("StridedSlice");
    const Node node = make_node("StridedSlice", 4, s.attrs);
    std::vector<Tensor> spec = inputs_of(Tensor(dtype, Shape{}), s);
    PrepareContext pc{node, *def, {nullptr, &spec[1], &spec[2], &spec[3]}};
    pc.input_shapes = {PartialShape::unknown(), PartialShape(Shape{spec[1].num_elements()}),
                       PartialShape(Shape{spec[2].num_elements()}), PartialShape(Shape{spec[3].num_elements()})};
    REQUIRE(planned().applies(pc));
    const KernelFn kernel = planned().prepare(pc);
    for (int shape = 0; shape < 3; ++shape) {
      std::vector<int64_t> dims;
      for (int k = 0; k < rank; ++k) dims.push_back(uniform(0, 5));
      const Tensor x = random_tensor(dtype, Shape(dims));
      CAPTURE(x.shape().to_string());
      const std::vector<Tensor> inputs = inputs_of(x, s);  // OpContext keeps a reference
      if (agrees_with_reference(kernel, node, "StridedSlice", inputs, s.attrs)) ++fed_checked;
    }
  }
  CHECK(fed_checked >= 300);
  CHECK(implementation_cases()["strided_slice/planned"] >= 300);
}

TEST_CASE("slice/planned: the reference's result on random Slices, shapes known at prepare time or not") {
  const DType dtypes[] = {DType::Float, DType::Int64, DType::UInt8};
  const Implementation& impl = planned("Slice", "slice/planned");
  const OpDef* def = OpRegistry::global().find("Slice");
  int fed_checked = 0, errors = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const DType dtype = dtypes[trial % 3];
    const int rank = static_cast<int>(uniform(1, 4));
    // begin in [0, 4], size -1 (to the end) or in [0, 4]: out of range for some shapes.
    std::vector<int32_t> begin, size;
    for (int k = 0; k < rank; ++k) {
      begin.push_back(static_cast<int32_t>(uniform(0, 4)));
      size.push_back(static_cast<int32_t>(uniform(0, 3) == 0 ? -1 : uniform(0, 4)));
    }
    const Attrs attrs = {{"T", dtype}, {"Index", DType::Int32}};
    const Node node = make_node("Slice", 3, attrs);
    const Tensor b = i32(begin, Shape{rank}), sz = i32(size, Shape{rank});
    PrepareContext pc{node, *def, {nullptr, &b, &sz}};
    pc.input_shapes = {PartialShape::unknown(), PartialShape(Shape{rank}), PartialShape(Shape{rank})};
    REQUIRE(impl.applies(pc));
    const KernelFn kernel = impl.prepare(pc);
    CAPTURE(trial);
    for (int shape = 0; shape < 3; ++shape) {
      std::vector<int64_t> dims;
      for (int k = 0; k < rank; ++k) dims.push_back(uniform(0, 10) == 0 ? 0 : uniform(1, 9));
      const std::vector<Tensor> inputs = {random_tensor(dtype, Shape(dims)), b, sz};
      CAPTURE(inputs[0].shape().to_string());
      if (agrees_with_reference(kernel, node, "Slice", inputs, attrs))
        ++fed_checked;
      else
        ++errors;
    }
  }
  CHECK(fed_checked >= 300);
  CHECK(errors >= 50);
  CHECK(implementation_cases()["slice/planned"] >= 300);
}

TEST_CASE("slice/planned: large crops, short rows and an SSD head's box halves") {
  // [1, N, 4] boxes into [1, N, 2] halves (8-byte rows), and an NHWC crop
  // big enough for the copy to be shared by the threads.
  const Tensor boxes = random_tensor(DType::Float, Shape{1, 4420, 4});
  for (int32_t start : {0, 2})
    run_op("Slice", {boxes, i32({0, 0, start}, Shape{3}), i32({-1, -1, 2}, Shape{3})}, {{"T", DType::Float}});
  const Tensor image = random_tensor(DType::Float, Shape{1, 120, 160, 16});
  run_op("Slice", {image, i32({0, 3, 5, 0}, Shape{4}), i32({1, 100, 150, -1}, Shape{4})}, {{"T", DType::Float}});
  run_op("Slice", {image, i32({0, 0, 0, 4}, Shape{4}), i32({-1, -1, -1, 8}, Shape{4})}, {{"T", DType::Float}});
  CHECK(implementation_cases()["slice/planned"] >= 4);
}
