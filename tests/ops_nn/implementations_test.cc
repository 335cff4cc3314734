// Every CPU implementation (runtime/implementation.h) against its op's
// reference on seeded random inputs of the shapes real models have: run_op
// (op_test_util.h) runs each applicable implementation beside the reference,
// with the inputs as constants (weights packed at prepare time) and fed
// (packed per run). The last check is that every implementation in the
// table ran here, so a new one cannot go untested.
#include <algorithm>
#include <random>

#include "graph/activation_ops.h"
#include "kernels/conv_direct.h"
#include "kernels/conv_winograd.h"
#include "nn_test_util.h"
#include "test_seed.h"

using namespace frost;
using namespace frost::testing;

namespace {

uint64_t seed() {
  static const uint64_t s = seed_from_env("implementations", 20261206ULL);
  return s;
}

Tensor random(const Shape& shape, uint32_t salt) {
  return f32(pseudo_random(shape.num_elements(), static_cast<uint32_t>(seed()) + salt), shape);
}

Attrs conv_attrs(int64_t stride, const char* padding, int64_t dilation = 1) {
  return {{"T", DType::Float},
          {"strides", std::vector<int64_t>{1, stride, stride, 1}},
          {"dilations", std::vector<int64_t>{1, dilation, dilation, 1}},
          {"padding", std::string(padding)}};
}

Attrs fused(Attrs a, std::vector<std::string> ops, int64_t num_args) {
  a["fused_ops"] = AttrValue(ops);
  a["num_args"] = num_args;
  return a;
}

Attrs pool_attrs(int64_t k, int64_t s, const char* padding) {
  return {{"T", DType::Float},
          {"ksize", std::vector<int64_t>{1, k, k, 1}},
          {"strides", std::vector<int64_t>{1, s, s, 1}},
          {"padding", std::string(padding)}};
}

// The chosen kernel on `inputs` beside the op's reference: the same result.
void check_against_reference(const ChosenKernel& k, const Node& node, const OpDef& def,
                             const std::vector<Tensor>& inputs) {
  std::vector<Tensor> want(1), got(1);
  OpContext ref_ctx(node, inputs, want);
  def.reference(ref_ctx);
  OpContext ctx(node, inputs, got);
  k.kernel(ctx);
  std::string why;
  CHECK_MESSAGE(implementation_agrees(got[0], want[0], why), why);
}

}  // namespace

TEST_CASE("every CPU implementation matches its op's reference") {
  uint32_t salt = 0;
  // conv2d/direct_nhwc and conv2d/im2col_gemm: 1×1 (the direct GEMM), 3×3 SAME stride 1 and 2, dilated,
  // 5×5 VALID; fused epilogues.
  for (const auto& [k, stride, dil, pad] : {std::tuple{1, 1, 1, "VALID"}, std::tuple{3, 1, 1, "SAME"},
                                            std::tuple{3, 2, 1, "SAME"}, std::tuple{3, 1, 2, "SAME"},
                                            std::tuple{5, 1, 1, "VALID"}}) {
    const int kernel_size = k, stride_size = stride;  // copies: clang 14 cannot capture structured bindings
    CAPTURE(kernel_size);
    CAPTURE(stride_size);
    const Tensor x = random(Shape{2, 11, 9, 13}, ++salt), w = random(Shape{k, k, 13, 17}, ++salt);
    run_op("Conv2D", {x, w}, conv_attrs(stride, pad, dil));
    const Tensor y = run_op1("Conv2D", {x, w}, conv_attrs(stride, pad, dil));
    const Tensor bias = random(Shape{17}, ++salt), residual = random(y.shape(), ++salt);
    run_op("_FusedConv2D", {x, w, bias}, fused(conv_attrs(stride, pad, dil), {"BiasAdd", "Relu"}, 1));
    run_op("_FusedConv2D", {x, w, bias, residual}, fused(conv_attrs(stride, pad, dil), {"BiasAdd", "Add", "Relu6"}, 2));
    Attrs leaky = fused(conv_attrs(stride, pad, dil), {"BiasAdd", "LeakyRelu"}, 1);
    leaky["leakyrelu_alpha"] = 0.1f;
    run_op("_FusedConv2D", {x, w, bias}, leaky);
    run_op("_FusedConv2D", {x, w, bias}, fused(conv_attrs(stride, pad, dil), {"BiasAdd", "_MklSwish"}, 1));
    // Frost's per-channel Scale/Shift after the activation (a BatchNorm after the ReLU).
    const Tensor scale = random(Shape{17}, ++salt), shift = random(Shape{17}, ++salt);
    run_op("_FusedConv2D", {x, w, bias, scale, shift},
           fused(conv_attrs(stride, pad, dil), {"BiasAdd", "Relu", "Scale", "Shift"}, 3));
    run_op("_FusedConv2D", {x, w, bias, residual, shift},
           fused(conv_attrs(stride, pad, dil), {"BiasAdd", "Add", "Relu6", "Shift"}, 3));
  }
  // conv2d/direct_nhwc's stem mode (in_c · stride ≤ 8): grayscale and RGB first layers, a 1×1 head with 3
  // outputs, stride 1 and 2; fused bias, activation, scale and shift.
  for (const auto& [k, stride, in_c, out_c] : {std::tuple{3, 1, 1, 28}, std::tuple{3, 2, 3, 32},
                                               std::tuple{3, 1, 3, 8}, std::tuple{1, 1, 8, 3}}) {
    const int64_t in_depth = in_c, out_depth = out_c;  // copies: clang 14 cannot capture structured bindings
    CAPTURE(in_depth);
    CAPTURE(out_depth);
    const Tensor x = random(Shape{2, 13, 11, in_c}, ++salt), w = random(Shape{k, k, in_c, out_c}, ++salt);
    run_op("Conv2D", {x, w}, conv_attrs(stride, "SAME"));
    const Tensor bias = random(Shape{out_c}, ++salt), scale = random(Shape{out_c}, ++salt),
                 shift = random(Shape{out_c}, ++salt);
    run_op("_FusedConv2D", {x, w, bias}, fused(conv_attrs(stride, "VALID"), {"BiasAdd", "Sigmoid"}, 1));
    run_op("_FusedConv2D", {x, w, bias, scale, shift},
           fused(conv_attrs(stride, "SAME"), {"BiasAdd", "Relu", "Scale", "Shift"}, 3));
  }
  // conv2d/winograd: 3×3 stride 1 with enough channels (its cost rule), SAME and VALID, fused epilogues;
  // channels that are not a multiple of the vector width, batch 2.
  for (const char* pad : {"SAME", "VALID"}) {
    const Tensor x = random(Shape{2, 13, 11, 20}, ++salt), w = random(Shape{3, 3, 20, 33}, ++salt);
    run_op("Conv2D", {x, w}, conv_attrs(1, pad));
    const Tensor y = run_op1("Conv2D", {x, w}, conv_attrs(1, pad));
    const Tensor bias = random(Shape{33}, ++salt), residual = random(y.shape(), ++salt);
    run_op("_FusedConv2D", {x, w, bias}, fused(conv_attrs(1, pad), {"BiasAdd", "Relu"}, 1));
    run_op("_FusedConv2D", {x, w, bias, residual}, fused(conv_attrs(1, pad), {"BiasAdd", "Add", "Relu6"}, 2));
    run_op("_FusedConv2D", {x, w, bias}, fused(conv_attrs(1, pad), {"BiasAdd", "_MklSwish"}, 1));
  }
  // Grouped (filter in-depth C / G): a GEMM per group.
  for (int64_t groups : {2, 3, 12})
    run_op("Conv2D", {random(Shape{1, 10, 9, 12}, ++salt), random(Shape{3, 3, 12 / groups, 2 * groups}, ++salt)},
           conv_attrs(1, "SAME"));
  // depthwise/simd: the 3×3 / 5×5 fast paths at stride 1 and 2, multiplier 2 (the generic path).
  for (const auto& [k, stride, mult] : {std::tuple{3, 1, 1}, std::tuple{3, 2, 1}, std::tuple{5, 1, 1},
                                        std::tuple{3, 1, 2}}) {
    const Tensor x = random(Shape{1, 12, 10, 19}, ++salt), w = random(Shape{k, k, 19, mult}, ++salt);
    run_op("DepthwiseConv2dNative", {x, w}, conv_attrs(stride, "SAME"));
    run_op("_FusedDepthwiseConv2dNative", {x, w, random(Shape{19 * mult}, ++salt)},
           fused(conv_attrs(stride, "SAME"), {"BiasAdd", "Relu6"}, 1));
    run_op("_FusedDepthwiseConv2dNative", {x, w, random(Shape{19 * mult}, ++salt)},
           fused(conv_attrs(stride, "SAME"), {"BiasAdd", "_MklSwish"}, 1));
    run_op("_FusedDepthwiseConv2dNative", {x, w, random(Shape{19 * mult}, ++salt), random(Shape{19 * mult}, ++salt)},
           fused(conv_attrs(stride, "SAME"), {"BiasAdd", "Relu", "Scale"}, 2));
  }
  // matmul/gemm: small M (a batch of 1; 1 and 3 rows read a narrow B in
  // place, 12 and 33 columns) and a larger one, B transposed or not, fused
  // bias + activation.
  for (const auto& [m, n, tb] : {std::tuple{1, 33, false}, std::tuple{3, 12, false}, std::tuple{37, 33, false},
                                 std::tuple{5, 33, true}}) {
    const Tensor a = random(Shape{m, 70}, ++salt);
    const Tensor b = tb ? random(Shape{n, 70}, ++salt) : random(Shape{70, n}, ++salt);
    run_op("MatMul", {a, b}, {{"T", DType::Float}, {"transpose_b", static_cast<bool>(tb)}});
    run_op("_FusedMatMul", {a, b, random(Shape{n}, ++salt)},
           fused({{"T", DType::Float}, {"transpose_b", static_cast<bool>(tb)}}, {"BiasAdd", "Tanh"}, 1));
    run_op("_FusedMatMul", {a, b, random(Shape{n}, ++salt)},
           fused({{"T", DType::Float}, {"transpose_b", static_cast<bool>(tb)}}, {"BiasAdd", "_MklSwish"}, 1));
    run_op("_FusedMatMul", {a, b, random(Shape{n}, ++salt), random(Shape{n}, ++salt), random(Shape{n}, ++salt)},
           fused({{"T", DType::Float}, {"transpose_b", static_cast<bool>(tb)}}, {"BiasAdd", "Relu", "Scale", "Shift"},
                 3));
  }
  // chain/simd: hard-swish written out (scalar and per-channel operands, x read again) and a same-shape operand.
  {
    const Tensor x = random(Shape{2, 7, 5, 19}, ++salt), s = random(Shape{19}, ++salt);
    Attrs chain = {{"T", DType::Float},
                   {"steps", AttrValue(std::vector<std::string>{"AddV2", "Relu6", "Mul", "Mul", "Sigmoid", "Sub"})},
                   {"operands", std::vector<int64_t>{1, -1, 2, 0, -1, 3}},
                   {"operand_first", std::vector<int64_t>{0, 0, 0, 1, 0, 1}},
                   {"alphas", std::vector<float>{0, 0, 0, 0, 0, 0}}};
    run_op("_FusedElementwise", {x, f32({3.0f}, Shape{}), s, random(x.shape(), ++salt)}, chain);
  }
  // conv2d_backprop_input/direct_nhwc and gemm_col2im: stride 2 SAME (a decoder's upsampling), 1×1, grouped
  // (gemm_col2im only), a 5×5 stride 2 layer to 1 channel (the direct kernel vectorised over out_c).
  for (const auto& [k, stride, in_c, filter_in] : {std::tuple{3, 2, 8, 8}, std::tuple{1, 1, 8, 8},
                                                   std::tuple{3, 1, 8, 4}, std::tuple{5, 2, 1, 1}}) {
    const Shape in{2, 9, 7, in_c};
    const Tensor probe = run_op1("Conv2D", {random(Shape{2, 9, 7, filter_in}, ++salt), random(Shape{k, k, filter_in, 6}, ++salt)},
                                 conv_attrs(stride, "SAME"));
    const Tensor sizes = i32({2, 9, 7, static_cast<int32_t>(in_c)}, Shape{4});
    run_op("Conv2DBackpropInput", {sizes, random(Shape{k, k, filter_in, 6}, ++salt), random(probe.shape(), ++salt)},
           conv_attrs(stride, "SAME"));
  }
  // pool/simd and mean/spatial_pool.
  const Tensor image = random(Shape{2, 13, 11, 21}, ++salt);
  for (const char* op : {"MaxPool", "AvgPool"}) {
    run_op(op, {image}, pool_attrs(2, 2, "VALID"));
    run_op(op, {image}, pool_attrs(3, 2, "SAME"));
  }
  run_op("Mean", {image, i32({1, 2}, Shape{2})}, {{"T", DType::Float}, {"keep_dims", false}});
  run_op("Mean", {image, i32({1, 2}, Shape{2})}, {{"T", DType::Float}, {"keep_dims", true}});
  // binary/simd (same shape, a per-channel row, a scalar), bias_add/simd, unary/simd.
  const Tensor channel = random(Shape{21}, ++salt), scalar = random(Shape{}, ++salt);
  for (const std::string& op : {"Add", "AddV2", "Sub", "Mul", "RealDiv", "Div", "Maximum", "Minimum", "SquaredDifference"})
    for (const Tensor& other : {random(image.shape(), ++salt), channel, scalar})
      run_op(op, {image, other}, {{"T", DType::Float}});
  run_op("BiasAdd", {image, channel}, {{"T", DType::Float}});
  run_op("BiasAddV1", {image, channel}, {{"T", DType::Float}});
  const Tensor positive = f32(iota_values(image.num_elements(), 0.01f, 0.003f), image.shape());
  for (const char* op : {"Abs", "Neg", "Square", "Sqrt", "Rsqrt", "Reciprocal", "Inv", "Exp"})
    run_op(op, {std::string(op) == "Abs" || std::string(op) == "Neg" || std::string(op) == "Square" ? image : positive},
           {{"T", DType::Float}});
  // activation/simd: every op of the activation table (graph/activation_ops.h), softmax/simd.
  const Tensor wide = f32(iota_values(1000, -12.0f, 0.024f), Shape{10, 100});
  for (const ActivationOp& a : activation_ops()) {
    CAPTURE(a.op);
    run_op(std::string(a.op), {wide}, {{"T", DType::Float}});
    if (a.alpha_attr) run_op(std::string(a.op), {wide}, {{"T", DType::Float}, {"alpha", 0.3f}});
  }
  for (const char* op : {"Softmax", "LogSoftmax"}) run_op(op, {wide}, {{"T", DType::Float}});
  // transpose/permute: NHWC ↔ NCHW and a full reversal, float and int32.
  for (const std::vector<int32_t>& perm : {std::vector<int32_t>{0, 3, 1, 2}, std::vector<int32_t>{3, 2, 1, 0}}) {
    run_op("Transpose", {image, i32(perm, Shape{4})}, {{"T", DType::Float}});
    run_op("Transpose", {i32(std::vector<int32_t>(24, 7), Shape{2, 3, 4, 1}), i32(perm, Shape{4})}, {{"T", DType::Int32}});
  }
  // transpose/permute moving only size-1 dims (a view of the input).
  run_op("Transpose", {random(Shape{1, 5, 3}, ++salt), i32({1, 0, 2}, Shape{3})}, {{"T", DType::Float}});
  run_op("Transpose", {random(Shape{4, 1, 3, 1}, ++salt), i32({1, 0, 3, 2}, Shape{4})}, {{"T", DType::Float}});
  // concat/memcpy, split/view: the inner and the outer axis (tests/ops_array/join_split_random_test.cc has more).
  for (const int32_t axis : {0, 3}) {
    run_op("ConcatV2", {image, image, i32({axis}, Shape{})}, {{"T", DType::Float}, {"N", int64_t{2}}});
    run_op("Split", {i32({axis}, Shape{}), image}, {{"T", DType::Float}, {"num_split", image.shape().dim(axis)}});
  }
  // strided_slice/planned: a Keras gate slice (columns of the last axis) and a reversed crop with a shrunk axis
  // (tests/ops_array/strided_slice_planned_test.cc has more).
  const Attrs slice_attrs = {{"T", DType::Float}, {"Index", DType::Int32}, {"begin_mask", int64_t{1}},
                             {"end_mask", int64_t{1}}};
  run_op("StridedSlice", {image, i32({0, 0, 0, 1}, Shape{4}), i32({0, 2, 3, 3}, Shape{4}), i32({1, 1, 1, 1}, Shape{4})},
         slice_attrs);
  run_op("StridedSlice", {image, i32({0, -1, 1}, Shape{3}), i32({1, 0, 0}, Shape{3}), i32({1, -1, 1}, Shape{3})},
         {{"T", DType::Float}, {"Index", DType::Int32}, {"shrink_axis_mask", int64_t{1}}});
  // slice/planned: a channel crop and a spatial crop to the end (size -1).
  run_op("Slice", {image, i32({0, 0, 0, 1}, Shape{4}), i32({-1, -1, -1, 2}, Shape{4})}, {{"T", DType::Float}});
  run_op("Slice", {image, i32({0, 1, 1, 0}, Shape{4}), i32({1, -1, 2, -1}, Shape{4})}, {{"T", DType::Float}});
  // pad/planned: spatial zero padding (a CNN's ZeroPadding2D), PadV2 with a value, int32 on the channel axis.
  run_op("Pad", {image, i32({0, 0, 1, 2, 3, 0, 0, 0}, Shape{4, 2})}, {{"T", DType::Float}});
  run_op("PadV2", {image, i32({1, 0, 0, 1, 0, 2, 1, 1}, Shape{4, 2}), Tensor::scalar<float>(-2.5f)},
         {{"T", DType::Float}});
  run_op("Pad", {i32(std::vector<int32_t>(24, 7), Shape{2, 3, 4, 1}), i32({0, 0, 0, 0, 0, 0, 2, 1}, Shape{4, 2})},
         {{"T", DType::Int32}});
  // lstm_cell/gemm, gru_cell/gemm: a batch of 1 and of 5, hidden sizes with and without a vector tail.
  for (const auto& [batch, in, hidden] : {std::tuple{1, 6, 16}, std::tuple{5, 11, 13}}) {
    const Tensor x = random(Shape{batch, in}, ++salt), h = random(Shape{batch, hidden}, ++salt);
    run_op("_FrostLSTMCell",
           {x, h, random(Shape{batch, hidden}, ++salt), random(Shape{in + hidden, 4 * hidden}, ++salt),
            random(Shape{4 * hidden}, ++salt)},
           {{"T", DType::Float}});
    run_op("_FrostGRUCell", {x, h, random(Shape{in + hidden, 4 * hidden}, ++salt), random(Shape{4 * hidden}, ++salt)},
           {{"T", DType::Float}, {"reset_after", true}});
    run_op("_FrostGRUCell",
           {x, h, random(Shape{in + hidden, 3 * hidden}, ++salt), random(Shape{3 * hidden}, ++salt),
            random(Shape{hidden, hidden}, ++salt)},
           {{"T", DType::Float}, {"reset_after", false}});
    // hard_sigmoid gates (clamped linear), Keras's slope and another.
    for (const float slope : {0.2f, 1.0f / 6.0f}) {
      const Attrs hard = {
          {"T", DType::Float}, {"gate_activation", "hard_sigmoid"}, {"gate_slope", slope}, {"gate_offset", 0.5f}};
      run_op("_FrostLSTMCell",
             {x, h, random(Shape{batch, hidden}, ++salt), random(Shape{in + hidden, 4 * hidden}, ++salt),
              random(Shape{4 * hidden}, ++salt)},
             hard);
      Attrs gru = hard;
      gru["reset_after"] = true;
      run_op("_FrostGRUCell", {x, h, random(Shape{in + hidden, 4 * hidden}, ++salt), random(Shape{4 * hidden}, ++salt)},
             gru);
      gru["reset_after"] = false;
      run_op("_FrostGRUCell",
             {x, h, random(Shape{in + hidden, 3 * hidden}, ++salt), random(Shape{3 * hidden}, ++salt),
              random(Shape{hidden, hidden}, ++salt)},
             gru);
    }
  }

  // audio/fft: a window that is a power of two and one that is not (zero padding), mono and stereo.
  for (const auto& [window, stride, channels] : {std::tuple{16, 5, 1}, std::tuple{30, 12, 2}}) {
    const Tensor clip = random(Shape{3 * window + 7, channels}, ++salt);
    run_op("AudioSpectrogram", {clip}, {{"window_size", int64_t{window}}, {"stride", int64_t{stride}}});
    run_op("AudioSpectrogram", {clip},
           {{"window_size", int64_t{window}}, {"stride", int64_t{stride}}, {"magnitude_squared", true}});
  }

  // audio/mfcc_table: TensorFlow's default filterbank and a narrower one.
  for (const auto& [bins, channels] : {std::tuple{129, 40}, std::tuple{33, 12}}) {
    const Tensor spectrum = random(Shape{2, 5, bins}, ++salt);
    std::vector<float> power(spectrum.data<float>(), spectrum.data<float>() + spectrum.num_elements());
    for (float& v : power) v = v * v;  // a spectrogram is not negative
    run_op("Mfcc", {Tensor::from_vector(power, spectrum.shape()), Tensor::scalar<int32_t>(16000)},
           {{"filterbank_channel_count", int64_t{channels}}, {"dct_coefficient_count", int64_t{10}}});
  }

  // quantized_matmul/rows: plain and with b stored transposed.
  for (const bool trans_b : {false, true}) {
    std::vector<uint8_t> a(3 * 40), b(40 * 9);
    for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<uint8_t>(i * 37 % 251);
    for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(i * 91 % 253);
    Tensor ta(DType::QUInt8, Shape{3, 40}), tb(DType::QUInt8, trans_b ? Shape{9, 40} : Shape{40, 9});
    std::copy(a.begin(), a.end(), static_cast<uint8_t*>(ta.raw_data()));
    std::copy(b.begin(), b.end(), static_cast<uint8_t*>(tb.raw_data()));
    run_op("QuantizedMatMul",
           {ta, tb, Tensor::scalar<float>(-1), Tensor::scalar<float>(1), Tensor::scalar<float>(0),
            Tensor::scalar<float>(2.55f)},
           {{"transpose_b", trans_b}});
  }

  for (const Implementation& impl : all_implementations()) {
    CAPTURE(impl.name);
    CHECK(implementation_cases()[impl.name] >= 2);
  }
}

TEST_CASE("transpose/permute: a perm moving only size-1 dims views the input, others copy") {
  const OpDef& def = *OpRegistry::global().find("Transpose");
  const Node node = make_node("Transpose", 2, {{"T", DType::Float}});
  PrepareContext pc{node, def, {nullptr, nullptr}};
  const ChosenKernel k = choose_implementation(pc);
  REQUIRE(k.implementation == "transpose/permute");
  for (const auto& [dims, view] : {std::pair{std::vector<int64_t>{1, 5, 3}, true},
                                   std::pair{std::vector<int64_t>{2, 5, 3}, false}}) {
    const Tensor x = random(Shape(dims), 7);
    const std::vector<Tensor> inputs{x, i32({1, 0, 2}, Shape{3})};
    std::vector<Tensor> out(1);
    OpContext ctx(node, inputs, out);
    k.kernel(ctx);
    const bool is_view = out[0].raw_data() == x.raw_data();
    CHECK(is_view == view);
    CHECK(out[0].shape() == Shape{5, dims[0], 3});
  }
}

TEST_CASE("implementations decline what they do not take: the reference runs it") {
  // NCHW, float64 and transpose_a have no SIMD implementation: only the reference runs.
  implementation_cases().clear();
  Attrs nchw = conv_attrs(1, "SAME");
  nchw["data_format"] = std::string("NCHW");
  nchw["strides"] = std::vector<int64_t>{1, 1, 1, 1};
  run_op("Conv2D", {random(Shape{1, 3, 5, 5}, 1), random(Shape{3, 3, 3, 2}, 2)}, nchw);
  run_op("Relu", {Tensor::from_vector<double>({-1.0, 2.0}, Shape{2})}, {{"T", DType::Double}});
  run_op("MatMul", {random(Shape{4, 3}, 3), random(Shape{4, 2}, 4)}, {{"T", DType::Float}, {"transpose_a", true}});
  CHECK(implementation_cases().empty());
}

TEST_CASE("FROST_IMPL entries: names, families, variants; unknown ones and excluding the reference are errors") {
  const std::vector<const Implementation*>& convs = implementations_for("Conv2D");
  auto named = [&](const std::string& name) -> const Implementation& {
    const auto it = std::find_if(convs.begin(), convs.end(), [&](const Implementation* i) { return i->name == name; });
    REQUIRE(it != convs.end());
    return **it;
  };
  const Implementation* conv = &named("conv2d/im2col_gemm");
  const Implementation& winograd = named("conv2d/winograd");
  CHECK(convs.front() == &winograd);  // tried first: it declines what its cost rule does not take
  CHECK(ImplFilter::parse("conv2d/im2col_gemm").allows("Conv2D", *conv));
  CHECK_FALSE(ImplFilter::parse("conv2d/im2col_gemm").allows("Conv2D", winograd));
  CHECK_FALSE(ImplFilter::parse("-conv2d/winograd").allows("Conv2D", winograd));
  CHECK(ImplFilter::parse("-conv2d/winograd").allows("Conv2D", *conv));
  CHECK_FALSE(ImplFilter::parse("-conv2d").allows("Conv2D", *conv));
  CHECK_FALSE(ImplFilter::parse("reference").allows("Conv2D", *conv));
  // Forcing one op's implementation leaves the other ops alone.
  const Implementation* relu = implementations_for("Relu").at(0);
  CHECK(ImplFilter::parse("conv2d/im2col_gemm").allows("Relu", *relu));
  CHECK_FALSE(ImplFilter::parse("simd,-activation/simd").allows("Relu", *relu));
  CHECK_THROWS_WITH_AS(ImplFilter::parse("conv3d/winograd"), doctest::Contains("conv3d/winograd"), Error);
  CHECK_THROWS_WITH_AS(ImplFilter::parse("-reference"), doctest::Contains("cannot be excluded"), Error);
  CHECK(reference_implementation_name("Conv2D") == "Conv2D/reference");
}

TEST_CASE("conv2d/winograd is chosen for 3x3 stride-1 layers its cost rule accepts, and only for those") {
  // The implementation the planner picks for a Conv2D with a constant
  // filter, given the input shape static inference knows.
  auto chosen = [](const Shape& input, const Shape& filter, Attrs attrs) {
    const Node node = make_node("Conv2D", 2, std::move(attrs));
    const OpDef& def = *OpRegistry::global().find("Conv2D");
    const Tensor w = random(filter, 99);
    PrepareContext pc{node, def, {nullptr, &w}, {PartialShape(input.dims()), PartialShape(filter.dims())}};
    return choose_implementation(pc).implementation;
  };
  const bool has_winograd = kernels::conv2d_winograd_kernel_name() != nullptr;
  // What takes the layers Winograd declines: the direct kernel (one group, AVX2 or AVX-512), else im2col.
  const std::string others = kernels::conv2d_direct_isa_supported() ? "conv2d/direct_nhwc" : "conv2d/im2col_gemm";
  CHECK(chosen(Shape{1, 56, 56, 64}, Shape{3, 3, 64, 64}, conv_attrs(1, "SAME")) ==
        (has_winograd ? "conv2d/winograd" : others));
  // Not Winograd: an RGB stem (too few channels), stride 2, dilation 2, 5×5, a tiny image, groups.
  CHECK(chosen(Shape{1, 56, 56, 3}, Shape{3, 3, 3, 64}, conv_attrs(1, "SAME")) == others);
  CHECK(chosen(Shape{1, 56, 56, 64}, Shape{3, 3, 64, 64}, conv_attrs(2, "SAME")) == others);
  CHECK(chosen(Shape{1, 56, 56, 64}, Shape{3, 3, 64, 64}, conv_attrs(1, "SAME", 2)) == others);
  CHECK(chosen(Shape{1, 56, 56, 64}, Shape{5, 5, 64, 64}, conv_attrs(1, "SAME")) == others);
  CHECK(chosen(Shape{1, 3, 3, 64}, Shape{3, 3, 64, 64}, conv_attrs(1, "SAME")) == others);
  CHECK(chosen(Shape{1, 56, 56, 64}, Shape{3, 3, 32, 64}, conv_attrs(1, "SAME")) == "conv2d/im2col_gemm");
  // FROST_IMPL=-conv2d/winograd leaves its layers to the others.
  const Node node = make_node("Conv2D", 2, conv_attrs(1, "SAME"));
  const Tensor w = random(Shape{3, 3, 64, 64}, 98);
  PrepareContext pc{node, *OpRegistry::global().find("Conv2D"), {nullptr, &w},
                    {PartialShape({1, 56, 56, 64}), PartialShape({3, 3, 64, 64})}};
  CHECK(choose_implementation(pc, ImplFilter::parse("-conv2d/winograd")).implementation == others);
  CHECK(choose_implementation(pc, ImplFilter::parse("-conv2d/winograd,-conv2d/direct_nhwc")).implementation ==
        "conv2d/im2col_gemm");
}

TEST_CASE("conv2d/winograd prepared for a Const filter computes a feed that replaces it") {
  // The Const is packed at prepare time; a run that feeds another filter
  // (of the same or another 3×3 shape) must use that one, transformed then.
  const bool has_winograd = kernels::conv2d_winograd_kernel_name() != nullptr;
  if (!has_winograd) return;
  const Node node = make_node("Conv2D", 2, conv_attrs(1, "SAME"));
  const OpDef& def = *OpRegistry::global().find("Conv2D");
  const Tensor x = random(Shape{1, 16, 16, 24}, 201), w_const = random(Shape{3, 3, 24, 32}, 202);
  PrepareContext pc{node, def, {nullptr, &w_const}, {PartialShape({1, 16, 16, 24}), PartialShape({3, 3, 24, 32})}};
  const ChosenKernel k = choose_implementation(pc);
  REQUIRE(k.implementation == "conv2d/winograd");
  for (const Tensor& w : {w_const, random(Shape{3, 3, 24, 32}, 203), random(Shape{3, 3, 24, 20}, 204)}) {
    const std::vector<Tensor> inputs{x, w};
    check_against_reference(k, node, def, inputs);
  }
}

TEST_CASE("conv2d/direct_nhwc takes a layer whose input depth is unknown at prepare time; a grouped feed still runs") {
  // A U-Net decoder's Conv2D reads a Concat of a Conv2DBackpropInput whose
  // input_sizes is computed, so static inference knows no depth there.
  if (!kernels::conv2d_direct_isa_supported()) return;
  const Node node = make_node("_FusedConv2D", 5, fused(conv_attrs(1, "SAME"), {"BiasAdd", "Relu", "Scale", "Shift"}, 3));
  const OpDef& def = *OpRegistry::global().find("_FusedConv2D");
  const Tensor w = random(Shape{3, 3, 8, 12}, 301), bias = random(Shape{12}, 302), scale = random(Shape{12}, 303),
               shift = random(Shape{12}, 304);
  PrepareContext pc{node, def, {nullptr, &w, &bias, &scale, &shift},
                    {PartialShape({-1, -1, -1, -1}), PartialShape({3, 3, 8, 12}), PartialShape({12}),
                     PartialShape({12}), PartialShape({12})}};
  const ChosenKernel k = choose_implementation(pc);
  REQUIRE(k.implementation == "conv2d/direct_nhwc");
  // Depth 8 (one group: the direct kernel) and 16 (two groups: im2col_gemm behind it).
  for (const int64_t depth : {8, 16}) {
    CAPTURE(depth);
    const std::vector<Tensor> inputs{random(Shape{1, 9, 7, depth}, 305), w, bias, scale, shift};
    check_against_reference(k, node, def, inputs);
  }
}

TEST_CASE("conv2d/winograd takes a 3x3 layer whose input depth is unknown at prepare time; a grouped feed still runs") {
  // As above with 32 channels in: Winograd's rule (16 or more in when the
  // size is unknown) holds for the filter's depth.
  kernels::Conv2DParams geometry;
  geometry.filter_h = geometry.filter_w = 3;
  geometry.in_c = 32;
  geometry.out_c = 16;
  if (!kernels::conv2d_winograd_supported(geometry)) return;  // SSE2: no Winograd kernel
  const Node node = make_node("_FusedConv2D", 3, fused(conv_attrs(1, "SAME"), {"BiasAdd", "Relu"}, 1));
  const OpDef& def = *OpRegistry::global().find("_FusedConv2D");
  const Tensor w = random(Shape{3, 3, 32, 16}, 311), bias = random(Shape{16}, 312);
  PrepareContext pc{node, def, {nullptr, &w, &bias},
                    {PartialShape({-1, -1, -1, -1}), PartialShape({3, 3, 32, 16}), PartialShape({16})}};
  const ChosenKernel k = choose_implementation(pc);
  REQUIRE(k.implementation == "conv2d/winograd");
  // Depth 32 (one group: Winograd) and 64 (two groups: im2col_gemm behind it).
  for (const int64_t depth : {32, 64}) {
    CAPTURE(depth);
    const std::vector<Tensor> inputs{random(Shape{1, 10, 9, depth}, 313), w, bias};
    check_against_reference(k, node, def, inputs);
  }
  // A known depth that is grouped stays with im2col_gemm.
  PrepareContext grouped{node, def, {nullptr, &w, &bias},
                         {PartialShape({1, 10, 9, 64}), PartialShape({3, 3, 32, 16}), PartialShape({16})}};
  CHECK(choose_implementation(grouped).implementation == "conv2d/im2col_gemm");
}

TEST_CASE("_FrostGRUCell, _FrostLSTMCell: an unknown gate_activation is an error naming it") {
  const Tensor x = random(Shape{1, 3}, 900), h = random(Shape{1, 4}, 901), c = random(Shape{1, 4}, 902);
  const Attrs attrs = {{"T", DType::Float}, {"gate_activation", "relu"}};
  CHECK_THROWS_WITH_AS(run_op("_FrostGRUCell", {x, h, random(Shape{7, 16}, 903), random(Shape{16}, 904)}, attrs),
                       doctest::Contains("gate_activation must be sigmoid or hard_sigmoid, got relu"), Error);
  CHECK_THROWS_WITH_AS(
      run_op("_FrostLSTMCell", {x, h, c, random(Shape{7, 16}, 905), random(Shape{16}, 906)}, attrs),
      doctest::Contains("gate_activation must be sigmoid or hard_sigmoid, got relu"), Error);
}
