// weight_memory: large buffers side by side in shared slabs (2 MiB-aligned),
// small ones from operator new; every buffer aligned and fully usable; a slab
// unmapped with its last buffer (shown on a buffer with a slab of its own:
// other tests' models may hold buffers in the shared one); safe from several
// threads at once.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

#include "runtime/weight_memory.h"

using namespace frost;

namespace {

bool aligned(const void* p, uintptr_t to) { return reinterpret_cast<uintptr_t>(p) % to == 0; }

}  // namespace

TEST_CASE("weight_memory: small buffers from operator new, large ones side by side in a slab") {
  void* small = weight_memory_allocate(kSlabbedBytes - 4);
  CHECK(aligned(small, 64));
  CHECK(weight_memory_slab(small) == nullptr);
  // Odd sizes: the next buffer still starts 64-byte aligned.
  const size_t sizes[] = {kSlabbedBytes, kSlabbedBytes + 4, 3 * kSlabbedBytes + 12};
  std::vector<void*> bufs;
  for (size_t s : sizes) {
    void* p = weight_memory_allocate(s);
    CHECK(aligned(p, 64));
    std::memset(p, 0x5a, s);  // every byte writable
    bufs.push_back(p);
  }
  // Side by side in a 2 MiB-aligned slab: each next buffer right after the
  // last one (rounded to 64 bytes), unless the slab was full and it opened
  // another (other tests' models may hold part of the open one).
  for (size_t i = 0; i < bufs.size(); ++i) {
    const void* slab = weight_memory_slab(bufs[i]);
    REQUIRE(slab != nullptr);
    CHECK(aligned(slab, uintptr_t{2} << 20));
    if (i > 0 && slab == weight_memory_slab(bufs[i - 1]))
      CHECK(static_cast<char*>(bufs[i]) == static_cast<char*>(bufs[i - 1]) + (sizes[i - 1] + 63) / 64 * 64);
    else if (i > 0)
      CHECK(slab == bufs[i]);
  }
  // Each buffer kept its bytes (no overlap with the next one's memset).
  for (size_t i = 0; i < bufs.size(); ++i) {
    const auto* b = static_cast<const unsigned char*>(bufs[i]);
    CHECK(b[0] == 0x5a);
    CHECK(b[sizes[i] - 1] == 0x5a);
  }
  for (size_t i = 0; i < bufs.size(); ++i) weight_memory_free(bufs[i], sizes[i]);
  weight_memory_free(small, kSlabbedBytes - 4);
}

TEST_CASE("weight_memory: a buffer larger than a slab has its own, and the open slab stays open") {
  void* a = weight_memory_allocate(kSlabbedBytes);
  const size_t big = size_t{40} << 20;
  void* b = weight_memory_allocate(big);
  void* c = weight_memory_allocate(kSlabbedBytes);
  CHECK(aligned(b, uintptr_t{2} << 20));
  CHECK(weight_memory_slab(b) == b);
  CHECK(weight_memory_slab(c) != b);  // not after the big one: in a's slab, or a new one if that was full
  CHECK((weight_memory_slab(c) == weight_memory_slab(a) || weight_memory_slab(c) == c));
  static_cast<char*>(b)[big - 1] = 1;
  weight_memory_free(b, big);
  CHECK(weight_memory_slab(b) == nullptr);
  weight_memory_free(a, kSlabbedBytes);
  weight_memory_free(c, kSlabbedBytes);
}

TEST_CASE("weight_memory: WeightBuffer holds its values, from several threads at once") {
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &ok] {
      bool good = true;
      for (int round = 0; round < 20; ++round) {
        std::vector<WeightBuffer> held;
        for (int i = 0; i < 8; ++i) {
          held.emplace_back(static_cast<size_t>(20000 + 3000 * i + t));
          for (size_t j = 0; j < held.back().size(); ++j) held.back()[j] = static_cast<float>(t * 1000 + i + j % 7);
        }
        for (int i = 0; i < 8; ++i)
          for (size_t j = 0; j < held[static_cast<size_t>(i)].size(); j += 97)
            good = good && held[static_cast<size_t>(i)][j] == static_cast<float>(t * 1000 + i + j % 7);
      }
      ok[static_cast<size_t>(t)] = good ? 1 : 0;
    });
  }
  for (std::thread& th : threads) th.join();
  for (int v : ok) CHECK(v == 1);
}
