// Conv2D, DepthwiseConv2dNative and Conv2DBackpropInput against hand-computed
// values, layouts, padding modes and bad input.
#include "nn_test_util.h"

using namespace frost;
using namespace frost::testing;

namespace {

Attrs conv_attrs(std::vector<int64_t> strides, const std::string& padding) {
  return {{"T", DType::Float}, {"strides", strides}, {"padding", padding}};
}

// Sum over all elements of a * b (for the adjoint test).
double dot(const Tensor& a, const Tensor& b) {
  double s = 0;
  for (int64_t i = 0; i < a.num_elements(); ++i) s += a.as_double(i) * b.as_double(i);
  return s;
}

}  // namespace

TEST_CASE("Conv2D VALID 3x3 input, 2x2 diagonal filter") {
  const Tensor x = f32(iota_values(9), Shape{1, 3, 3, 1});
  const Tensor f = f32({1, 0, 0, 1}, Shape{2, 2, 1, 1});
  const Tensor y = run_op1("Conv2D", {x, f}, conv_attrs({1, 1, 1, 1}, "VALID"));
  // y[i,j] = x[i,j] + x[i+1,j+1]
  check_close(y, f32({6, 8, 12, 14}, Shape{1, 2, 2, 1}));
}

TEST_CASE("Conv2D SAME, odd input 5x5, stride 2: one pad on each side") {
  const Tensor x = f32(iota_values(25), Shape{1, 5, 5, 1});
  const Tensor f = f32(std::vector<float>(9, 1.0f), Shape{3, 3, 1, 1});
  const Tensor y = run_op1("Conv2D", {x, f}, conv_attrs({1, 2, 2, 1}, "SAME"));
  check_close(y, f32({16, 33, 28, 69, 117, 87, 76, 123, 88}, Shape{1, 3, 3, 1}));
}

TEST_CASE("Conv2D SAME, even input 4x4, stride 2: the extra pad goes after") {
  const Tensor x = f32(iota_values(16), Shape{1, 4, 4, 1});
  const Tensor f = f32(std::vector<float>(9, 1.0f), Shape{3, 3, 1, 1});
  const Tensor y = run_op1("Conv2D", {x, f}, conv_attrs({1, 2, 2, 1}, "SAME"));
  // Windows start at rows/cols 0 and 2 (no top/left pad), the last is cut by the bottom/right pad.
  check_close(y, f32({54, 45, 72, 54}, Shape{1, 2, 2, 1}));
}

TEST_CASE("Conv2D with dilations 2 reads every other pixel") {
  const Tensor x = f32(iota_values(25), Shape{1, 5, 5, 1});
  const Tensor f = f32({1, 1, 1, 1}, Shape{2, 2, 1, 1});
  Attrs a = conv_attrs({1, 1, 1, 1}, "VALID");
  a["dilations"] = ints({1, 2, 2, 1});
  const Tensor y = run_op1("Conv2D", {x, f}, a);
  // y[i,j] = x[i,j] + x[i,j+2] + x[i+2,j] + x[i+2,j+2] = 4*(5i+j+1) + 24
  check_close(y, f32({28, 32, 36, 48, 52, 56, 68, 72, 76}, Shape{1, 3, 3, 1}));
}

TEST_CASE("Conv2D mixes channels through an HWIO filter") {
  const Tensor x = f32({1, 2}, Shape{1, 1, 1, 2});
  const Tensor f = f32({1, 2, 3, 4, 5, 6}, Shape{1, 1, 2, 3});  // [ic][oc]
  check_close(run_op1("Conv2D", {x, f}, conv_attrs({1, 1, 1, 1}, "VALID")), f32({9, 12, 15}, Shape{1, 1, 1, 3}));
}

TEST_CASE("Conv2D EXPLICIT padding") {
  const Tensor x = f32({1, 2, 3, 4}, Shape{1, 2, 2, 1});
  const Tensor f = f32({1, 1, 1, 1}, Shape{2, 2, 1, 1});
  Attrs a = conv_attrs({1, 1, 1, 1}, "EXPLICIT");
  a["explicit_paddings"] = ints({0, 0, 1, 0, 0, 1, 0, 0});  // top 1, right 1
  // Padded input rows: [0 0 0] [1 2 0] [3 4 0]
  check_close(run_op1("Conv2D", {x, f}, a), f32({3, 2, 10, 6}, Shape{1, 2, 2, 1}));
}

TEST_CASE("Conv2D grouped: filter input depth divides input depth") {
  const Tensor x = f32({1, 2, 3, 4}, Shape{1, 1, 1, 4});
  const Tensor f = f32({1, 10, 2, 20}, Shape{1, 1, 2, 2});
  // Group 0 (channels 0,1) -> output 0, group 1 (channels 2,3) -> output 1.
  check_close(run_op1("Conv2D", {x, f}, conv_attrs({1, 1, 1, 1}, "VALID")), f32({5, 110}, Shape{1, 1, 1, 2}));
}

TEST_CASE("Conv2D NCHW gives the NHWC numbers, transposed") {
  const Tensor x = f32(pseudo_random(2 * 5 * 6 * 3, 7), Shape{2, 5, 6, 3});
  const Tensor f = f32(pseudo_random(3 * 3 * 3 * 4, 11), Shape{3, 3, 3, 4});
  Attrs nhwc = conv_attrs({1, 2, 2, 1}, "SAME");
  nhwc["dilations"] = ints({1, 1, 2, 1});
  const Tensor y = run_op1("Conv2D", {x, f}, nhwc);
  CHECK(y.shape() == Shape{2, 3, 3, 4});
  Attrs nchw = conv_attrs({1, 1, 2, 2}, "SAME");
  nchw["dilations"] = ints({1, 1, 1, 2});
  nchw["data_format"] = "NCHW";
  const Tensor y2 = run_op1("Conv2D", {nhwc_to_nchw(x), f}, nchw);
  CHECK(y2.shape() == Shape{2, 4, 3, 3});
  check_close(nchw_to_nhwc(y2), y, 1e-6);
}

TEST_CASE("Conv2D empty batch and float64") {
  const Tensor empty = run_op1("Conv2D", {f32({}, Shape{0, 3, 3, 1}), f32({1, 1, 1, 1}, Shape{2, 2, 1, 1})},
                               conv_attrs({1, 1, 1, 1}, "VALID"));
  CHECK(empty.shape() == Shape{0, 2, 2, 1});
  const Tensor x = Tensor::from_vector<double>({1, 2, 3, 4}, Shape{1, 2, 2, 1});
  const Tensor f = Tensor::from_vector<double>({0.5, 0.25, 2, 1}, Shape{2, 2, 1, 1});
  const Tensor y = run_op1("Conv2D", {x, f}, conv_attrs({1, 1, 1, 1}, "VALID"));
  REQUIRE(y.dtype() == DType::Double);
  CHECK(y.data<double>()[0] == doctest::Approx(0.5 + 0.5 + 6 + 4));
}

TEST_CASE("Conv2D shape function with unknown dims") {
  const Attrs a = conv_attrs({1, 2, 2, 1}, "SAME");
  CHECK(infer("Conv2D", {PartialShape{-1, 5, 5, 1}, PartialShape{3, 3, 1, 8}}, a)[0] == PartialShape{-1, 3, 3, 8});
  CHECK(infer("Conv2D", {PartialShape{-1, -1, 7, 1}, PartialShape{3, 3, 1, 8}}, a)[0] == PartialShape{-1, -1, 4, 8});
  CHECK(infer("Conv2D", {PartialShape::unknown(), PartialShape{3, 3, 1, 8}}, a)[0] == PartialShape{-1, -1, -1, 8});
  Attrs v = conv_attrs({1, 1, 1, 1}, "VALID");
  v["data_format"] = "NCHW";
  CHECK(infer("Conv2D", {PartialShape{2, 1, 5, 6}, PartialShape{3, 2, 1, 4}}, v)[0] == PartialShape{2, 4, 3, 5});
}

TEST_CASE("Conv2D rejects bad input with the op named") {
  const Tensor x = f32(iota_values(27), Shape{1, 3, 3, 3});
  const Tensor f2 = f32(iota_values(8), Shape{2, 2, 2, 1});
  check_rejects("Conv2D", {x, f2}, conv_attrs({1, 1, 1, 1}, "VALID"), "input depth 3 does not match");
  const Tensor f3 = f32(iota_values(12), Shape{2, 2, 3, 1});
  check_rejects("Conv2D", {f32(iota_values(9), Shape{3, 3, 1}), f3}, conv_attrs({1, 1, 1, 1}, "VALID"), "4-D");
  check_rejects("Conv2D", {x, f3}, {{"padding", "VALID"}}, "strides");
  check_rejects("Conv2D", {x, f3}, {{"strides", ints({1, 1, 1, 1})}}, "padding");
  check_rejects("Conv2D", {x, f3}, conv_attrs({1, 1, 1}, "VALID"), "4 elements");
  check_rejects("Conv2D", {x, f3}, conv_attrs({2, 1, 1, 1}, "VALID"), "batch and channel");
  check_rejects("Conv2D", {x, f3}, conv_attrs({1, 1, 1, 1}, "FULL"), "padding");
  // A 2x2 filter over 1x1 gives an empty output as in TensorFlow; 3x3 is an error.
  CHECK(run_op1("Conv2D", {f32(iota_values(3), Shape{1, 1, 1, 3}), f3}, conv_attrs({1, 1, 1, 1}, "VALID")).shape() ==
        Shape{1, 0, 0, 1});
  check_rejects("Conv2D", {f32(iota_values(3), Shape{1, 1, 1, 3}), f32(iota_values(27), Shape{3, 3, 3, 1})},
                conv_attrs({1, 1, 1, 1}, "VALID"), "too small");
  Attrs bad_format = conv_attrs({1, 1, 1, 1}, "VALID");
  bad_format["data_format"] = "HWCN";
  check_rejects("Conv2D", {x, f3}, bad_format, "data_format");
  check_rejects("Conv2D", {i32({1}, Shape{1, 1, 1, 1}), i32({1}, Shape{1, 1, 1, 1})}, conv_attrs({1, 1, 1, 1}, "VALID"),
                "dtype");
  Attrs explicit_short = conv_attrs({1, 1, 1, 1}, "EXPLICIT");
  explicit_short["explicit_paddings"] = ints({0, 0, 1, 1});
  check_rejects("Conv2D", {x, f3}, explicit_short, "explicit_paddings");
}

TEST_CASE("DepthwiseConv2dNative with depth multiplier 2") {
  // Channel 0 holds 1,2,3,4 and channel 1 holds 10,20,30,40 (NHWC interleaved).
  const Tensor x = f32({1, 10, 2, 20, 3, 30, 4, 40}, Shape{1, 2, 2, 2});
  // filter[ky, kx, c, j]: (c0,j0) all 1; (c0,j1) 1 at (0,0); (c1,j0) 1 at (1,1); (c1,j1) all 0.5.
  std::vector<float> fv(16, 0.0f);
  const auto at = [](int ky, int kx, int c, int j) { return static_cast<size_t>(((ky * 2 + kx) * 2 + c) * 2 + j); };
  for (int ky = 0; ky < 2; ++ky)
    for (int kx = 0; kx < 2; ++kx) {
      fv[at(ky, kx, 0, 0)] = 1.0f;
      fv[at(ky, kx, 1, 1)] = 0.5f;
    }
  fv[at(0, 0, 0, 1)] = 1.0f;
  fv[at(1, 1, 1, 0)] = 1.0f;
  const Tensor y = run_op1("DepthwiseConv2dNative", {x, f32(fv, Shape{2, 2, 2, 2})}, conv_attrs({1, 1, 1, 1}, "VALID"));
  // Output channel c*2 + j.
  check_close(y, f32({10, 1, 40, 50}, Shape{1, 1, 1, 4}));
}

TEST_CASE("DepthwiseConv2dNative SAME with stride and dilation, NCHW equals NHWC") {
  const Tensor x = f32(pseudo_random(1 * 7 * 6 * 3, 3), Shape{1, 7, 6, 3});
  const Tensor f = f32(pseudo_random(3 * 2 * 3 * 2, 5), Shape{3, 2, 3, 2});
  Attrs nhwc = conv_attrs({1, 2, 1, 1}, "SAME");
  nhwc["dilations"] = ints({1, 2, 1, 1});
  const Tensor y = run_op1("DepthwiseConv2dNative", {x, f}, nhwc);
  CHECK(y.shape() == Shape{1, 4, 6, 6});
  Attrs nchw = conv_attrs({1, 1, 2, 1}, "SAME");
  nchw["dilations"] = ints({1, 1, 2, 1});
  nchw["data_format"] = "NCHW";
  check_close(nchw_to_nhwc(run_op1("DepthwiseConv2dNative", {nhwc_to_nchw(x), f}, nchw)), y, 1e-6);

  // Spot check one output against the definition: y[0, 1, 0, c*2+j] with
  // SAME pad_top = ((4-1)*2 + 5 - 7) / 2 = 2, pad_left = (6-1 + 2 - 6)/2 = 0.
  double want = 0;
  for (int ky = 0; ky < 3; ++ky)
    for (int kx = 0; kx < 2; ++kx) {
      const int iy = 1 * 2 - 2 + ky * 2, ix = kx;
      if (iy < 0 || iy >= 7) continue;
      want += x.as_double((iy * 6 + ix) * 3 + 1) * f.as_double(((ky * 2 + kx) * 3 + 1) * 2 + 1);
    }
  CHECK(y.as_double(((1 * 6) + 0) * 6 + 1 * 2 + 1) == doctest::Approx(want).epsilon(1e-6));
}

TEST_CASE("DepthwiseConv2dNative rejects a channel mismatch") {
  check_rejects("DepthwiseConv2dNative",
                {f32(iota_values(8), Shape{1, 2, 2, 2}), f32(iota_values(12), Shape{2, 2, 3, 1})},
                conv_attrs({1, 1, 1, 1}, "VALID"), "does not match filter depth");
  CHECK(infer("DepthwiseConv2dNative", {PartialShape{-1, 8, 8, 3}, PartialShape{3, 3, 3, 2}},
              conv_attrs({1, 2, 2, 1}, "VALID"))[0] == PartialShape{-1, 3, 3, 6});
}

TEST_CASE("Conv2DBackpropInput VALID stride 1 is the full correlation") {
  const Tensor sizes = i32({1, 3, 3, 1}, Shape{4});
  const Tensor f = f32({1, 2, 3, 4}, Shape{2, 2, 1, 1});
  const Tensor g = f32({1, 2, 3, 4}, Shape{1, 2, 2, 1});
  check_close(run_op1("Conv2DBackpropInput", {sizes, f, g}, conv_attrs({1, 1, 1, 1}, "VALID")),
              f32({1, 4, 4, 6, 20, 16, 9, 24, 16}, Shape{1, 3, 3, 1}));
}

TEST_CASE("Conv2DBackpropInput stride 2: each input pixel gets one tap") {
  const Tensor sizes = i32({1, 4, 4, 1}, Shape{4});
  const Tensor f = f32({1, 2, 3, 4}, Shape{2, 2, 1, 1});
  const Tensor g = f32({1, 2, 3, 4}, Shape{1, 2, 2, 1});
  check_close(run_op1("Conv2DBackpropInput", {sizes, f, g}, conv_attrs({1, 2, 2, 1}, "VALID")),
              f32({1, 2, 2, 4, 3, 4, 6, 8, 3, 6, 4, 8, 9, 12, 12, 16}, Shape{1, 4, 4, 1}));
}

TEST_CASE("Conv2DBackpropInput SAME stride 2 on an odd size, and with 2-element input_sizes") {
  const Tensor f = f32(std::vector<float>(9, 1.0f), Shape{3, 3, 1, 1});
  const Tensor g = f32({1, 2, 3, 4}, Shape{1, 2, 2, 1});
  const Tensor want = f32({1, 3, 2, 4, 10, 6, 3, 7, 4}, Shape{1, 3, 3, 1});
  check_close(run_op1("Conv2DBackpropInput", {i32({1, 3, 3, 1}, Shape{4}), f, g}, conv_attrs({1, 2, 2, 1}, "SAME")),
              want);
  check_close(run_op1("Conv2DBackpropInput", {i32({3, 3}, Shape{2}), f, g}, conv_attrs({1, 2, 2, 1}, "SAME")), want);
}

TEST_CASE("Conv2DBackpropInput is the adjoint of Conv2D (NHWC, NCHW, explicit padding, dilation)") {
  const Tensor x = f32(pseudo_random(2 * 6 * 7 * 3, 21), Shape{2, 6, 7, 3});
  const Tensor f = f32(pseudo_random(3 * 2 * 3 * 4, 22), Shape{3, 2, 3, 4});
  Attrs a = conv_attrs({1, 2, 3, 1}, "EXPLICIT");
  a["explicit_paddings"] = ints({0, 0, 1, 2, 0, 1, 0, 0});
  a["dilations"] = ints({1, 2, 1, 1});
  const Tensor y = run_op1("Conv2D", {x, f}, a);
  const Tensor g = f32(pseudo_random(y.num_elements(), 23), y.shape());
  const Tensor dx = run_op1("Conv2DBackpropInput", {i32({2, 6, 7, 3}, Shape{4}), f, g}, a);
  CHECK(dx.shape() == x.shape());
  // <conv(x), g> == <x, conv^T(g)>
  CHECK(dot(y, g) == doctest::Approx(dot(x, dx)).epsilon(1e-5));

  Attrs n = conv_attrs({1, 1, 2, 3}, "EXPLICIT");
  n["explicit_paddings"] = ints({0, 0, 0, 0, 1, 2, 0, 1});
  n["dilations"] = ints({1, 1, 2, 1});
  n["data_format"] = "NCHW";
  const Tensor dx2 = run_op1("Conv2DBackpropInput", {i32({2, 3, 6, 7}, Shape{4}), f, nhwc_to_nchw(g)}, n);
  check_close(nchw_to_nhwc(dx2), dx, 1e-6);
}

TEST_CASE("Conv2DBackpropInput shape function and bad input") {
  const Tensor sizes = i32({1, 9, 9, 4}, Shape{4});
  const Attrs a = conv_attrs({1, 2, 2, 1}, "SAME");
  CHECK(infer("Conv2DBackpropInput", {PartialShape{4}, PartialShape{3, 3, 4, 2}, PartialShape{1, 5, 5, 2}}, a,
              {&sizes})[0] == PartialShape{1, 9, 9, 4});
  CHECK(infer("Conv2DBackpropInput", {PartialShape{4}, PartialShape{3, 3, 4, 2}, PartialShape{1, 5, 5, 2}}, a)[0] ==
        PartialShape{-1, -1, -1, -1});
  const Tensor f = f32(std::vector<float>(9, 1.0f), Shape{3, 3, 1, 1});
  check_rejects("Conv2DBackpropInput", {i32({1, 4, 4, 1}, Shape{4}), f, f32({1, 2, 3, 4}, Shape{1, 2, 2, 1})},
                conv_attrs({1, 1, 1, 1}, "SAME"), "does not match the forward convolution output");
  check_rejects("Conv2DBackpropInput", {i32({1, 4, 4}, Shape{3}), f, f32({1, 2, 3, 4}, Shape{1, 2, 2, 1})},
                conv_attrs({1, 2, 2, 1}, "SAME"), "input_sizes");
  const Tensor f2 = f32(std::vector<float>(18, 1.0f), Shape{3, 3, 2, 1});
  check_rejects("Conv2DBackpropInput", {i32({1, 4, 4, 3}, Shape{4}), f2, f32({1, 2, 3, 4}, Shape{1, 2, 2, 1})},
                conv_attrs({1, 2, 2, 1}, "SAME"), "does not match filter input depth");
}

TEST_CASE("absurd sizes are refused before any arithmetic can overflow or memory is taken") {
  const Tensor x = f32(iota_values(9), Shape{1, 3, 3, 1});
  const Tensor f = f32({1, 1, 1, 1}, Shape{2, 2, 1, 1});
  Attrs a = conv_attrs({1, 1, 1, 1}, "VALID");
  a["dilations"] = ints({1, int64_t{1} << 40, 1, 1});
  check_rejects("Conv2D", {x, f}, a, "too large");
  Attrs e = conv_attrs({1, 1, 1, 1}, "EXPLICIT");
  e["explicit_paddings"] = ints({0, 0, int64_t{1} << 50, 0, 0, 0, 0, 0});
  check_rejects("Conv2D", {x, f}, e, "explicit_paddings");
  // input_sizes far beyond any tensor, with a stride that makes out_backprop tiny.
  check_rejects(
      "Conv2DBackpropInput",
      {i64({1, int64_t{1} << 41, 1, 1}, Shape{4}), f32({1}, Shape{1, 1, 1, 1}), f32({1, 1}, Shape{1, 2, 1, 1})},
      conv_attrs({1, 1 << 30, 1, 1}, "SAME"), "out of range");
}
