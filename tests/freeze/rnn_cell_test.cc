// The recurrent-cell rewrites (fuse_lstm_cell.cc, fuse_gru_cell.cc): cells
// built in code in each framework's form fuse into one _FrostLSTMCell /
// _FrostGRUCell and compute what the unfused graph did; variants the fused
// cells do not implement are left alone; the bundled models with recurrent
// layers fuse every step and still match TensorFlow.
#include <cstdlib>
#include <filesystem>

#include "freeze/passes.h"
#include "freeze_test_util.h"
#include "graph/tensor_names.h"
#include "io/graphdef_convert.h"
#include "io/npy.h"
#include "io/reference_file.h"
#include "runtime/compare.h"
#include "runtime/executor.h"
#include "runtime/session.h"
#include "while_loop_graph.h"

using namespace frost;
using namespace frost::testing;
namespace fs = std::filesystem;

namespace {

std::vector<float> weights(int64_t n, float scale, int seed) {
  std::vector<float> v(static_cast<size_t>(n));
  uint32_t s = 2654435761u * static_cast<uint32_t>(seed + 1);
  for (auto& x : v) {
    s = s * 1664525u + 1013904223u;
    x = scale * (static_cast<float>(s >> 8) / static_cast<float>(1 << 24) - 0.5f);
  }
  return v;
}

OptimizeResult optimize_runtime(const Graph& g, const std::vector<std::string>& inputs,
                                const std::vector<std::string>& outputs) {
  OptimizeOptions o;
  o.inputs = inputs;
  o.outputs = outputs;
  o.runtime_fusions = true;
  return optimize_graph(g, o);
}

fs::path source_root() { return fs::path(std::getenv("FROST_SOURCE_ROOT")); }

// A reference.txt stanza optimised with runtime fusions: `cells` fused cells of
// `op`, outputs within 1e-5 of the unfused graph and 1e-4 of TensorFlow, on the
// reference and the CPU backend.
void check_model(const fs::path& reference, const std::string& op, int cells) {
  for (const ReferenceStanza& stanza : read_reference_file(reference.string())) {
    CAPTURE(stanza.graph);
    const Graph g = load_graph(stanza.graph);
    FeedMap feeds;
    std::vector<std::string> inputs, outputs;
    std::vector<TensorId> fetches;
    for (const ReferenceTensor& in : stanza.inputs) {
      inputs.push_back(in.tensor);
      feeds[resolve_tensor(g, in.tensor)] = read_npy(in.file);
    }
    for (const ReferenceTensor& out : stanza.outputs) {
      outputs.push_back(out.tensor);
      fetches.push_back(resolve_tensor(g, out.tensor));
    }
    const OptimizeResult r = optimize_runtime(g, inputs, outputs);
    CHECK(count_ops(r.graph, op) == cells);
    const std::vector<Tensor> before = run_reference(g, feeds, fetches);
    const std::vector<Tensor> after = run_reference(r.graph, feeds, fetches);
    const Session session(r.graph);
    const std::vector<Tensor> cpu = session.run(feeds, fetches);
    const std::vector<Tensor> cpu_again = session.run(feeds, fetches);  // a planned run
    for (size_t i = 0; i < stanza.outputs.size(); ++i) {
      const Tensor expected = read_npy(stanza.outputs[i].file);
      CHECK(compare_tensors(after[i], before[i]).relative_error() <= 1e-5);
      CHECK(compare_tensors(after[i], expected).relative_error() <= 1e-4);
      CHECK(compare_tensors(cpu[i], expected).relative_error() <= 1e-4);
      CHECK(compare_tensors(cpu_again[i], expected).relative_error() <= 1e-4);
    }
  }
}

}  // namespace

TEST_CASE("fuse_lstm_cells: models/lstm_unrolled (Keras LSTM, unrolled) fuses all 16 steps") {
  check_model(source_root() / "models/lstm_unrolled/reference.txt", "_FrostLSTMCell", 16);
}

namespace {

constexpr int64_t kBatch = 3, kIn = 5, kHidden = 7;

// The gate activation `act` of `in` (LSTM and GRU): one op, or Keras's hard_sigmoid as TF1
// freezes it, clip_by_value(x·0.2 + 0.5, 0, 1) (hard_sigmoid_to2 clamps at 2).
std::string gate_op(GraphBuilder& b, const std::string& name, const std::string& in, const std::string& act) {
  if (!act.starts_with("hard_sigmoid")) return b.op(name, act, {in});
  b.op(name + "/mul", "Mul", {in, "hs_slope"});
  b.op(name + "/add", "AddV2", {name + "/mul", "hs_offset"});
  b.op(name + "/min", "Minimum", {name + "/add", act == "hard_sigmoid_to2" ? "two" : "one"});
  return b.op(name, "Maximum", {name + "/min", "zero"});
}

// Column slice [k·H, (k+1)·H) of a 2-D weight, or of a 1-D bias, as Keras's
// implementation 1 takes each piece's weights.
std::string piece_slice(GraphBuilder& b, const std::string& name, const std::string& of, int k, bool matrix) {
  const auto H = static_cast<int32_t>(kHidden);
  const std::map<std::string, AttrValue> attrs = {
      {"Index", DType::Int32},         {"begin_mask", int64_t{matrix ? 1 : 0}}, {"end_mask", int64_t{matrix ? 1 : 0}},
      {"ellipsis_mask", int64_t{0}},   {"new_axis_mask", int64_t{0}},          {"shrink_axis_mask", int64_t{0}}};
  if (matrix) {
    b.ints(name + "/begin", {0, k * H});
    b.ints(name + "/end", {0, (k + 1) * H});
    b.ints(name + "/strides", {1, 1});
  } else {
    b.ints(name + "/begin", {k * H});
    b.ints(name + "/end", {(k + 1) * H});
    b.ints(name + "/strides", {1});
  }
  return b.op(name, "StridedSlice", {of, name + "/begin", name + "/end", name + "/strides"}, attrs);
}

// Which LSTM variant lstm_steps builds.
struct LstmForm {
  bool keras = true;         // two MatMuls added (Keras) or a MatMul of a ConcatV2 (tf.nn)
  float forget_bias = 0;     // tf.nn: added to the forget piece before its sigmoid
  std::string recurrent = "Sigmoid";  // the gates' activation
  bool peephole = false;     // σ(f + w·c)
  bool clip = false;         // c' clipped before tanh
  bool read_gate = false;    // a gate read outside the cell
  // z cut by a Split (0), by four StridedSlices z[:, :H], z[:, H:2H], ... as
  // Keras in TF 2's v1 graphs (1), or by slices whose second repeats the
  // first's columns (2: not an LSTM).
  int slices = 0;
  std::string output_gate = "";  // the output gate's activation when not `recurrent`
  bool per_gate = false;         // keras implementation 1: a MatMul per gate and side on weight slices
};

// Columns [k·H, (k+1)·H) of z as Keras slices them (the first from the
// start, the last to the end).
std::string z_slice(GraphBuilder& b, const std::string& name, const std::string& z, int k) {
  const auto H = static_cast<int32_t>(kHidden);
  b.ints(name + "/begin", {0, k * H});
  b.ints(name + "/end", {0, (k + 1) * H});
  b.ints(name + "/strides", {1, 1});
  const int64_t begin_mask = k == 0 ? 3 : 1, end_mask = k == 3 ? 3 : 1;
  return b.op(name, "StridedSlice", {z, name + "/begin", name + "/end", name + "/strides"},
              {{"Index", DType::Int32}, {"begin_mask", begin_mask}, {"end_mask", end_mask},
               {"ellipsis_mask", int64_t{0}}, {"new_axis_mask", int64_t{0}}, {"shrink_axis_mask", int64_t{0}}});
}

// `steps` LSTM steps over inputs x0..x{steps-1}, from the state h0, c0
// (placeholders: a constant state would fold the first step's recurrent
// MatMul away); output "out".
GraphBuilder lstm_steps(const LstmForm& form, int steps) {
  GraphBuilder b;
  b.placeholder("h0", {kBatch, kHidden});
  b.placeholder("c0", {kBatch, kHidden});
  b.ints("axis", {1});
  b.constant("split_dim", Tensor::scalar<int32_t>(1));
  if (form.keras) {
    b.floats("kernel", weights(kIn * 4 * kHidden, 1.2f, 1), Shape{kIn, 4 * kHidden});
    b.floats("recurrent", weights(kHidden * 4 * kHidden, 1.2f, 2), Shape{kHidden, 4 * kHidden});
  } else {
    b.floats("kernel", weights((kIn + kHidden) * 4 * kHidden, 1.2f, 3), Shape{kIn + kHidden, 4 * kHidden});
  }
  b.floats("bias", weights(4 * kHidden, 0.5f, 4), Shape{4 * kHidden});
  if (form.per_gate)
    for (int k = 0; k < 4; ++k) {
      piece_slice(b, "kx" + std::to_string(k), "kernel", k, true);
      piece_slice(b, "kh" + std::to_string(k), "recurrent", k, true);
      piece_slice(b, "bx" + std::to_string(k), "bias", k, false);
    }
  b.constant("fb", Tensor::scalar<float>(form.forget_bias));
  b.floats("peep", weights(kHidden, 1.0f, 5), Shape{kHidden});
  b.constant("lo", Tensor::scalar<float>(-0.5f));
  b.constant("hi", Tensor::scalar<float>(0.5f));
  b.constant("zero", Tensor::scalar<float>(0.0f));
  b.constant("one", Tensor::scalar<float>(1.0f));
  b.constant("two", Tensor::scalar<float>(2.0f));
  b.constant("hs_slope", Tensor::scalar<float>(0.2f));
  b.constant("hs_offset", Tensor::scalar<float>(0.5f));
  std::string h = "h0", c = "c0";
  for (int t = 0; t < steps; ++t) {
    const std::string p = "s" + std::to_string(t) + "/", x = "x" + std::to_string(t);
    b.placeholder(x, {kBatch, kIn});
    if (form.per_gate) {
      // the pieces below
    } else if (form.keras) {
      b.op(p + "mm", "MatMul", {x, "kernel"});
      b.op(p + "mm1", "MatMul", {h, "recurrent"});
      b.op(p + "add", "AddV2", {p + "mm", p + "mm1"});
    } else {
      b.op(p + "concat", "ConcatV2", {x, h, "axis"}, {{"N", int64_t{2}}, {"Tidx", DType::Int32}});
      b.op(p + "add", "MatMul", {p + "concat", "kernel"});
    }
    if (!form.per_gate) b.op(p + "z", "BiasAdd", {p + "add", "bias"});
    std::string piece[4];
    if (form.per_gate) {
      for (int k = 0; k < 4; ++k) {
        const std::string q = p + "g" + std::to_string(k) + "/";
        b.op(q + "mx", "MatMul", {x, "kx" + std::to_string(k)});
        b.op(q + "bx", "BiasAdd", {q + "mx", "bx" + std::to_string(k)});
        b.op(q + "mh", "MatMul", {h, "kh" + std::to_string(k)});
        piece[k] = b.op(q + "pre", "AddV2", {q + "bx", q + "mh"});
      }
    } else if (form.slices == 0) {
      b.op(p + "split", "Split", {"split_dim", p + "z"}, {{"num_split", int64_t{4}}});
      for (int k = 0; k < 4; ++k) piece[k] = p + "split:" + std::to_string(k);
    } else {
      for (int k = 0; k < 4; ++k)
        piece[k] = z_slice(b, p + "z" + std::to_string(k), p + "z", form.slices == 2 && k == 1 ? 0 : k);
    }
    // Keras: i, f, c, o; tf.nn: i, j, f, o.
    const std::string i = piece[0], g = form.keras ? piece[2] : piece[1], f = form.keras ? piece[1] : piece[2],
                      o = piece[3];
    const std::string act = form.recurrent;
    gate_op(b, p + "si", i, act);
    std::string f_in = f;
    if (form.forget_bias != 0) f_in = b.op(p + "fadd", "Add", {f, "fb"});
    if (form.peephole) {
      b.op(p + "pc", "Mul", {"peep", c});
      f_in = b.op(p + "fpeep", "AddV2", {f_in, p + "pc"});
    }
    gate_op(b, p + "sf", f_in, act);
    b.op(p + "tg", "Tanh", {g});
    gate_op(b, p + "so", o, form.output_gate.empty() ? act : form.output_gate);
    if (form.keras) b.op(p + "fc", "Mul", {p + "sf", c});
    else b.op(p + "fc", "Mul", {c, p + "sf"});
    b.op(p + "ig", "Mul", {p + "si", p + "tg"});
    b.op(p + "c", "AddV2", {p + "fc", p + "ig"});
    std::string c_read = p + "c";
    if (form.clip) {
      b.op(p + "cmin", "Minimum", {p + "c", "hi"});
      c_read = b.op(p + "cclip", "Maximum", {p + "cmin", "lo"});
    }
    b.op(p + "tc", "Tanh", {c_read});
    b.op(p + "h", "Mul", form.keras ? std::vector<std::string>{p + "so", p + "tc"}
                                    : std::vector<std::string>{p + "tc", p + "so"});
    h = p + "h";
    c = p + "c";
  }
  b.op("out", "Identity", {h});
  if (form.read_gate) b.op("gate_out", "Identity", {"s0/sf"});
  return b;
}

std::vector<std::string> step_inputs(int steps) {
  std::vector<std::string> v = {"h0", "c0"};
  for (int t = 0; t < steps; ++t) v.push_back("x" + std::to_string(t));
  return v;
}

}  // namespace

TEST_CASE("fuse_lstm_cells: Keras and tf.nn forms fuse each step and compute the same") {
  LstmForm sliced;  // Keras, z cut by StridedSlices (corpus dga_lstm)
  sliced.slices = 1;
  LstmForm sliced_nn{false, 1.0f};
  sliced_nn.slices = 1;
  LstmForm hard{true, 0.0f, "hard_sigmoid"};  // Keras 2.0-2.2's default recurrent activation
  LstmForm hard_sliced = hard;
  hard_sliced.slices = 1;
  LstmForm hard_nn{false, 1.0f, "hard_sigmoid"};
  LstmForm per_gate;  // Keras implementation 1 (tf.keras 1.x's default)
  per_gate.per_gate = true;
  LstmForm hard_per_gate = hard;
  hard_per_gate.per_gate = true;
  for (const LstmForm& form : {LstmForm{true}, LstmForm{false, 1.0f}, LstmForm{false, 0.0f}, sliced, sliced_nn, hard,
                               hard_sliced, hard_nn, per_gate, hard_per_gate}) {
    CAPTURE(form.keras);
    CAPTURE(form.forget_bias);
    CAPTURE(form.slices);
    CAPTURE(form.recurrent);
    CAPTURE(form.per_gate);
    const GraphBuilder b = lstm_steps(form, 3);
    const OptimizeResult r = optimize_runtime(b.g, step_inputs(3), {"out"});
    CHECK(count_ops(r.graph, "_FrostLSTMCell") == 3);
    CHECK(count_ops(r.graph, "Sigmoid") == 0);
    CHECK(count_ops(r.graph, "Split") == 0);
    CHECK(count_ops(r.graph, "StridedSlice") == 0);
    CHECK(count_ops(r.graph, "Minimum") == 0);
    CHECK(count_ops(r.graph, "MatMul") == 0);
    for (const Node* n : r.graph.nodes())
      if (n->op == "_FrostLSTMCell")
        CHECK(n->attr_string_or("gate_activation", "sigmoid") ==
              (form.recurrent == "hard_sigmoid" ? "hard_sigmoid" : "sigmoid"));
    check_same_numbers(b.g, r.graph, step_inputs(3), {"out"});
    // The CPU backend's kernel too.
    FeedMap feeds;
    feeds[TensorId::parse("h0")] = Tensor::from_vector(weights(kBatch * kHidden, 2.0f, 8), Shape{kBatch, kHidden});
    feeds[TensorId::parse("c0")] = Tensor::from_vector(weights(kBatch * kHidden, 2.0f, 9), Shape{kBatch, kHidden});
    for (int t = 0; t < 3; ++t)
      feeds[TensorId::parse("x" + std::to_string(t))] =
          Tensor::from_vector(weights(kBatch * kIn, 4.0f, 10 + t), Shape{kBatch, kIn});
    const std::vector<Tensor> want = run_reference(b.g, feeds, {TensorId::parse("out")});
    const std::vector<Tensor> got = Session(r.graph).run(feeds, {TensorId::parse("out")});
    CHECK(compare_tensors(got[0], want[0]).relative_error() <= 1e-5);
  }
}

TEST_CASE("fuse_lstm_cells: without runtime fusions, graphs stay TensorFlow's") {
  const GraphBuilder b = lstm_steps(LstmForm{}, 2);
  OptimizeOptions o;
  o.inputs = step_inputs(2);
  o.outputs = {"out"};
  CHECK(count_ops(optimize_graph(b.g, o).graph, "_FrostLSTMCell") == 0);
}

TEST_CASE("fuse_lstm_cells: must not fire on variants the fused cell does not implement") {
  LstmForm hard;
  hard.recurrent = "Relu";  // another gate activation
  LstmForm peephole;
  peephole.keras = false;
  peephole.peephole = true;
  LstmForm clip;
  clip.clip = true;
  LstmForm read_gate;
  read_gate.read_gate = true;
  LstmForm repeated_slice;
  repeated_slice.slices = 2;
  LstmForm sliced_relu = hard;
  sliced_relu.slices = 1;
  LstmForm sliced_read_gate = read_gate;
  sliced_read_gate.slices = 1;
  LstmForm clamp2;
  clamp2.recurrent = "hard_sigmoid_to2";
  LstmForm mixed;  // hard_sigmoid gates but a logistic output gate
  mixed.recurrent = "hard_sigmoid";
  mixed.output_gate = "Sigmoid";
  LstmForm per_gate_relu = hard;
  per_gate_relu.per_gate = true;
  LstmForm per_gate_mixed = mixed;
  per_gate_mixed.per_gate = true;
  LstmForm per_gate_clip = clip;
  per_gate_clip.per_gate = true;
  LstmForm per_gate_read_gate = read_gate;
  per_gate_read_gate.per_gate = true;
  for (const auto& [what, form] : std::vector<std::pair<std::string, LstmForm>>{
           {"relu gates", hard},
           {"peephole", peephole},
           {"cell clip", clip},
           {"gate read outside", read_gate},
           {"slices repeating columns", repeated_slice},
           {"sliced, relu gates", sliced_relu},
           {"sliced, gate read outside", sliced_read_gate},
           {"hard_sigmoid clamped at 2", clamp2},
           {"mixed gate activations", mixed},
           {"per gate, relu gates", per_gate_relu},
           {"per gate, mixed gate activations", per_gate_mixed},
           {"per gate, cell clip", per_gate_clip},
           {"per gate, gate read outside", per_gate_read_gate}}) {
    const std::string variant = what;  // a copy: clang 14 cannot capture structured bindings
    CAPTURE(variant);
    const GraphBuilder b = lstm_steps(form, 2);
    std::vector<std::string> outputs = {"out"};
    if (form.read_gate) outputs.push_back("gate_out");
    const OptimizeResult r = optimize_runtime(b.g, step_inputs(2), outputs);
    // The read-gate graph's second step has no outside reader: it alone may fuse.
    CHECK(count_ops(r.graph, "_FrostLSTMCell") == (form.read_gate ? 1 : 0));
    check_same_numbers(b.g, r.graph, step_inputs(2), outputs);
  }
}

namespace {

// Which GRU variant gru_steps builds.
struct GruForm {
  std::string style = "keras";  // "keras" or "tf_nn"
  bool reset_after = true;      // keras only
  std::string recurrent = "Sigmoid";  // an op, or hard_sigmoid (hard_sigmoid_to2: clamped at 2)
  bool read_gate = false;       // the reset gate read outside the cell
  bool per_gate = false;        // keras implementation 1: a MatMul per piece on weight slices
  std::string reset_gate = "";  // the reset gate's activation when not `recurrent`
};

// `steps` GRU steps over inputs x0.. from the state h0; output "out".
GraphBuilder gru_steps(const GruForm& form, int steps) {
  GraphBuilder b;
  const int64_t H = kHidden, I = kIn;
  b.placeholder("h0", {kBatch, H});
  b.ints("axis", {1});
  b.constant("split_dim", Tensor::scalar<int32_t>(-1));
  b.constant("one", Tensor::scalar<float>(1.0f));
  b.ints("sizes", {static_cast<int32_t>(H), static_cast<int32_t>(H), -1});
  b.constant("zero", Tensor::scalar<float>(0.0f));
  b.constant("two", Tensor::scalar<float>(2.0f));
  b.constant("hs_slope", Tensor::scalar<float>(0.2f));
  b.constant("hs_offset", Tensor::scalar<float>(0.5f));
  if (form.style == "keras") {
    b.floats("kernel", weights(I * 3 * H, 1.2f, 11), Shape{I, 3 * H});
    b.floats("recurrent", weights(H * 3 * H, 1.2f, 12), Shape{H, 3 * H});
    b.floats("bias", weights(2 * 3 * H, 0.6f, 13), Shape{2, 3 * H});
    b.op("biases", "Unpack", {"bias"}, {{"num", int64_t{2}}, {"axis", int64_t{0}}});
    b.ints("rk_begin", {0, 0});
    b.ints("rk_end", {0, static_cast<int32_t>(2 * H)});
    b.ints("rn_begin", {0, static_cast<int32_t>(2 * H)});
    b.ints("rn_end", {0, 0});
    b.ints("strides", {1, 1});
    const std::map<std::string, AttrValue> slice_attrs = {{"Index", DType::Int32}, {"begin_mask", int64_t{1}},
                                                          {"end_mask", int64_t{1}}, {"ellipsis_mask", int64_t{0}},
                                                          {"new_axis_mask", int64_t{0}}, {"shrink_axis_mask", int64_t{0}}};
    b.op("rk_zr", "StridedSlice", {"recurrent", "rk_begin", "rk_end", "strides"}, slice_attrs);
    std::map<std::string, AttrValue> tail = slice_attrs;
    tail["end_mask"] = int64_t{3};
    b.op("rk_n", "StridedSlice", {"recurrent", "rn_begin", "rn_end", "strides"}, tail);
    if (form.per_gate)
      for (int k = 0; k < 3; ++k) {
        const std::string piece = std::to_string(k);
        piece_slice(b, "kx" + piece, "kernel", k, true);
        piece_slice(b, "kh" + piece, "recurrent", k, true);
        piece_slice(b, "bx" + piece, "biases:0", k, false);
        piece_slice(b, "bh" + piece, "biases:1", k, false);
      }
  } else {
    b.floats("gate_kernel", weights((I + H) * 2 * H, 1.2f, 14), Shape{I + H, 2 * H});
    b.floats("gate_bias", weights(2 * H, 0.6f, 15), Shape{2 * H});
    b.floats("cand_kernel", weights((I + H) * H, 1.2f, 16), Shape{I + H, H});
    b.floats("cand_bias", weights(H, 0.6f, 17), Shape{H});
  }
  std::string h = "h0";
  const std::string act = form.recurrent;
  for (int t = 0; t < steps; ++t) {
    const std::string p = "s" + std::to_string(t) + "/", x = "x" + std::to_string(t);
    b.placeholder(x, {kBatch, I});
    std::string u, n;
    const std::string reset_act = form.reset_gate.empty() ? act : form.reset_gate;
    if (form.style == "keras" && form.per_gate) {
      // x̃_k, h̃_k one MatMul + BiasAdd each (Keras drops the state's bias before reset).
      for (int k = 0; k < 3; ++k) {
        const std::string piece = std::to_string(k);
        b.op(p + "mx" + piece, "MatMul", {x, "kx" + piece});
        b.op(p + "x" + piece, "BiasAdd", {p + "mx" + piece, "bx" + piece});
        if (k == 2 && !form.reset_after) continue;
        if (form.reset_after) {
          b.op(p + "mh" + piece, "MatMul", {h, "kh" + piece});
          b.op(p + "h" + piece, "BiasAdd", {p + "mh" + piece, "bh" + piece});
        } else {
          b.op(p + "h" + piece, "MatMul", {h, "kh" + piece});
        }
      }
      b.op(p + "au", "AddV2", {p + "x0", p + "h0"});
      u = gate_op(b, p + "u", p + "au", act);
      b.op(p + "ar", "Add", {p + "h1", p + "x1"});
      gate_op(b, p + "r", p + "ar", reset_act);
      if (form.reset_after) {
        b.op(p + "rh", "Mul", {p + "h2", p + "r"});
      } else {
        b.op(p + "rhh", "Mul", {p + "r", h});
        b.op(p + "rh", "MatMul", {p + "rhh", "kh2"});
      }
      n = b.op(p + "an", "AddV2", {p + "x2", p + "rh"});
    } else if (form.style == "keras") {
      b.op(p + "mx", "MatMul", {x, "kernel"});
      b.op(p + "bx", "BiasAdd", {p + "mx", "biases:0"});
      b.op(p + "xs", "Split", {"split_dim", p + "bx"}, {{"num_split", int64_t{3}}});
      if (form.reset_after) {
        b.op(p + "mh", "MatMul", {h, "recurrent"});
        b.op(p + "bh", "BiasAdd", {p + "mh", "biases:1"});
      } else {
        b.op(p + "bh", "MatMul", {h, "rk_zr"});
      }
      b.op(p + "hs", "SplitV", {p + "bh", "sizes", "split_dim"}, {{"num_split", int64_t{3}}, {"Tlen", DType::Int32}});
      b.op(p + "au", "AddV2", {p + "xs:0", p + "hs:0"});
      u = gate_op(b, p + "u", p + "au", act);
      b.op(p + "ar", "AddV2", {p + "xs:1", p + "hs:1"});
      gate_op(b, p + "r", p + "ar", reset_act);
      if (form.reset_after) {
        b.op(p + "rh", "Mul", {p + "r", p + "hs:2"});
      } else {
        b.op(p + "rhh", "Mul", {p + "r", h});
        b.op(p + "rh", "MatMul", {p + "rhh", "rk_n"});
      }
      n = b.op(p + "an", "AddV2", {p + "xs:2", p + "rh"});
    } else {
      b.op(p + "concat", "ConcatV2", {x, h, "axis"}, {{"N", int64_t{2}}, {"Tidx", DType::Int32}});
      b.op(p + "gm", "MatMul", {p + "concat", "gate_kernel"});
      b.op(p + "gb", "BiasAdd", {p + "gm", "gate_bias"});
      b.op(p + "gs", act, {p + "gb"});
      b.op(p + "split", "Split", {"split_dim", p + "gs"}, {{"num_split", int64_t{2}}});
      u = p + "split:1";
      b.op(p + "rh", "Mul", {p + "split:0", h});
      b.op(p + "concat1", "ConcatV2", {x, p + "rh", "axis"}, {{"N", int64_t{2}}, {"Tidx", DType::Int32}});
      b.op(p + "cm", "MatMul", {p + "concat1", "cand_kernel"});
      n = b.op(p + "cb", "BiasAdd", {p + "cm", "cand_bias"});
    }
    b.op(p + "tn", "Tanh", {n});
    b.op(p + "keep", "Mul", {u, h});
    b.op(p + "sub", "Sub", {"one", u});
    b.op(p + "new", "Mul", {p + "sub", p + "tn"});
    h = b.op(p + "h", "AddV2", {p + "keep", p + "new"});
  }
  b.op("out", "Identity", {h});
  if (form.read_gate) b.op("gate_out", "Identity", {form.style == "keras" ? "s0/r" : "s0/split:0"});
  return b;
}

std::vector<std::string> gru_inputs(int steps) {
  std::vector<std::string> v = {"h0"};
  for (int t = 0; t < steps; ++t) v.push_back("x" + std::to_string(t));
  return v;
}

}  // namespace

TEST_CASE("fuse_gru_cells: Keras (both reset variants) and tf.nn forms fuse each step and compute the same") {
  std::vector<GruForm> forms = {GruForm{"keras", true}, GruForm{"keras", false}, GruForm{"tf_nn", false}};
  // Keras implementation 1 (captcha_cnn's GRU), and hard_sigmoid gates on both implementations.
  for (const bool reset_after : {true, false})
    for (const std::string act : {"Sigmoid", "hard_sigmoid"})
      for (const bool per_gate : {true, false}) {
        if (act == "Sigmoid" && !per_gate) continue;  // above
        GruForm form{"keras", reset_after, act};
        form.per_gate = per_gate;
        forms.push_back(form);
      }
  for (const GruForm& form : forms) {
    CAPTURE(form.style);
    CAPTURE(form.reset_after);
    CAPTURE(form.recurrent);
    CAPTURE(form.per_gate);
    const GraphBuilder b = gru_steps(form, 3);
    const OptimizeResult r = optimize_runtime(b.g, gru_inputs(3), {"out"});
    CHECK(count_ops(r.graph, "_FrostGRUCell") == 3);
    CHECK(count_ops(r.graph, "Sigmoid") == 0);
    CHECK(count_ops(r.graph, "Tanh") == 0);
    CHECK(count_ops(r.graph, "Minimum") == 0);
    CHECK(count_ops(r.graph, "MatMul") == 0);
    for (const Node* n : r.graph.nodes())
      if (n->op == "_FrostGRUCell") {
        CHECK(n->attr_bool_or("reset_after", true) == form.reset_after);
        const bool hard = form.recurrent == "hard_sigmoid";
        CHECK(n->attr_string_or("gate_activation", "sigmoid") == (hard ? "hard_sigmoid" : "sigmoid"));
        if (hard) CHECK(n->attr_float_or("gate_slope", 0.0f) == 0.2f);
      }
    check_same_numbers(b.g, r.graph, gru_inputs(3), {"out"});
    FeedMap feeds;
    feeds[TensorId::parse("h0")] = Tensor::from_vector(weights(kBatch * kHidden, 2.0f, 18), Shape{kBatch, kHidden});
    for (int t = 0; t < 3; ++t)
      feeds[TensorId::parse("x" + std::to_string(t))] =
          Tensor::from_vector(weights(kBatch * kIn, 4.0f, 20 + t), Shape{kBatch, kIn});
    const std::vector<Tensor> want = run_reference(b.g, feeds, {TensorId::parse("out")});
    const std::vector<Tensor> got = Session(r.graph).run(feeds, {TensorId::parse("out")});
    CHECK(compare_tensors(got[0], want[0]).relative_error() <= 1e-5);
  }
}

TEST_CASE("fuse_gru_cells: must not fire on other gate activations or a gate read outside the cell") {
  GruForm relu;
  relu.recurrent = "Relu";
  GruForm relu_nn{"tf_nn", false, "Relu"};
  GruForm read_gate;
  read_gate.read_gate = true;
  GruForm read_gate_nn{"tf_nn", false, "Sigmoid", true};
  // hard_sigmoid clamped at 2 instead of 1; gates with different activations;
  // a per-gate cell with a Relu gate or its reset gate read outside.
  GruForm clamp2{"keras", true, "hard_sigmoid_to2"};
  GruForm clamp2_per_gate = clamp2;
  clamp2_per_gate.per_gate = true;
  GruForm mixed{"keras", true, "hard_sigmoid"};
  mixed.reset_gate = "Sigmoid";
  GruForm mixed_per_gate = mixed;
  mixed_per_gate.per_gate = true;
  GruForm relu_per_gate{"keras", false, "Relu"};
  relu_per_gate.per_gate = true;
  GruForm read_gate_per_gate{"keras", true, "hard_sigmoid", true};
  read_gate_per_gate.per_gate = true;
  for (const GruForm& form : {relu, relu_nn, read_gate, read_gate_nn, clamp2, clamp2_per_gate, mixed, mixed_per_gate,
                              relu_per_gate, read_gate_per_gate}) {
    CAPTURE(form.style);
    CAPTURE(form.recurrent);
    CAPTURE(form.reset_gate);
    CAPTURE(form.per_gate);
    const GraphBuilder b = gru_steps(form, 2);
    std::vector<std::string> outputs = {"out"};
    if (form.read_gate) outputs.push_back("gate_out");
    const OptimizeResult r = optimize_runtime(b.g, gru_inputs(2), outputs);
    CHECK(count_ops(r.graph, "_FrostGRUCell") == (form.read_gate ? 1 : 0));
    check_same_numbers(b.g, r.graph, gru_inputs(2), outputs);
  }
}

namespace {

// A loop variable carrying `value` through the loop of while_loop_graph.h:
// passed on unchanged, as TF 2's lowered while loops carry the weights a body
// captured, or (`changed`) scaled by 0.9 each iteration, so that every
// iteration sees other weights. Returns the tensor the body reads.
std::string carried(Graph& g, const std::string& name, const std::string& value, bool changed) {
  const std::string w = "while/Identity_" + name;
  g.add(enter("while/Enter_" + name, value, false));
  g.add(node("while/Merge_" + name, "Merge", {"while/Enter_" + name, "while/NextIteration_" + name}));
  g.add(node("while/Switch_" + name, "Switch", {"while/Merge_" + name, "while/LoopCond"}));
  g.add(node(w, "Identity", {"while/Switch_" + name + ":1"}));
  std::string next = w;
  if (changed) {
    g.add(constant("while/decay_" + name, Tensor::scalar<float>(0.9f), {"^while/Identity_i"}));
    Node mul = node("while/Mul_" + name, "Mul", {w, "while/decay_" + name});
    mul.attrs["T"] = DType::Float;
    g.add(mul);
    next = mul.name;
  }
  g.add(node("while/NextIteration_" + name, "NextIteration", {next}));
  g.add(node("while/Exit_" + name, "Exit", {"while/Switch_" + name}));
  return w;
}

// A Keras GRU step (implementation 2, reset after) in a while loop whose
// weights come in as loop variables; its state is the loop's accumulator.
Graph gru_loop(bool weights_changed) {
  Graph g;
  const int64_t H = kHidden, I = kIn;
  g.add(placeholder("h0", DType::Float, PartialShape{kBatch, H}));
  g.add(placeholder("x", DType::Float, PartialShape{kBatch, I}));
  g.add(constant("kernel", Tensor::from_vector(weights(I * 3 * H, 1.2f, 31), Shape{I, 3 * H})));
  g.add(constant("recurrent", Tensor::from_vector(weights(H * 3 * H, 1.2f, 32), Shape{H, 3 * H})));
  g.add(constant("bias_x", Tensor::from_vector(weights(3 * H, 0.6f, 33), Shape{3 * H})));
  g.add(constant("bias_h", Tensor::from_vector(weights(3 * H, 0.6f, 34), Shape{3 * H})));
  add_loop_head(g, "h0");
  const std::string wx = carried(g, "kernel", "kernel", weights_changed);
  const std::string wh = carried(g, "recurrent", "recurrent", false);
  g.add(enter("while/Enter_x", "x", true));
  g.add(enter("while/Enter_bias_x", "bias_x", true));
  g.add(enter("while/Enter_bias_h", "bias_h", true));
  g.add(constant("while/split_dim", Tensor::scalar<int32_t>(-1), {"^while/Identity_i"}));
  g.add(constant("while/one_f", Tensor::scalar<float>(1.0f), {"^while/Identity_i"}));
  auto op = [&](const std::string& name, const std::string& type, std::vector<std::string> inputs) {
    Node n = node("while/" + name, type, std::move(inputs));
    n.attrs["T"] = DType::Float;
    if (type == "Split") n.attrs["num_split"] = int64_t{3};
    g.add(n);
    return n.name;
  };
  const std::string h = "while/Identity_acc";
  op("mx", "MatMul", {"while/Enter_x", wx});
  op("bx", "BiasAdd", {"while/mx", "while/Enter_bias_x"});
  op("xs", "Split", {"while/split_dim", "while/bx"});
  op("mh", "MatMul", {h, wh});
  op("bh", "BiasAdd", {"while/mh", "while/Enter_bias_h"});
  op("hs", "Split", {"while/split_dim", "while/bh"});
  op("au", "AddV2", {"while/xs:0", "while/hs:0"});
  op("u", "Sigmoid", {"while/au"});
  op("ar", "AddV2", {"while/xs:1", "while/hs:1"});
  op("r", "Sigmoid", {"while/ar"});
  op("rh", "Mul", {"while/r", "while/hs:2"});
  op("an", "AddV2", {"while/xs:2", "while/rh"});
  op("tn", "Tanh", {"while/an"});
  op("keep", "Mul", {"while/u", h});
  op("sub", "Sub", {"while/one_f", "while/u"});
  op("new", "Mul", {"while/sub", "while/tn"});
  op("h", "AddV2", {"while/keep", "while/new"});
  add_loop_tail(g, "while/h");
  return g;
}

}  // namespace

TEST_CASE("fuse_gru_cells: weights a lowered while loop carries unchanged count as constants; changed ones do not") {
  for (const bool changed : {false, true}) {
    CAPTURE(changed);
    const Graph g = gru_loop(changed);
    const OptimizeResult r = optimize_runtime(g, {"n", "x", "h0"}, {"while/Exit_acc"});
    CHECK(count_ops(r.graph, "_FrostGRUCell") == (changed ? 0 : 1));
    FeedMap feeds;
    feeds[TensorId::parse("n")] = Tensor::scalar<int32_t>(3);
    feeds[TensorId::parse("x")] = Tensor::from_vector(weights(kBatch * kIn, 4.0f, 35), Shape{kBatch, kIn});
    feeds[TensorId::parse("h0")] = Tensor::from_vector(weights(kBatch * kHidden, 2.0f, 36), Shape{kBatch, kHidden});
    const std::vector<TensorId> out = {TensorId::parse("while/Exit_acc")};
    const std::vector<Tensor> want = run_reference(g, feeds, out);
    CHECK(compare_tensors(run_reference(r.graph, feeds, out)[0], want[0]).relative_error() <= 1e-5);
    CHECK(compare_tensors(Session(r.graph).run(feeds, out)[0], want[0]).relative_error() <= 1e-5);
  }
}

TEST_CASE("rnn cells: models and corpus graphs with recurrent layers fuse and still match TensorFlow") {
  check_model(source_root() / "models/gru_while/reference.txt", "_FrostGRUCell", 2);
  const fs::path corpus = source_root() / "tests/corpus";
  if (!fs::exists(source_root() / "../shared/corpus")) {
    MESSAGE("SKIPPED corpus graphs: ../shared/corpus not found");
    return;
  }
  check_model(corpus / "charrnn_lstm_receipts/reference.txt", "_FrostLSTMCell", 20);
  // Gates cut by StridedSlices, in a v1 while loop.
  check_model(corpus / "dga_lstm/reference.txt", "_FrostLSTMCell", 1);
  // TF 2's lowered while loop: the weights come in as loop variables.
  check_model(corpus / "har_srijannadas/reference.txt", "_FrostLSTMCell", 1);
  check_model(corpus / "tf2onnx_gru/reference.txt", "_FrostGRUCell", 28);
  // hard_sigmoid gates and one MatMul per gate (a TF1 Keras GRU in a while loop).
  check_model(corpus / "captcha_cnn/reference.txt", "_FrostGRUCell", 1);
}
