// CTCGreedyDecoder: best class per time step, repeats merged, blanks dropped,
// returned as a sparse tensor (indices, values, dense shape) plus the
// negative sum of the per-step maxima as the sequence score, as TensorFlow does.
#include "graph/op_registry.h"

namespace frost {

namespace {

void ctc_greedy_decoder(OpContext& ctx) {
  const Tensor& logits = ctx.input(0);  // [max_time, batch, classes]
  const Tensor& lengths = ctx.input(1);  // [batch]
  if (logits.rank() != 3 || logits.dtype() != DType::Float) throw ctx.error("inputs must be float [time, batch, classes]");
  const int64_t time = logits.shape().dim(0), batch = logits.shape().dim(1), classes = logits.shape().dim(2);
  if (lengths.num_elements() != batch) throw ctx.error("sequence_length must have one entry per batch element");
  const bool merge_repeated = ctx.node().attr_bool_or("merge_repeated", true);
  int64_t blank = ctx.node().attr_int_or("blank_index", -1);
  if (blank < 0) blank += classes;
  if (classes < 1 || blank < 0 || blank >= classes) throw ctx.error("blank_index out of range");

  const float* x = logits.data<float>();
  std::vector<std::vector<int64_t>> decoded(static_cast<size_t>(batch));
  Tensor score(DType::Float, Shape{batch, 1});
  for (int64_t b = 0; b < batch; ++b) {
    const int64_t length = lengths.as_int64(b);
    if (length < 0 || length > time) throw ctx.error("sequence_length " + std::to_string(length) + " is out of range");
    int64_t previous = -1;
    double log_prob = 0;
    for (int64_t t = 0; t < length; ++t) {
      const float* row = x + (t * batch + b) * classes;
      int64_t best = 0;
      for (int64_t k = 1; k < classes; ++k)
        if (row[k] > row[best]) best = k;
      log_prob -= row[best];
      if (best != blank && !(merge_repeated && best == previous)) decoded[static_cast<size_t>(b)].push_back(best);
      previous = best;
    }
    score.data<float>()[b] = static_cast<float>(log_prob);
  }
  int64_t total = 0, longest = 0;
  for (const auto& d : decoded) {
    total += static_cast<int64_t>(d.size());
    longest = std::max<int64_t>(longest, static_cast<int64_t>(d.size()));
  }
  Tensor indices(DType::Int64, Shape{total, 2}), values(DType::Int64, Shape{total});
  int64_t k = 0;
  for (int64_t b = 0; b < batch; ++b)
    for (size_t i = 0; i < decoded[static_cast<size_t>(b)].size(); ++i, ++k) {
      indices.data<int64_t>()[2 * k] = b;
      indices.data<int64_t>()[2 * k + 1] = static_cast<int64_t>(i);
      values.data<int64_t>()[k] = decoded[static_cast<size_t>(b)][i];
    }
  ctx.set_output(0, indices);
  ctx.set_output(1, values);
  ctx.set_output(2, Tensor::from_vector<int64_t>({batch, longest}));
  ctx.set_output(3, score);
}

}  // namespace

void register_ctc_ops(OpRegistry& r) {
  r.add({.name = "CTCGreedyDecoder", .num_outputs = [](const Node&) { return 4; },
         .infer_shapes = [](const ShapeContext& ctx) {
           const PartialShape& in = ctx.input_shapes.at(0);
           const int64_t batch = in.known_rank() && in.rank() == 3 ? in.dim(1) : -1;
           return std::vector<PartialShape>{PartialShape{-1, 2}, PartialShape{-1}, PartialShape{2}, PartialShape{batch, 1}};
         },
         .reference = ctc_greedy_decoder});
}

}  // namespace frost
