// The data-movement kernels on their own (the SIMD backend reuses their
// contracts): strided copies with negative and zero strides, byte and string
// elements; gather with batch and outer blocks.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/gather.h"
#include "kernels/strided_copy.h"

using namespace frost::kernels;

TEST_CASE("strided_copy: transpose of a 2x3 block by strides") {
  const std::vector<int32_t> src = {0, 1, 2, 3, 4, 5};
  std::vector<int32_t> dst(6, -1);
  const std::vector<int64_t> dims = {3, 2}, ss = {1, 3}, ds = {2, 1};
  strided_copy_reference({dims, ss, ds}, src.data(), dst.data(), sizeof(int32_t));
  CHECK(dst == std::vector<int32_t>{0, 3, 1, 4, 2, 5});
}

TEST_CASE("strided_copy: negative source stride reverses, zero stride broadcasts") {
  const std::vector<double> src = {1, 2, 3};
  std::vector<double> dst(3);
  const std::vector<int64_t> d3 = {3}, back = {-1}, fwd = {1};
  strided_copy_reference({d3, back, fwd}, src.data() + 2, dst.data(), sizeof(double));
  CHECK(dst == std::vector<double>{3, 2, 1});
  std::vector<double> wide(6);
  const std::vector<int64_t> d23 = {2, 3}, bcast = {0, 1}, row = {3, 1};
  strided_copy_reference({d23, bcast, row}, src.data(), wide.data(), sizeof(double));
  CHECK(wide == std::vector<double>{1, 2, 3, 1, 2, 3});
}

TEST_CASE("strided_copy: rank 0 copies one element, a zero dim copies nothing") {
  const uint16_t one = 7;
  uint16_t out = 0;
  strided_copy_reference({{}, {}, {}}, &one, &out, sizeof(uint16_t));
  CHECK(out == 7);
  const std::vector<int64_t> dims = {0, 4}, s = {4, 1};
  uint16_t untouched = 9;
  strided_copy_reference({dims, s, s}, &one, &untouched, sizeof(uint16_t));
  CHECK(untouched == 9);
}

TEST_CASE("strided_copy: strings into a strided destination") {
  const std::vector<std::string> src = {"a", "b"};
  std::vector<std::string> dst(4, "-");
  const std::vector<int64_t> dims = {2}, ss = {1}, ds = {2};
  strided_copy_reference({dims, ss, ds}, src.data(), dst.data() + 1);
  CHECK(dst == std::vector<std::string>{"-", "a", "-", "b"});
}

TEST_CASE("gather: batch, outer and inner blocks") {
  // params [batch 2, outer 1, axis 3, inner 2]; indices [2, 2]
  std::vector<float> params(12);
  for (int i = 0; i < 12; ++i) params[static_cast<size_t>(i)] = static_cast<float>(i);
  const std::vector<int64_t> idx = {2, 0, 1, 1};
  std::vector<float> out(8);
  GatherParams p;
  p.batch = 2;
  p.outer = 1;
  p.axis_dim = 3;
  p.num_indices = 2;
  p.inner = 2;
  gather_reference(p, params.data(), idx.data(), out.data(), sizeof(float));
  CHECK(out == std::vector<float>{4, 5, 0, 1, 8, 9, 8, 9});
  const std::vector<std::string> words = {"x", "y", "z"};
  std::vector<std::string> picked(2);
  GatherParams q;
  q.axis_dim = 3;
  q.num_indices = 2;
  const std::vector<int64_t> two = {2, 0};
  gather_reference(q, words.data(), two.data(), picked.data());
  CHECK(picked == std::vector<std::string>{"z", "x"});
}
