// share_packed (runtime/impl_epilogue.h): one packed copy of a constant for
// every kernel that packs it the same way.
//
// Keyed by the source's address and the packing's size, and a hit is taken
// only when the bytes are equal: the caller has just packed its own copy, so
// comparing costs no more than that packing did, and an address reused by a
// later, different constant (or another packing of the same size) can never
// hand out wrong weights. Entries are weak: a packing lives as long as the
// kernels holding it.
#include <cstring>
#include <map>
#include <mutex>
#include <utility>

#include "runtime/impl_epilogue.h"

namespace frost {

std::shared_ptr<const WeightBuffer> share_packed(const void* source, std::shared_ptr<const WeightBuffer> packed) {
  static std::mutex mutex;
  static std::multimap<std::pair<const void*, size_t>, std::weak_ptr<const WeightBuffer>> live;
  const std::lock_guard<std::mutex> lock(mutex);
  const auto key = std::make_pair(source, packed->size());
  for (auto it = live.begin(); it != live.end();) {  // drop packings no kernel holds any more
    if (it->second.expired()) it = live.erase(it);
    else ++it;
  }
  const auto [first, last] = live.equal_range(key);
  for (auto it = first; it != last; ++it) {
    std::shared_ptr<const WeightBuffer> held = it->second.lock();
    if (held && std::memcmp(held->data(), packed->data(), packed->size() * sizeof(float)) == 0) return held;
  }
  live.emplace(key, packed);
  return packed;
}

}  // namespace frost
