#include "serve/served_model.h"

#include "api/load_session.h"
#include "graph/shape_inference.h"

namespace frost::serve {

namespace {

// "node" for output 0, "node:1" otherwise: the key clients see.
std::string key_of(const TensorId& id) { return id.index == 0 ? id.node : id.to_string(); }

}  // namespace

ServedModel::ServedModel(std::string name, std::string path, Session session)
    : name_(std::move(name)), path_(std::move(path)), session_(std::move(session)) {
  for (const GraphInput& in : session_.inputs()) {
    if (in.has_default) continue;  // optional feeds (learning phase) are not part of the signature
    inputs_.push_back({in.name, in.tensor(), in.dtype, in.shape});
  }
  FROST_CHECK(!inputs_.empty(), "model '" + name_ + "' (" + path_ + ") has no inputs to feed");
  FROST_CHECK(!session_.outputs().empty(), "model '" + name_ + "' (" + path_ + ") has no detected outputs");

  std::map<std::string, PartialShape> input_shapes;
  for (const TensorSpec& in : inputs_) input_shapes[in.key] = in.shape;
  const auto inferred = infer_shapes(session_.graph(), input_shapes);
  for (const GraphOutput& out : session_.outputs()) {
    const TensorId id = TensorId::parse(out.name);
    TensorSpec spec{key_of(id), id, DType::Invalid, PartialShape::unknown()};
    if (auto it = inferred.find(id); it != inferred.end()) {
      spec.dtype = it->second.dtype;
      spec.shape = it->second.shape;
    }
    outputs_.push_back(spec);
    fetches_.push_back(id);
  }

  batchable_ = true;
  for (const TensorSpec& in : inputs_)
    if (!in.shape.known_rank() || in.shape.rank() == 0 || in.shape.dim(0) != PartialShape::kUnknown) batchable_ = false;
}

std::vector<Tensor> ServedModel::run(const FeedMap& feeds, int threads) const {
  RunOptions options;
  options.threads = threads;
  return session_.run(feeds, fetches_, Backend::Cpu, options);
}

std::shared_ptr<ServedModel> load_served_model(const std::string& name, const std::string& path) {
  return std::make_shared<ServedModel>(name, path, load_session(path));
}

}  // namespace frost::serve
