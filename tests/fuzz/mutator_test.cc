// The mutation smoke's mutator (mutator.h): the same seed gives the same
// inputs on every machine, results respect the length cap, every kind of
// mutation happens, and libFuzzer dictionaries are read as libFuzzer reads them.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "mutator.h"

using frost::fuzz::MutationSources;
using frost::fuzz::SplitMix64;

TEST_CASE("mutations are deterministic, capped, and change the input") {
  const std::vector<std::string> seeds = {"node { name: \"x\" op: \"Relu\" }", std::string(300, 'a'), ""};
  const std::vector<std::string> words = {"DT_FLOAT", "attr {"};
  const MutationSources from{seeds, words};
  SplitMix64 a(42), b(42), c(43);
  int changed = 0, differs_by_seed = 0, grew = 0, shrank = 0;
  std::set<std::string> distinct;
  for (int i = 0; i < 2000; ++i) {
    const std::string& input = seeds[static_cast<size_t>(i) % seeds.size()];
    const std::string x = frost::fuzz::mutate(input, from, 64, a);
    CHECK(x == frost::fuzz::mutate(input, from, 64, b));
    CHECK(x.size() <= 64);
    differs_by_seed += x != frost::fuzz::mutate(input, from, 64, c);
    changed += x != input.substr(0, 64);
    grew += x.size() > std::min<size_t>(input.size(), 64);
    shrank += x.size() < std::min<size_t>(input.size(), 64);
    distinct.insert(x);
  }
  CHECK(changed > 1800);
  CHECK(differs_by_seed > 1800);
  CHECK(grew > 100);
  CHECK(shrank > 100);
  CHECK(distinct.size() > 1500);
}

TEST_CASE("dictionary words are inserted") {
  const std::vector<std::string> seeds = {std::string(40, '.')};
  const std::vector<std::string> words = {"DT_FLOAT"};
  SplitMix64 rng(7);
  int with_word = 0;
  for (int i = 0; i < 500; ++i)
    with_word += frost::fuzz::mutate(seeds[0], {seeds, words}, 1 << 10, rng).find("DT_FLOAT") != std::string::npos;
  CHECK(with_word > 50);
}

TEST_CASE("libFuzzer dictionaries: quoted words with escapes, other lines ignored") {
  const std::string text = "# comment\n\"node {\"\nkw=\"a\\\"b\"\n\"\\x41\\\\\"\n\n\"\"\nnot quoted\n";
  CHECK(frost::fuzz::read_dictionary(text) == std::vector<std::string>{"node {", "a\"b", "A\\"});
}
