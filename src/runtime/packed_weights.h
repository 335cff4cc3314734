// Weights packed once for a node whose weight input is a constant, shared by
// every run of the node on any thread. The first run packs under the lock;
// later runs get the same immutable buffer. A constant is recognised by its
// buffer address, and `layout` (what the packed form depends on: filter dims,
// groups, ...) guards against a packing that changes with the input shapes.
// Weights that are not constant are packed into a buffer of the caller's own.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace frost {

class PackedWeights {
 public:
  using Buffer = std::shared_ptr<const std::vector<float>>;

  // The packing of the weights at `source` for `layout`, made by
  // `pack(float* out)` into `floats` floats the first time.
  template <class Pack>
  Buffer get(const void* source, const std::vector<int64_t>& layout, size_t floats, Pack pack) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!packed_ || source_ != source || layout_ != layout) {
      auto fresh = std::make_shared<std::vector<float>>(floats);
      pack(fresh->data());
      packed_ = std::move(fresh);
      source_ = source;
      layout_ = layout;
    }
    return packed_;
  }

 private:
  std::mutex mutex_;
  Buffer packed_;
  const void* source_ = nullptr;
  std::vector<int64_t> layout_;
};

// Packs into a fresh buffer owned by the caller: for weights that change
// between runs (nothing is shared, so nothing races).
template <class Pack>
PackedWeights::Buffer pack_once(size_t floats, Pack pack) {
  auto fresh = std::make_shared<std::vector<float>>(floats);
  pack(fresh->data());
  return fresh;
}

}  // namespace frost
