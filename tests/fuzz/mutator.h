// Deterministic mutations of seed inputs for the mutation smoke
// (mutation_smoke_main.cc): the kinds of damage libFuzzer's mutators do, with
// no coverage feedback, driven by one seeded generator so a run with the same
// seeds and seed value produces the same inputs in the same order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace frost::fuzz {

// splitmix64: tiny, fast and fully determined by its seed.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next();
  // Uniform in [0, n) for n > 0 (the slight modulo bias does not matter here).
  uint64_t below(uint64_t n) { return next() % n; }

 private:
  uint64_t state_;
};

// What mutations draw from besides the input itself.
struct MutationSources {
  const std::vector<std::string>& seeds;  // for splices
  const std::vector<std::string>& words;  // a dictionary (field names, op names); may be empty
};

// One mutation of `input` (a bit flip, a byte or 2/4/8-byte field set to an
// interesting value such as 0, -1, 0x7f.., 0x80.., a truncation, an insertion
// of random or copied bytes, a deletion, a splice with another seed, or a
// dictionary word inserted or written over), stacked 1 to 4 times. The
// result is at most `max_len` bytes.
std::string mutate(const std::string& input, const MutationSources& from, size_t max_len, SplitMix64& rng);

// The words of a libFuzzer dictionary file: one "quoted" word a line, with
// \\, \" and \xHH escapes; other lines are ignored.
std::vector<std::string> read_dictionary(const std::string& text);

}  // namespace frost::fuzz
