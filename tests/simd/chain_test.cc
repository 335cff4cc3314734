// The fused element-wise chain (elementwise_chain_f32) against its reference
// twin on every runnable ISA: random chains of activations, unary math and
// binary steps with every operand kind (x itself, same shape, per channel,
// one value; operand first or second), channel counts below, at and above
// the vector width and the row-widening threshold, tails, in place, 1 and 2
// threads. IEEE steps must match exactly; exp-based ones within a few ulps.
// Randomised with a printed seed (FROST_TEST_SEED replays a run).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/elementwise_chain.h"
#include "runnable_isas.h"
#include "test_seed.h"

namespace frost::kernels {
namespace {

uint64_t seed() {
  static const uint64_t s = ::frost::testing::seed_from_env("chain", 20261206ULL);
  return s;
}

std::vector<float> random_vec(std::mt19937_64& rng, int64_t n, float lo, float hi) {
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = d(rng);
  return v;
}

struct Case {
  int64_t n = 0, channels = 1;
  std::vector<ChainStep> steps;
  std::vector<std::vector<float>> data;  // per step's operand
  std::string describe() const {
    std::ostringstream o;
    o << "n=" << n << " channels=" << channels << " steps:";
    for (const ChainStep& s : steps)
      o << " [kind " << static_cast<int>(s.kind) << " act " << static_cast<int>(s.activation) << " unary "
        << static_cast<int>(s.unary) << " binary " << static_cast<int>(s.binary) << " operand "
        << static_cast<int>(s.operand) << (s.operand_first ? " first" : "") << "]";
    return o.str();
  }
};

Case random_case(std::mt19937_64& rng, int64_t rows, int64_t channels) {
  Case c;
  c.channels = channels;
  c.n = rows * channels;
  const int num = 1 + static_cast<int>(rng() % 6);
  c.data.resize(static_cast<size_t>(num));
  const Activation acts[] = {Activation::kRelu,    Activation::kRelu6, Activation::kLeakyRelu, Activation::kElu,
                             Activation::kSigmoid, Activation::kTanh,  Activation::kHardSwish, Activation::kSwish};
  // Steps that keep the values finite and away from poles (no Sqrt of a
  // negative, no division by ~0): the point is the kernels' agreement.
  const UnaryOp unaries[] = {UnaryOp::Abs, UnaryOp::Neg, UnaryOp::Square};
  const BinaryOp binaries[] = {BinaryOp::Add, BinaryOp::Sub, BinaryOp::Mul, BinaryOp::Maximum, BinaryOp::Minimum,
                               BinaryOp::SquaredDifference, BinaryOp::Div};
  for (int s = 0; s < num; ++s) {
    ChainStep st;
    const int kind = static_cast<int>(rng() % 4);
    if (kind == 0) {
      st.kind = ChainStep::Kind::kActivation;
      st.activation = acts[rng() % std::size(acts)];
      st.alpha = st.activation == Activation::kLeakyRelu ? 0.2f : 1.0f;
    } else if (kind == 1) {
      st.kind = ChainStep::Kind::kUnary;
      st.unary = unaries[rng() % std::size(unaries)];
    } else {
      st.kind = ChainStep::Kind::kBinary;
      st.binary = binaries[rng() % std::size(binaries)];
      st.operand = static_cast<ChainOperand>(rng() % 4);
      st.operand_first = rng() % 2 == 0;
      // Division only by a positive operand kept away from 0.
      if (st.binary == BinaryOp::Div) {
        st.operand_first = false;
        if (st.operand == ChainOperand::kInput) st.operand = ChainOperand::kChannel;
      }
      const int64_t size = st.operand == ChainOperand::kTensor ? c.n : st.operand == ChainOperand::kChannel ? channels : 1;
      const bool positive = st.binary == BinaryOp::Div;
      c.data[static_cast<size_t>(s)] = random_vec(rng, size, positive ? 0.5f : -2.0f, 2.0f);
      st.data = c.data[static_cast<size_t>(s)].data();
    }
    c.steps.push_back(st);
  }
  return c;
}

bool check(std::mt19937_64& rng, Case& c, GemmIsa isa, int threads, bool in_place) {
  const std::vector<float> x = random_vec(rng, c.n, -3.0f, 3.0f);
  for (size_t s = 0; s < c.steps.size(); ++s)
    if (!c.data[s].empty()) c.steps[s].data = c.data[s].data();
  ChainParams p;
  p.n = c.n;
  p.channels = c.channels;
  p.steps = c.steps.data();
  p.num_steps = static_cast<int>(c.steps.size());
  std::vector<float> want(static_cast<size_t>(c.n));
  elementwise_chain_reference(p, x.data(), want.data());
  // kInput operands read x: in place, the kernel must read it before writing.
  std::vector<float> got = in_place ? x : std::vector<float>(static_cast<size_t>(c.n) + 1, 4242.0f);
  GemmRun run = testing::forced_run(isa, threads);
  elementwise_chain_f32(p, in_place ? got.data() : x.data(), got.data(), run);
  if (!in_place && got[static_cast<size_t>(c.n)] != 4242.0f) {
    FAIL_CHECK("wrote past the end: " << c.describe());
    return false;
  }
  const double eps = std::numeric_limits<float>::epsilon();
  for (int64_t i = 0; i < c.n; ++i) {
    const double w = want[static_cast<size_t>(i)], g = got[static_cast<size_t>(i)];
    // Transcendental steps (sigmoid, tanh, elu's exp) are polynomials in the
    // kernels: a few ulps each, carried through the later steps.
    const double tol = 64.0 * eps * (1.0 + std::fabs(w)) * static_cast<double>(c.steps.size());
    if (!(std::fabs(w - g) <= tol) && !(std::isnan(w) && std::isnan(g))) {
      FAIL_CHECK("mismatch at " << i << " (channel " << i % c.channels << "): got " << g << " want " << w << " ("
                                << gemm_kernel_name(isa) << ", threads " << threads << (in_place ? ", in place" : "")
                                << ") " << c.describe());
      return false;
    }
  }
  return true;
}

}  // namespace

TEST_CASE("elementwise_chain_f32: random chains against the reference, every ISA, operand kind and tail") {
  std::mt19937_64 rng(seed());
  MESSAGE("seed " << seed());
  const int64_t channels[] = {1, 3, 7, 16, 17, 33, 64, 255, 256, 300, 1000};
  const int64_t rows[] = {1, 2, 5, 40};
  int iter = 0;
  for (GemmIsa isa : ::frost::testing::runnable_isas())
    for (int64_t ch : channels)
      for (int64_t r : rows) {
        Case c = random_case(rng, r, ch);
        if (!check(rng, c, isa, 1 + iter % 2, iter % 3 == 0)) return;
        ++iter;
      }
}

TEST_CASE("elementwise_chain_f32: swish and hard-swish written out, large enough for two threads") {
  std::mt19937_64 rng(seed() + 1);
  const float three = 3.0f, sixth = 1.0f / 6.0f;
  for (GemmIsa isa : ::frost::testing::runnable_isas()) {
    Case swish;
    swish.n = 64 * 1024 + 5;
    swish.channels = swish.n;
    swish.data.resize(2);
    ChainStep sig;
    sig.activation = Activation::kSigmoid;
    ChainStep mul;
    mul.kind = ChainStep::Kind::kBinary;
    mul.binary = BinaryOp::Mul;
    mul.operand = ChainOperand::kInput;
    swish.steps = {sig, mul};
    CHECK(check(rng, swish, isa, 2, false));

    Case hs;
    hs.n = 8 * 8 * 24;
    hs.channels = 24;
    hs.data.resize(4);
    ChainStep add3{ChainStep::Kind::kBinary};
    add3.binary = BinaryOp::Add;
    add3.operand = ChainOperand::kScalar;
    add3.data = &three;
    ChainStep relu6;
    relu6.activation = Activation::kRelu6;
    ChainStep div6 = add3;
    div6.binary = BinaryOp::Mul;
    div6.data = &sixth;
    ChainStep times_x = mul;
    times_x.operand_first = true;
    hs.steps = {add3, relu6, div6, times_x};
    CHECK(check(rng, hs, isa, 1, true));
  }
}

}  // namespace frost::kernels
