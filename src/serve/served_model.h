// One model as `frost serve` exposes it: a name, the prepared session, and its
// signature (inputs the client must feed, outputs it gets back, with dtypes
// and shapes) in the form TensorFlow Serving's metadata API reports.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "graph/shape.h"
#include "graph/tensor.h"
#include "runtime/session.h"

namespace frost::serve {

struct TensorSpec {
  std::string key;     // the name clients use: the node name ("conv2d_input")
  TensorId id;         // the tensor in the graph ("conv2d_input:0")
  DType dtype = DType::Invalid;
  PartialShape shape;  // unknown dims are -1, as TF Serving reports them
};

class ServedModel {
 public:
  // `session` is already prepared for inference (optimised); the signature is
  // its required inputs (placeholders without a default) and detected outputs.
  ServedModel(std::string name, std::string path, Session session);

  const std::string& name() const { return name_; }
  const std::string& path() const { return path_; }
  const std::vector<TensorSpec>& inputs() const { return inputs_; }
  const std::vector<TensorSpec>& outputs() const { return outputs_; }
  // Requests can be merged along dim 0: every input has rank >= 1 with an
  // unknown first dim (the graph was written for any batch size).
  bool batchable() const { return batchable_; }

  // Runs one (possibly merged) batch on the CPU backend with `threads`
  // OpenMP threads (0: OpenMP's default); thread-safe.
  std::vector<Tensor> run(const FeedMap& feeds, int threads = 0) const;

 private:
  std::string name_, path_;
  Session session_;
  std::vector<TensorSpec> inputs_, outputs_;
  std::vector<TensorId> fetches_;
  bool batchable_ = false;
};

// Loads a .pb/.pbtxt through the library's facade (load_session: optimised
// for inference as `frost run` does). Throws frost::Error naming the file.
std::shared_ptr<ServedModel> load_served_model(const std::string& name, const std::string& path);

}  // namespace frost::serve
