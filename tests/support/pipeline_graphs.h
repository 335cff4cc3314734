// Graphs built in code for the input-pipeline and loss-head tests: small
// classifiers fed by a tf.data iterator or a TF1 queue, as TensorFlow writes
// them (attrs and op names checked against graphs TensorFlow 2.21 wrote in
// tf.compat.v1 mode), and training graphs whose loss is the only unconsumed node.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace frost::testing::pipeline {

inline Node make_node(std::string name, std::string op, std::vector<std::string> inputs = {},
                      std::map<std::string, AttrValue> attrs = {}) {
  Node n;
  n.name = std::move(name);
  n.op = std::move(op);
  n.inputs = std::move(inputs);
  n.attrs = std::move(attrs);
  return n;
}

inline Node float_const(const std::string& name, Shape shape, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> d(0.0, 0.5);
  Tensor t(DType::Float, shape);
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = static_cast<float>(d(rng));
  return make_node(name, "Const", {}, {{"dtype", DType::Float}, {"value", t}});
}

inline Node int_const(const std::string& name, std::vector<int32_t> values) {
  return make_node(name, "Const", {}, {{"dtype", DType::Int32}, {"value", Tensor::from_vector(values)}});
}

inline Node placeholder(const std::string& name, PartialShape shape, DType dtype = DType::Float) {
  return make_node(name, "Placeholder", {}, {{"dtype", dtype}, {"shape", shape}});
}

inline std::map<std::string, AttrValue> t_float() { return {{"T", DType::Float}}; }

// in [?, 8] -> MatMul 8x3 + BiasAdd -> "logits"; with `softmax`, Softmax -> "probs".
inline void add_dense_head(Graph& g, const std::string& in, bool softmax = true) {
  g.add(float_const("dense/kernel", Shape{8, 3}, 11));
  g.add(float_const("dense/bias", Shape{3}, 12));
  g.add(make_node("dense/MatMul", "MatMul", {in, "dense/kernel"}, t_float()));
  g.add(make_node("logits", "BiasAdd", {"dense/MatMul", "dense/bias"}, t_float()));
  if (softmax) g.add(make_node("probs", "Softmax", {"logits"}, t_float()));
}

// IteratorV2 -> IteratorGetNext (features float [?,8], labels int64 [?]) ->
// dense -> Softmax "probs". The label component feeds a OneHot whose loss was
// pruned away (its transform alone is left, unconsumed).
inline Graph iterator_fed_classifier() {
  Graph g;
  const std::vector<DType> types{DType::Float, DType::Int64};
  const std::vector<PartialShape> shapes{PartialShape{-1, 8}, PartialShape{-1}};
  g.add(make_node("IteratorV2", "IteratorV2", {},
                  {{"output_types", types}, {"output_shapes", shapes}, {"shared_name", ""}, {"container", ""}}));
  g.add(make_node("IteratorGetNext", "IteratorGetNext", {"IteratorV2"},
                  {{"output_types", types}, {"output_shapes", shapes}}));
  add_dense_head(g, "IteratorGetNext");
  g.add(int_const("one_hot/depth", {3}));
  g.add(make_node("one_hot/on", "Const", {}, {{"dtype", DType::Float}, {"value", Tensor::scalar<float>(1)}}));
  g.add(make_node("one_hot/off", "Const", {}, {{"dtype", DType::Float}, {"value", Tensor::scalar<float>(0)}}));
  g.add(make_node("one_hot", "OneHot", {"IteratorGetNext:1", "one_hot/depth", "one_hot/on", "one_hot/off"},
                  {{"T", DType::Float}, {"TI", DType::Int64}, {"axis", int64_t{-1}}}));
  return g;
}

// tf.train.batch: FIFOQueueV2 (images float [4,2,1], labels int32 []) ->
// `dequeue_op` (QueueDequeueManyV2 or QueueDequeueUpToV2) with n = 6 ->
// Reshape [-1, 8] -> dense -> "logits". The label component is read by nothing.
inline Graph queue_fed_classifier(const std::string& dequeue_op = "QueueDequeueManyV2") {
  Graph g;
  const std::vector<DType> types{DType::Float, DType::Int32};
  g.add(make_node("batch/fifo_queue", "FIFOQueueV2", {},
                  {{"component_types", types},
                   {"shapes", std::vector<PartialShape>{PartialShape{4, 2, 1}, PartialShape(std::vector<int64_t>{})}},
                   {"capacity", int64_t{32}}, {"container", ""}, {"shared_name", ""}}));
  g.add(int_const("batch/n", {6}));
  g.add(make_node("batch", dequeue_op, {"batch/fifo_queue", "batch/n"},
                  {{"component_types", types}, {"timeout_ms", int64_t{-1}}}));
  g.add(int_const("flatten/shape", {-1, 8}));
  g.add(make_node("flatten", "Reshape", {"batch", "flatten/shape"}, {{"T", DType::Float}, {"Tshape", DType::Int32}}));
  add_dense_head(g, "flatten", false);
  return g;
}

// A regression model saved for training: x [?,8] -> dense (3 outputs) "logits"
// = the prediction; y [?,3] a label placeholder; "Mean" = Mean(Square(Sub(logits, y))),
// the only node nothing consumes.
inline Graph mse_training_graph() {
  Graph g;
  g.add(placeholder("x", PartialShape{-1, 8}));
  g.add(placeholder("y", PartialShape{-1, 3}));
  add_dense_head(g, "x", false);
  g.add(make_node("sub", "Sub", {"logits", "y"}, t_float()));
  g.add(make_node("Square", "Square", {"sub"}, t_float()));
  g.add(int_const("Const", {0, 1}));
  g.add(make_node("Mean", "Mean", {"Square", "Const"}, {{"T", DType::Float}, {"Tidx", DType::Int32}, {"keep_dims", false}}));
  return g;
}

// A classifier saved for training: x [?,8] -> dense "logits"; labels [?,3]
// one-hot; SoftmaxCrossEntropyWithLogits(logits, StopGradient(labels)) ->
// Mean "xent_mean"; with `softmax`, also a Softmax "probs" of the logits.
inline Graph softmax_xent_training_graph(bool softmax) {
  Graph g;
  g.add(placeholder("x", PartialShape{-1, 8}));
  g.add(placeholder("labels", PartialShape{-1, 3}));
  add_dense_head(g, "x", softmax);
  g.add(make_node("labels_stop", "StopGradient", {"labels"}, t_float()));
  g.add(make_node("xent", "SoftmaxCrossEntropyWithLogits", {"logits", "labels_stop"}, t_float()));
  g.add(int_const("Const", {0}));
  g.add(make_node("xent_mean", "Mean", {"xent", "Const"}, {{"T", DType::Float}, {"Tidx", DType::Int32}, {"keep_dims", false}}));
  return g;
}

}  // namespace frost::testing::pipeline
