// concat/memcpy (ConcatV2, Concat, Pack) and split/view (Split, SplitV,
// Unpack) against the reference on seeded random shapes, axes (negative
// too) and dtypes: run_op runs every implementation of the op beside the
// reference and compares (op_test_util.h). Plus the contracts of the fast
// forms: views of the input where a piece starts aligned, and bad inputs
// reported as the reference reports them.
#include "array_test_util.h"
#include "runtime/implementation.h"
#include "random_values.h"

using namespace frost;
using namespace frost::testing;

namespace {

RandomValues& values() {
  static RandomValues r("join/split", 20261207ULL);
  return r;
}

int64_t uniform(int64_t lo, int64_t hi) { return values().uniform(lo, hi); }

Tensor random_tensor(DType dtype, const Shape& shape) { return values().tensor(dtype, shape); }

std::vector<int64_t> random_dims(int rank, int64_t max_dim) {
  std::vector<int64_t> d;
  for (int k = 0; k < rank; ++k) d.push_back(uniform(1, max_dim));
  return d;
}

// An axis of a rank-`rank` tensor, negative half the time.
int64_t random_axis(int rank) {
  const int64_t a = uniform(0, rank - 1);
  return uniform(0, 1) ? a - rank : a;
}

Tensor index(DType t, int64_t v) { return t == DType::Int64 ? i64({v}, Shape{}) : i32({static_cast<int32_t>(v)}, Shape{}); }

const DType kDtypes[] = {DType::Float, DType::Int32, DType::Int64, DType::UInt8};

}  // namespace

TEST_CASE("ConcatV2, Concat and Pack: every implementation as the reference on random shapes and axes") {
  for (int trial = 0; trial < 120; ++trial) {
    const DType dtype = kDtypes[trial % 4];
    const int rank = static_cast<int>(uniform(1, 4));
    const std::vector<int64_t> base = random_dims(rank, 6);
    const int64_t axis = random_axis(rank);
    const auto k = static_cast<size_t>(axis < 0 ? axis + rank : axis);
    const int n = static_cast<int>(uniform(1, 5));
    std::vector<Tensor> values;
    for (int i = 0; i < n; ++i) {
      std::vector<int64_t> d = base;
      d[k] = uniform(0, 5);  // empty pieces too
      values.push_back(random_tensor(dtype, Shape(d)));
    }
    CAPTURE(trial);
    CAPTURE(axis);
    const DType index_type = trial % 3 == 0 ? DType::Int64 : DType::Int32;
    std::vector<Tensor> v2 = values;
    v2.push_back(index(index_type, axis));
    run_op("ConcatV2", v2, {{"N", int64_t{n}}, {"T", dtype}, {"Tidx", index_type}});
    std::vector<Tensor> v1{index(DType::Int32, axis)};
    v1.insert(v1.end(), values.begin(), values.end());
    run_op("Concat", v1, {{"N", int64_t{n}}, {"T", dtype}});

    std::vector<Tensor> same;
    for (int i = 0; i < n; ++i) same.push_back(random_tensor(dtype, Shape(base)));
    run_op("Pack", same, {{"N", int64_t{n}}, {"T", dtype}, {"axis", uniform(-(rank + 1), rank)}});
  }
  run_op("Pack", {i32({1}, Shape{}), i32({2}, Shape{}), i32({3}, Shape{})}, {{"N", int64_t{3}}, {"T", DType::Int32}});
  CHECK(implementation_cases()["concat/memcpy"] >= 360);
}

TEST_CASE("Split, SplitV and Unpack: every implementation as the reference on random shapes and axes") {
  for (int trial = 0; trial < 120; ++trial) {
    const DType dtype = kDtypes[trial % 4];
    const int rank = static_cast<int>(uniform(1, 4));
    std::vector<int64_t> dims = random_dims(rank, 5);
    const int64_t axis = random_axis(rank);
    const auto k = static_cast<size_t>(axis < 0 ? axis + rank : axis);
    const int64_t n = uniform(1, 4);
    dims[k] = n * uniform(1, 4);
    // Wide rows sometimes, so that pieces along the outer axis start 64-byte aligned (views).
    if (trial % 5 == 0 && k + 1 < dims.size()) dims.back() = 16 * uniform(1, 3);
    const Tensor x = random_tensor(dtype, Shape(dims));
    CAPTURE(trial);
    CAPTURE(x.shape().to_string());
    CAPTURE(axis);
    run_op("Split", {index(DType::Int32, axis), x}, {{"num_split", n}, {"T", dtype}});

    std::vector<int64_t> sizes;
    int64_t left = dims[k];
    for (int64_t i = 0; i + 1 < n; ++i) {
      sizes.push_back(uniform(0, left));
      left -= sizes.back();
    }
    sizes.push_back(left);
    if (uniform(0, 1)) sizes[static_cast<size_t>(uniform(0, n - 1))] = -1;
    std::vector<int32_t> sizes32(sizes.begin(), sizes.end());
    run_op("SplitV", {x, i32(sizes32, Shape{n}), index(DType::Int32, axis)},
           {{"num_split", n}, {"T", dtype}, {"Tlen", DType::Int32}});

    run_op("Unpack", {x}, {{"num", dims[k]}, {"T", dtype}, {"axis", axis}});
  }
  CHECK(implementation_cases()["split/view"] >= 360);
}

namespace {

// Runs `op`'s first non-reference implementation on `inputs`.
std::vector<Tensor> run_fast(const std::string& op, const std::vector<Tensor>& inputs, Attrs attrs,
                             const std::string& impl_name) {
  const OpDef* def = OpRegistry::global().find(op);
  REQUIRE(def);
  const Node node = make_node(op, static_cast<int>(inputs.size()), std::move(attrs));
  PrepareContext pc{node, *def, std::vector<const Tensor*>(inputs.size(), nullptr)};
  const ChosenKernel k = choose_implementation(pc);
  REQUIRE(k.implementation == impl_name);
  std::vector<Tensor> out(static_cast<size_t>(def->num_outputs(node)));
  OpContext ctx(node, inputs, out);
  k.kernel(ctx);
  return out;
}

}  // namespace

TEST_CASE("split/view: outer-axis pieces that start aligned view the input, others are copies") {
  // [4, 16] floats: each row is 64 bytes, so every Unpack piece starts aligned.
  const Tensor x = random_tensor(DType::Float, Shape{4, 16});
  const std::vector<Tensor> rows = run_fast("Unpack", {x}, {{"num", int64_t{4}}, {"axis", int64_t{0}}}, "split/view");
  for (int i = 0; i < 4; ++i) {
    CHECK(rows[static_cast<size_t>(i)].shape() == Shape{16});
    CHECK(rows[static_cast<size_t>(i)].raw_data() == x.data<float>() + 16 * i);
  }
  // [4, 3]: rows of 12 bytes; only the first starts aligned, the others are copies with the same values.
  const Tensor y = random_tensor(DType::Float, Shape{4, 3});
  const std::vector<Tensor> small = run_fast("Unpack", {y}, {{"num", int64_t{4}}}, "split/view");
  CHECK(small[0].raw_data() == y.raw_data());
  for (int i = 1; i < 4; ++i) {
    CHECK(small[static_cast<size_t>(i)].raw_data() != y.data<float>() + 3 * i);
    for (int j = 0; j < 3; ++j) CHECK(small[static_cast<size_t>(i)].data<float>()[j] == y.data<float>()[3 * i + j]);
  }
  // A leading dim of 1 is still the outer axis: Split along axis 1 of [1, 64, 2].
  const Tensor z = random_tensor(DType::Float, Shape{1, 64, 2});
  const std::vector<Tensor> halves =
      run_fast("Split", {i32({1}, Shape{}), z}, {{"num_split", int64_t{2}}}, "split/view");
  CHECK(halves[1].raw_data() == z.data<float>() + 64);
  CHECK(halves[1].shape() == Shape{1, 32, 2});
}

TEST_CASE("concat/memcpy and split/view: bad inputs get the reference's error") {
  const Tensor a = f32({1, 2, 3, 4}, Shape{2, 2});
  auto message = [](const std::function<void()>& f) -> std::string {
    try {
      f();
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  };
  CHECK(message([&] {
          run_fast("ConcatV2", {a, f32({1, 2, 3}, Shape{3, 1}), i32({0}, Shape{})}, {}, "concat/memcpy");
        }).find("dimensions of inputs should match") != std::string::npos);
  CHECK(message([&] { run_fast("ConcatV2", {a, a, i32({2}, Shape{})}, {}, "concat/memcpy"); }).find("out of range") !=
        std::string::npos);
  CHECK(message([&] { run_fast("Pack", {a, f32({1, 2}, Shape{2})}, {}, "concat/memcpy"); }).find("must match") !=
        std::string::npos);
  CHECK(message([&] { run_fast("Unpack", {a}, {{"num", int64_t{3}}}, "split/view"); }).find("num is 3") !=
        std::string::npos);
  CHECK(message([&] {
          run_fast("Split", {i32({1}, Shape{}), f32({1, 2, 3}, Shape{1, 3})}, {{"num_split", int64_t{2}}}, "split/view");
        }).find("evenly divide") != std::string::npos);
  CHECK(message([&] {
          run_fast("SplitV", {a, i32({1, 2}, Shape{2}), i32({0}, Shape{})}, {{"num_split", int64_t{2}}}, "split/view");
        }).find("size_splits") != std::string::npos);
  // Strings go to the reference, which concatenates them.
  const std::vector<Tensor> s = run_fast("ConcatV2", {strs({"a"}, Shape{1}), strs({"b"}, Shape{1}), i32({0}, Shape{})},
                                         {}, "concat/memcpy");
  check_strings(s[0], {"a", "b"}, Shape{2});
}
