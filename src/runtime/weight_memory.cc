// weight_memory.h: slabs of 2 MiB-aligned anonymous memory, madvised for
// transparent huge pages, handed out front to back.
#include "runtime/weight_memory.h"

#include <sys/mman.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>
#include <mutex>
#include <new>

namespace frost {

namespace {

constexpr size_t kHugePage = size_t{2} << 20;
// A slab's size: large enough that a model's filters mostly share a few,
// small enough that a small model's last slab wastes little address space
// (untouched pages of it are never resident).
constexpr size_t kSlabBytes = size_t{32} << 20;
constexpr size_t kAlign = 64;

size_t round_up(size_t n, size_t to) { return (n + to - 1) / to * to; }

struct Slab {
  size_t bytes = 0;  // mapped, from the key
  size_t used = 0;   // handed out, from the front
  size_t live = 0;   // buffers not yet freed
};

struct Slabs {
  std::mutex mutex;
  std::map<std::byte*, Slab> by_base;
  std::byte* current = nullptr;  // the slab new buffers go to
};

Slabs& slabs() {
  static Slabs* s = new Slabs;  // never destroyed: buffers may be freed during exit
  return *s;
}

// `bytes` (a multiple of kHugePage) at a kHugePage boundary, so that every
// whole 2 MiB of it can be one huge page.
std::byte* map_slab(size_t bytes) {
  const size_t span = bytes + kHugePage;
  void* raw = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  auto* start = static_cast<std::byte*>(raw);
  auto* base = reinterpret_cast<std::byte*>(round_up(reinterpret_cast<uintptr_t>(start), kHugePage));
  if (base > start) munmap(start, static_cast<size_t>(base - start));
  std::byte* end = base + bytes;
  if (start + span > end) munmap(end, static_cast<size_t>(start + span - end));
  madvise(base, bytes, MADV_HUGEPAGE);  // a hint: without THP the pages stay small
  return base;
}

}  // namespace

void* weight_memory_allocate(size_t bytes) {
  if (bytes < kSlabbedBytes) return ::operator new(bytes, std::align_val_t{kAlign});
  const size_t need = round_up(bytes, kAlign);
  Slabs& s = slabs();
  const std::lock_guard<std::mutex> lock(s.mutex);
  auto it = s.current != nullptr ? s.by_base.find(s.current) : s.by_base.end();
  if (it == s.by_base.end() || it->second.used + need > it->second.bytes) {
    const size_t bytes_mapped = std::max(kSlabBytes, round_up(need, kHugePage));
#ifdef __GLIBC__
    // The weights used to be packed into heap memory that loading the model
    // had freed (the parsed graph, the optimiser's copies); taken from slabs
    // instead, that memory stayed resident (ResNet-50: RSS 291 → 366 MiB).
    // Give it back as each slab comes in.
    malloc_trim(0);
#endif
    it = s.by_base.emplace(map_slab(bytes_mapped), Slab{bytes_mapped, 0, 0}).first;
    // A buffer larger than a slab has one of its own; the current slab stays
    // open for the smaller ones.
    if (bytes_mapped == kSlabBytes || s.current == nullptr) s.current = it->first;
  }
  Slab& slab = it->second;
  std::byte* p = it->first + slab.used;
  slab.used += need;
  ++slab.live;
  return p;
}

void weight_memory_free(void* p, size_t bytes) {
  if (p == nullptr) return;
  if (bytes < kSlabbedBytes) return ::operator delete(p, std::align_val_t{kAlign});
  Slabs& s = slabs();
  const std::lock_guard<std::mutex> lock(s.mutex);
  auto it = std::prev(s.by_base.upper_bound(static_cast<std::byte*>(p)));
  if (--it->second.live > 0) return;
  if (s.current == it->first) s.current = nullptr;
  munmap(it->first, it->second.bytes);
  s.by_base.erase(it);
}

const void* weight_memory_slab(const void* p) {
  Slabs& s = slabs();
  const std::lock_guard<std::mutex> lock(s.mutex);
  auto* b = static_cast<std::byte*>(const_cast<void*>(p));
  auto it = s.by_base.upper_bound(b);
  if (it == s.by_base.begin()) return nullptr;
  --it;
  return b < it->first + it->second.bytes ? it->first : nullptr;
}

}  // namespace frost
