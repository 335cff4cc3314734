// Memory for the weights kernels pack at prepare time (PackedConstant,
// impl_epilogue.h): the large ones are laid side by side in slabs that the
// kernel is asked to back with transparent huge pages (madvise), so that a
// run streaming the model's weights walks 2 MiB pages, not 4 KiB ones.
//
// Why: a batch-1 CNN reads all its weights once per run, far more than the
// L3 holds (ResNet-50: over 100 MB), and on 4 KiB pages that is a TLB miss
// every 64 cache lines, where the hardware prefetcher also stops. Measured,
// 3 interleaved fresh processes each, chrt, AVX-512, min: ResNet-50 1 thread
// 55.7 → 53.6 ms, 2 threads 29.3 → 28.1; InceptionV3 1 thread 85.0 → 81.5;
// opencv_face 1 thread 14.7 → 14.2, 2 threads 9.65 → 8.88; peak RSS the
// same (ResNet-50 313 MiB). Slabs rather than one mapping per buffer: most
// packed filters are under 2 MiB (ResNet-50's 1×1 layers: 0.25-2 MiB), and
// a huge page each would waste up to half of it.
//
// Buffers below kSlabbedBytes come from operator new as before. Where the
// kernel has no transparent huge pages (or says "never"), the madvise fails
// silently and the slabs are ordinary pages.
#pragma once

#include <cstddef>
#include <vector>

namespace frost {

// Process-wide and thread-safe. A slab is unmapped when the last buffer in it
// is freed.
void* weight_memory_allocate(size_t bytes);
void weight_memory_free(void* p, size_t bytes);

// The slab that holds `p` (its first byte), or nullptr for a buffer that
// is not in one; for tests.
const void* weight_memory_slab(const void* p);

inline constexpr size_t kSlabbedBytes = size_t{64} << 10;

// A stateless allocator on weight_memory_allocate; every buffer is at least
// 64-byte aligned.
template <class T>
struct WeightAllocator {
  using value_type = T;
  WeightAllocator() = default;
  template <class U>
  WeightAllocator(const WeightAllocator<U>&) {}  // NOLINT: allocators convert implicitly
  T* allocate(size_t n) { return static_cast<T*>(weight_memory_allocate(n * sizeof(T))); }
  void deallocate(T* p, size_t n) { weight_memory_free(p, n * sizeof(T)); }
  template <class U>
  bool operator==(const WeightAllocator<U>&) const {
    return true;
  }
};

using WeightBuffer = std::vector<float, WeightAllocator<float>>;

}  // namespace frost
