// Compiled while loops (runtime/loop_program.h): a loop built by hand and the
// bundled/corpus graphs with Keras while loops run as loop programs on the
// CPU backend (after the first, traced run) and give what the dataflow
// executor gives, with a tf.cond after the loop too; loops of shapes the
// program does not take (a cond in the body, or one whose value a loop
// reads) fall back to the dataflow executor, with the same results.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "graph/tensor_names.h"
#include "io/graphdef_convert.h"
#include "io/npy.h"
#include "io/reference_file.h"
#include "runtime/compare.h"
#include "runtime/executor.h"
#include "runtime/loop_program.h"
#include "runtime/session.h"
#include "while_loop_graph.h"

using namespace frost;
using namespace frost::testing;
namespace fs = std::filesystem;

namespace {

// i = 0; acc = x; while i < n: acc = acc * scale + float(i); i += 1
// With `cond_in_body`, the body also takes a tf.cond (Switch/Merge on i < 2);
// with `cond_after`, the result goes through a tf.cond on a fed `flip`, as
// Keras's Dropout on its learning phase: the taken side multiplies by a
// constant that hangs on the branch's pivot by a control edge;
// with `cond_before`, x goes through such a cond before the loop reads it.
Graph loop(bool cond_in_body, bool cond_after = false, bool cond_before = false) {
  Graph g;
  g.add(placeholder("x"));
  g.add(constant("scale", Tensor::from_vector<float>({0.5f, -1.0f, 2.0f})));
  if (cond_before) {
    g.add(placeholder("flip", DType::Bool));
    g.add(node("before/Switch", "Switch", {"x", "flip"}));
    g.add(node("before/Neg", "Neg", {"before/Switch:1"}));
    g.add(node("before/Merge", "Merge", {"before/Switch:0", "before/Neg"}));
  }
  add_loop_head(g, cond_before ? "before/Merge" : "x");
  g.add(enter("while/Enter_scale", "scale", true));
  g.add(node("while/mul", "Mul", {"while/Identity_acc", "while/Enter_scale"}));
  std::string acc = g.add(node("while/add_acc", "AddV2", {"while/mul", "while/Cast"})).name;
  if (cond_in_body) {
    g.add(constant("while/two", Tensor::scalar<int32_t>(2), {"^while/Identity_i"}));
    g.add(node("while/small", "Less", {"while/Identity_i", "while/two"}));
    g.add(node("while/cond/Switch", "Switch", {acc, "while/small"}));
    g.add(node("while/cond/Neg", "Neg", {"while/cond/Switch:1"}));
    g.add(node("while/cond/Merge", "Merge", {"while/cond/Switch:0", "while/cond/Neg"}));
    acc = "while/cond/Merge";
  }
  add_loop_tail(g, acc);
  if (!cond_after) {
    g.add(node("result", "Identity", {"while/Exit_acc"}));
    return g;
  }
  g.add(placeholder("flip", DType::Bool));
  g.add(node("after/Switch", "Switch", {"flip", "flip"}));
  g.add(node("after/switch_t", "Identity", {"after/Switch:1"}));
  g.add(node("after/Switch_1", "Switch", {"while/Exit_acc", "flip"}));
  g.add(constant("after/keep", Tensor::scalar<float>(-3.0f), {"^after/switch_t"}));
  g.add(node("after/mul", "Mul", {"after/Switch_1:1", "after/keep"}));
  g.add(node("result", "Merge", {"after/Switch_1:0", "after/mul"}));
  return g;
}

fs::path source_root() { return fs::path(std::getenv("FROST_SOURCE_ROOT")); }

}  // namespace

TEST_CASE("loop program: a while loop runs compiled and gives the dataflow executor's values") {
  for (const bool cond_in_body : {false, true}) {
    CAPTURE(cond_in_body);
    const Session session(loop(cond_in_body));
    const std::vector<TensorId> fetches = {TensorId::parse("result"), TensorId::parse("while/Exit_i")};
    for (const int32_t n : {0, 1, 5, 40}) {
      CAPTURE(n);
      const FeedMap feeds = {{TensorId::parse("n"), Tensor::scalar<int32_t>(n)},
                             {TensorId::parse("x"), Tensor::from_vector<float>({1.0f, 2.0f, -3.0f})}};
      const std::vector<Tensor> want = run_reference(session.graph(), feeds, fetches);
      for (int run = 0; run < 2; ++run) {  // traced, then compiled
        const std::vector<Tensor> got = session.run(feeds, fetches);
        CHECK(compare_tensors(got[0], want[0]).max_abs_error == 0);
        CHECK(got[1].data<int32_t>()[0] == n);
      }
      // The cond in the body is not a loop program's shape: the dataflow executor keeps it.
      CHECK(session.loop_programs(feeds, fetches) == (cond_in_body ? 0u : 1u));
    }
  }
}

TEST_CASE("loop program: a cond after the loop runs compiled, dead values and all, as the dataflow executor") {
  const Session session(loop(false, true));
  const std::vector<TensorId> fetches = {TensorId::parse("result"), TensorId::parse("while/Exit_i")};
  for (const bool flip : {false, true, false}) {  // one program: the branch is taken at run time
    CAPTURE(flip);
    const FeedMap feeds = {{TensorId::parse("n"), Tensor::scalar<int32_t>(4)},
                           {TensorId::parse("x"), Tensor::from_vector<float>({1.0f, 2.0f, -3.0f})},
                           {TensorId::parse("flip"), Tensor::scalar<bool>(flip)}};
    const std::vector<Tensor> want = run_reference(session.graph(), feeds, fetches);
    for (int run = 0; run < 2; ++run) {  // traced, then compiled
      const std::vector<Tensor> got = session.run(feeds, fetches);
      CHECK(compare_tensors(got[0], want[0]).max_abs_error == 0);
      CHECK(got[1].data<int32_t>()[0] == 4);
    }
    CHECK(session.loop_programs(feeds, fetches) == 1);
  }
  // A value on the side not taken is an error in the compiled program too
  // (compiled on a run that took it): one reading it, and the constant that
  // is dead only through its control edge.
  for (const char* name : {"after/mul", "after/keep"}) {
    CAPTURE(name);
    const std::vector<TensorId> taken_side = {TensorId::parse("while/Exit_i"), TensorId::parse(name)};
    FeedMap feeds = {{TensorId::parse("n"), Tensor::scalar<int32_t>(3)},
                     {TensorId::parse("x"), Tensor::from_vector<float>({1.0f, 2.0f, -3.0f})},
                     {TensorId::parse("flip"), Tensor::scalar<bool>(true)}};
    for (int run = 0; run < 2; ++run) CHECK(session.run(feeds, taken_side).size() == 2);
    CHECK(session.loop_programs(feeds, taken_side) == 1);
    feeds[TensorId::parse("flip")] = Tensor::scalar<bool>(false);
    CHECK_THROWS_WITH_AS(session.run(feeds, taken_side), doctest::Contains("untaken branch"), Error);
    CHECK_THROWS_WITH_AS(run_reference(session.graph(), feeds, taken_side), doctest::Contains("untaken branch"),
                         Error);
  }
  // The values themselves: flip multiplies the loop's result by -3.
  const FeedMap off = {{TensorId::parse("n"), Tensor::scalar<int32_t>(2)},
                       {TensorId::parse("x"), Tensor::from_vector<float>({1.0f, 2.0f, -3.0f})},
                       {TensorId::parse("flip"), Tensor::scalar<bool>(false)}};
  FeedMap on = off;
  on[TensorId::parse("flip")] = Tensor::scalar<bool>(true);
  const Tensor a = session.run(off, {TensorId::parse("result")})[0], b = session.run(on, {TensorId::parse("result")})[0];
  for (int64_t i = 0; i < a.num_elements(); ++i) CHECK(b.data<float>()[i] == -3.0f * a.data<float>()[i]);
}

TEST_CASE("loop program: a cond whose value a loop reads keeps the dataflow executor") {
  const Session session(loop(false, false, true));
  const std::vector<TensorId> fetches = {TensorId::parse("result")};
  for (const bool flip : {false, true}) {
    const FeedMap feeds = {{TensorId::parse("n"), Tensor::scalar<int32_t>(3)},
                           {TensorId::parse("x"), Tensor::from_vector<float>({1.0f, 2.0f, -3.0f})},
                           {TensorId::parse("flip"), Tensor::scalar<bool>(flip)}};
    const std::vector<Tensor> want = run_reference(session.graph(), feeds, fetches);
    for (int run = 0; run < 2; ++run) CHECK(compare_tensors(session.run(feeds, fetches)[0], want[0]).max_abs_error == 0);
    CHECK(session.loop_programs(feeds, fetches) == 0);
  }
}

TEST_CASE("loop program: models and corpus graphs with while loops match TensorFlow run after run") {
  // Every reference graph with an Enter; how many loops each compiles is printed.
  std::vector<fs::path> references = {source_root() / "models/gru_while/reference.txt"};
  if (fs::exists(source_root() / "../shared/corpus"))
    for (const auto& entry : fs::directory_iterator(source_root() / "tests/corpus"))
      if (fs::exists(entry.path() / "reference.txt")) references.push_back(entry.path() / "reference.txt");
  std::sort(references.begin() + 1, references.end());
  size_t compiled = 0;
  for (const fs::path& reference : references) {
    for (const ReferenceStanza& stanza : read_reference_file(reference.string())) {
      CAPTURE(stanza.graph);
      if (!fs::exists(stanza.graph)) continue;
      Graph g;
      try {
        g = load_graph(stanza.graph);
      } catch (const Error&) {
        continue;  // not a GraphDef (the corpus tests cover those)
      }
      bool loops = false;
      for (const Node* n : g.nodes()) loops = loops || n->op == "Enter";
      if (!loops) continue;
      const Session session(std::move(g));
      FeedMap feeds;
      std::vector<TensorId> fetches;
      for (const ReferenceTensor& in : stanza.inputs) feeds[resolve_tensor(session.graph(), in.tensor)] = read_npy(in.file);
      for (const ReferenceTensor& out : stanza.outputs) fetches.push_back(resolve_tensor(session.graph(), out.tensor));
      for (int run = 0; run < 3; ++run) {  // traced, then compiled
        const std::vector<Tensor> got = session.run(feeds, fetches);
        for (size_t i = 0; i < fetches.size(); ++i)
          CHECK(compare_tensors(got[i], read_npy(stanza.outputs[i].file)).relative_error() <= 1e-4);
      }
      const size_t n = session.loop_programs(feeds, fetches);
      MESSAGE(fs::path(stanza.graph).filename().string() << ": " << n << " loop(s) compiled");
      compiled += n > 0;
      if (reference.parent_path().filename() == "gru_while") CHECK(n == 2);
      if (reference.parent_path().filename() == "captcha_cnn") CHECK(n == 1);
    }
  }
  CHECK(compiled >= 1);
}

namespace {

// A TensorList filled by a loop: L = reserve(8); while i < n: L[i] = x * float(i) + 5.
// With `read_old`, the body also reads the list it was given after writing
// it: L' = L[i] = ...; L'[0] = L[0] + 1, so the write must not change L.
Graph list_loop(bool read_old) {
  Graph g;
  g.add(placeholder("x"));
  g.add(constant("shape", Tensor::from_vector<int32_t>({2})));
  g.add(constant("size", Tensor::scalar<int32_t>(8)));
  Node reserve = node("list", "TensorListReserve", {"shape", "size"});
  reserve.attrs["element_dtype"] = DType::Float;
  g.add(reserve);
  add_loop_head(g, "list");
  g.add(enter("while/Enter_x", "x", true));
  g.add(enter("while/Enter_shape", "shape", true));
  g.add(node("while/scaled", "Mul", {"while/Enter_x", "while/Cast"}));
  g.add(constant("while/five", Tensor::scalar<float>(5.0f), {"^while/Identity_i"}));
  g.add(node("while/value", "AddV2", {"while/scaled", "while/five"}));
  std::string next = g.add(node("while/set", "TensorListSetItem", {"while/Identity_acc", "while/Identity_i", "while/value"})).name;
  if (read_old) {
    g.add(constant("while/zero", Tensor::scalar<int32_t>(0), {"^while/Identity_i"}));
    g.add(node("while/old0", "TensorListGetItem", {"while/Identity_acc", "while/zero", "while/Enter_shape", "^while/set"}));
    g.add(constant("while/one_f", Tensor::scalar<float>(1.0f), {"^while/Identity_i"}));
    g.add(node("while/old0_plus", "AddV2", {"while/old0", "while/one_f"}));
    next = g.add(node("while/set0", "TensorListSetItem", {next, "while/zero", "while/old0_plus"})).name;
  }
  add_loop_tail(g, next);
  g.add(node("result", "TensorListStack", {"while/Exit_acc", "shape"}));
  return g;
}

}  // namespace

TEST_CASE("loop program: a TensorList the body rewrites is written in place, and copied when the old list is read after") {
  for (const bool read_old : {false, true}) {
    CAPTURE(read_old);
    const Session session(list_loop(read_old));
    const std::vector<TensorId> fetches = {TensorId::parse("result")};
    for (const int32_t n : {0, 1, 3, 8}) {
      CAPTURE(n);
      const FeedMap feeds = {{TensorId::parse("n"), Tensor::scalar<int32_t>(n)},
                             {TensorId::parse("x"), Tensor::from_vector<float>({1.5f, -2.0f})}};
      const std::vector<Tensor> want = run_reference(session.graph(), feeds, fetches);
      // What the loop computes, by hand: row k = x * k + 5 for k < n, zeros after;
      // with read_old row 0 is 1 + row 0 of the list before the last write to it.
      std::vector<float> rows(16, 0.0f);
      for (int k = 0; k < n; ++k) {
        rows[2 * k] = 1.5f * static_cast<float>(k) + 5.0f;
        rows[2 * k + 1] = -2.0f * static_cast<float>(k) + 5.0f;
        if (read_old) {
          const bool first = k == 0;
          rows[0] = first ? 1.0f : rows[0] + 1.0f;
          rows[1] = first ? 1.0f : rows[1] + 1.0f;
        }
      }
      const Tensor expected = Tensor::from_vector<float>(rows).reshaped(Shape{8, 2});
      CHECK(compare_tensors(want[0], expected).max_abs_error == 0);
      for (int run = 0; run < 3; ++run)  // traced, then compiled (twice: the program keeps no list between runs)
        CHECK(compare_tensors(session.run(feeds, fetches)[0], expected).max_abs_error == 0);
      CHECK(session.loop_programs(feeds, fetches) == 1u);
    }
  }
}

namespace {

// acc = x; while i < n: acc = acc * w[1:3] + c, with w a constant sliced in
// the body and c = w[0] * 2 (invariant: computed once); with `vary`, the slice
// start is the loop counter modulo 2 (varies: stays in the body).
Graph invariant_loop(bool vary) {
  Graph g;
  g.add(placeholder("x"));
  g.add(constant("w", Tensor::from_vector<float>({0.5f, -1.0f, 2.0f, 0.25f})));
  add_loop_head(g, "x");
  g.add(enter("while/Enter_w", "w", true));
  std::string begin = "while/begin";
  g.add(constant("while/begin", Tensor::from_vector<int32_t>({1}), {"^while/Identity_i"}));
  if (vary) {
    g.add(constant("while/two", Tensor::scalar<int32_t>(2), {"^while/Identity_i"}));
    g.add(node("while/mod", "FloorMod", {"while/Identity_i", "while/two"}));
    g.add(constant("while/one_vec", Tensor::from_vector<int32_t>({1}), {"^while/Identity_i"}));
    g.add(node("while/begin_v", "Mul", {"while/mod", "while/one_vec"}));
    begin = "while/begin_v";
  }
  g.add(constant("while/size", Tensor::from_vector<int32_t>({2}), {"^while/Identity_i"}));
  g.add(node("while/slice", "Slice", {"while/Enter_w", begin, "while/size"}));
  g.add(constant("while/zero", Tensor::from_vector<int32_t>({0}), {"^while/Identity_i"}));
  g.add(constant("while/len1", Tensor::from_vector<int32_t>({1}), {"^while/Identity_i"}));
  g.add(node("while/w0", "Slice", {"while/Enter_w", "while/zero", "while/len1"}));
  g.add(constant("while/twof", Tensor::scalar<float>(2.0f), {"^while/Identity_i"}));
  g.add(node("while/c", "Mul", {"while/w0", "while/twof"}));
  g.add(node("while/scaled", "Mul", {"while/Identity_acc", "while/slice"}));
  const std::string next = g.add(node("while/next", "AddV2", {"while/scaled", "while/c"})).name;
  add_loop_tail(g, next);
  g.add(node("result", "Identity", {"while/Exit_acc"}));
  return g;
}

}  // namespace

TEST_CASE("loop program: invariant body steps run once per loop, with the same values; varying ones stay") {
  for (const bool vary : {false, true}) {
    CAPTURE(vary);
    const Graph g = invariant_loop(vary);
    const std::vector<TensorId> fetches = {TensorId::parse("result")};
    const FeedMap shape_feeds = {{TensorId::parse("n"), Tensor::scalar<int32_t>(0)},
                                 {TensorId::parse("x"), Tensor::from_vector<float>({1.0f, 2.0f})}};
    const auto program = LoopProgram::build(g, shape_feeds, fetches, nullptr);
    REQUIRE(program);
    // Hoisted: the Consts (the counter's one, size, zero, len1, twof, and
    // begin, or two and one_vec), w0 and c, and the slice when its start is
    // constant; with a varying start, mod, begin_v and the slice stay.
    CHECK(program->hoisted_steps() == 9u);
    for (const int32_t n : {0, 1, 4}) {
      CAPTURE(n);
      const FeedMap feeds = {{TensorId::parse("n"), Tensor::scalar<int32_t>(n)},
                             {TensorId::parse("x"), Tensor::from_vector<float>({1.0f, 2.0f})}};
      // By hand: acc = acc * w[s:s+2] + 1, s = 1 (or i mod 2).
      std::vector<float> acc = {1.0f, 2.0f};
      const std::vector<float> w = {0.5f, -1.0f, 2.0f, 0.25f};
      for (int i = 0; i < n; ++i) {
        const int s = vary ? i % 2 : 1;
        for (int k = 0; k < 2; ++k) acc[static_cast<size_t>(k)] = acc[static_cast<size_t>(k)] * w[static_cast<size_t>(s + k)] + 1.0f;
      }
      const Tensor expected = Tensor::from_vector<float>(acc);
      CHECK(compare_tensors(run_reference(g, feeds, fetches)[0], expected).max_abs_error == 0);
      for (int run = 0; run < 2; ++run) CHECK(compare_tensors(program->run(g, feeds, {})[0], expected).max_abs_error == 0);
    }
  }
}
