// project_lstm_inputs (freeze/project_lstm_inputs.cc): unrolled LSTM cells
// reading rows of a constant embedding through Split+Squeeze, Unpack or
// Reshape get the table multiplied out and compute what they did before, on
// the reference backend and on the CPU backend (batch 3: the few-row product;
// batch 10: the packed GEMM); a Split along the rows, a fed table and a table
// too large to keep or to build are left alone.
#include "freeze/passes.h"
#include "freeze_test_util.h"
#include "runtime/compare.h"
#include "runtime/executor.h"
#include "runtime/session.h"

using namespace frost;
using namespace frost::testing;

namespace {

struct Case {
  std::string view = "split";  // split | unpack | reshape | split_rows | fed_table
  int64_t batch = 3, steps = 4, vocab = 11, dim = 6, hidden = 5;
};

// `steps` _FrostLSTMCell steps over embedded ids; fetch "h" (the last h) and "c".
Graph unrolled(const Case& k) {
  GraphBuilder b;
  const int64_t D = k.dim, H = k.hidden, G = 4 * H;
  const bool single = k.view == "reshape" || k.view == "split_rows";
  b.placeholder("ids", single ? PartialShape{k.batch} : PartialShape{k.batch, k.steps}, DType::Int32);
  const int64_t table_cols = k.view == "split_rows" ? 2 * D : D;
  if (k.view == "fed_table") b.placeholder("E", PartialShape{k.vocab, D});
  else b.floats("E", varied_values(k.vocab * table_cols, 0.3f, 0.05f), Shape{k.vocab, table_cols});
  b.floats("W", varied_values((D + H) * G, 0.11f, -0.02f), Shape{D + H, G});
  b.floats("bias", varied_values(G, 0.2f), Shape{G});
  b.floats("zeros", std::vector<float>(static_cast<size_t>(k.batch * H), 0.0f), Shape{k.batch, H});
  b.ints("axis0", {0});
  b.op("emb", "GatherV2", {"E", "ids", "axis0"},
       {{"Tparams", DType::Float}, {"Tindices", DType::Int32}, {"Taxis", DType::Int32}, {"batch_dims", int64_t{0}}});
  std::vector<std::string> xs;
  const int64_t steps = single ? 1 : k.steps;
  if (k.view == "split" || k.view == "fed_table") {
    b.constant("axis1", Tensor::scalar<int32_t>(1));
    b.op("split", "Split", {"axis1", "emb"}, {{"T", DType::Float}, {"num_split", steps}});
    for (int64_t t = 0; t < steps; ++t)
      xs.push_back(b.op("x" + std::to_string(t), "Squeeze", {"split:" + std::to_string(t)},
                        {{"T", DType::Float}, {"squeeze_dims", std::vector<int64_t>{1}}}));
  } else if (k.view == "unpack") {
    b.op("unstack", "Unpack", {"emb"}, {{"T", DType::Float}, {"num", steps}, {"axis", int64_t{1}}});
    for (int64_t t = 0; t < steps; ++t) xs.push_back("unstack:" + std::to_string(t));
  } else if (k.view == "reshape") {
    b.constant("rows", Tensor::from_vector<int32_t>({-1, static_cast<int32_t>(D)}));
    xs.push_back(b.op("x0", "Reshape", {"emb", "rows"}, {{"T", DType::Float}, {"Tshape", DType::Int32}}));
  } else {  // split_rows: x is half of each row, not a row
    b.constant("axis1", Tensor::scalar<int32_t>(1));
    b.op("split", "Split", {"axis1", "emb"}, {{"T", DType::Float}, {"num_split", int64_t{2}}});
    xs.push_back("split:0");
  }
  std::string h = "zeros", c = "zeros";
  for (int64_t t = 0; t < steps; ++t) {
    const std::string cell = t + 1 == steps ? "h" : "cell" + std::to_string(t);
    b.op(cell, "_FrostLSTMCell", {xs[static_cast<size_t>(t)], h, c, "W", "bias"});
    h = cell;
    c = cell + ":1";
  }
  b.op("c", "Identity", {c});
  return b.g;
}

FeedMap feeds_for(const Case& k) {
  const bool single = k.view == "reshape" || k.view == "split_rows";
  std::vector<int32_t> ids;
  for (int64_t i = 0; i < k.batch * (single ? 1 : k.steps); ++i) ids.push_back(static_cast<int32_t>((i * 5 + 3) % k.vocab));
  FeedMap feeds{{TensorId::parse("ids"), Tensor::from_vector(ids, single ? Shape{k.batch} : Shape{k.batch, k.steps})}};
  if (k.view == "fed_table")
    feeds[TensorId::parse("E")] = Tensor::from_vector(varied_values(k.vocab * k.dim, 0.3f, 0.05f), Shape{k.vocab, k.dim});
  return feeds;
}

int projected_cells(const Graph& g) {
  int n = 0;
  for (const Node* node : g.nodes()) n += node->op == "_FrostLSTMCell" && node->attr_bool_or("x_projected", false);
  return n;
}

PassContext runtime_context() {
  PassContext ctx;
  ctx.outputs = {TensorId::parse("h"), TensorId::parse("c")};
  ctx.inputs = {TensorId::parse("ids")};
  ctx.runtime_fusions = true;
  return ctx;
}

}  // namespace

TEST_CASE("project_lstm_inputs: cells on embedding rows look their x share up, with the same numbers") {
  for (const char* view : {"split", "unpack", "reshape"}) {
    for (const int64_t batch : {3, 10}) {
      Case k;
      k.view = view;
      k.batch = batch;
      CAPTURE(view);
      CAPTURE(batch);
      const Graph before = unrolled(k);
      Graph after = before;
      const PassStats stats = project_lstm_inputs(after, runtime_context());
      const int cells = k.view == "reshape" ? 1 : static_cast<int>(k.steps);
      CHECK(projected_cells(after) == cells);
      CHECK(stats.counts.at("lstm_inputs_projected") == cells);
      // One table and one recurrent kernel for the layer, the view chain copied once.
      CHECK(count_ops(after, "GatherV2") == 2);
      CHECK(project_lstm_inputs(after, runtime_context()).changed() == false);  // a fixed point

      const FeedMap feeds = feeds_for(k);
      const std::vector<TensorId> fetches = ids({"h", "c"});
      const std::vector<Tensor> want = run_reference(before, feeds, fetches);
      const std::vector<Tensor> ref_after = run_reference(after, feeds, fetches);
      const Session session(after);
      for (int run = 0; run < 2; ++run) {  // traced, then planned
        const std::vector<Tensor> cpu = session.run(feeds, fetches);
        for (size_t i = 0; i < fetches.size(); ++i) {
          CHECK(compare_tensors(ref_after[i], want[i]).relative_error() <= 1e-5);
          CHECK(compare_tensors(cpu[i], want[i]).relative_error() <= 1e-5);
        }
      }
    }
  }
}

TEST_CASE("project_lstm_inputs: not a row view, a fed table, a table too large, or no runtime fusions: unchanged") {
  Case rows;  // the kernel has more rows than a table row: only the view tells
  rows.view = "split_rows";
  rows.hidden = 9;
  Case fed;
  fed.view = "fed_table";
  Case large;  // 1100 × 4·256 floats: 4.4 MiB of table
  large.vocab = 1100;
  large.dim = 2;
  large.hidden = 256;
  large.steps = 2;
  Case costly;  // 250 × 300 × 4·256: a 1 MiB table, but 77M multiply-adds to build
  costly.vocab = 250;
  costly.dim = 300;
  costly.hidden = 256;
  costly.steps = 2;
  costly.batch = 1;
  for (const Case& k : {rows, fed, large, costly}) {
    CAPTURE(k.view);
    CAPTURE(k.vocab);
    Graph g = unrolled(k);
    CHECK_FALSE(project_lstm_inputs(g, runtime_context()).changed());
    CHECK(projected_cells(g) == 0);
  }
  Graph g = unrolled(Case{});
  PassContext tf_only = runtime_context();
  tf_only.runtime_fusions = false;
  CHECK_FALSE(project_lstm_inputs(g, tf_only).changed());
}
