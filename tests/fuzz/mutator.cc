#include "mutator.h"

#include <algorithm>
#include <array>
#include <cstdlib>

namespace frost::fuzz {

uint64_t SplitMix64::next() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

namespace {

// Values at the edges of their width: where sizes, counts, offsets and
// lengths turn into overflows, negative sizes and off-by-one reads.
constexpr std::array<uint64_t, 14> kInteresting = {0,
                                                   1,
                                                   2,
                                                   0x7f,
                                                   0x80,
                                                   0xff,
                                                   0x7fff,
                                                   0x8000,
                                                   0xffff,
                                                   0x7fffffff,
                                                   0x80000000,
                                                   0xffffffff,
                                                   0x7fffffffffffffffULL,
                                                   0xffffffffffffffffULL};

// Writes the low `width` bytes of `value` at `pos`, little- or big-endian.
void put_field(std::string& s, size_t pos, uint64_t value, size_t width, bool big_endian) {
  for (size_t i = 0; i < width && pos + i < s.size(); ++i) {
    const size_t shift = 8 * (big_endian ? width - 1 - i : i);
    s[pos + i] = static_cast<char>((value >> shift) & 0xff);
  }
}

void mutate_once(std::string& s, const MutationSources& from, SplitMix64& rng) {
  // An empty input can only grow.
  const uint64_t kinds = from.words.empty() ? 10 : 12;
  const uint64_t kind = s.empty() ? 5 : rng.below(kinds);
  const size_t pos = s.empty() ? 0 : rng.below(s.size());
  switch (kind) {
    case 0:  // bit flip
      s[pos] = static_cast<char>(s[pos] ^ (1 << rng.below(8)));
      break;
    case 1:  // byte set to an interesting value
      s[pos] = static_cast<char>(kInteresting[rng.below(6)]);
      break;
    case 2: {  // 2-, 4- or 8-byte field set to an interesting value
      const size_t width = size_t{2} << rng.below(3);
      put_field(s, pos, kInteresting[rng.below(kInteresting.size())], width, rng.below(2) == 0);
      break;
    }
    case 3:  // random byte
      s[pos] = static_cast<char>(rng.below(256));
      break;
    case 4:  // small arithmetic on a byte (lengths, varints, counts)
      s[pos] = static_cast<char>(static_cast<unsigned char>(s[pos]) + static_cast<unsigned char>(rng.below(33)) - 16);
      break;
    case 5: {  // insert random bytes
      const size_t n = 1 + rng.below(16);
      std::string bytes(n, '\0');
      for (char& c : bytes) c = static_cast<char>(rng.below(256));
      s.insert(s.empty() ? 0 : rng.below(s.size() + 1), bytes);
      break;
    }
    case 6: {  // copy a chunk of the input elsewhere in it (repeated fields, duplicated records)
      const size_t n = 1 + rng.below(std::min<size_t>(s.size() - pos, 64));
      const std::string chunk = s.substr(pos, n);
      s.insert(rng.below(s.size() + 1), chunk);
      break;
    }
    case 7: {  // delete a range
      const size_t n = 1 + rng.below(std::min<size_t>(s.size() - pos, 64));
      s.erase(pos, n);
      break;
    }
    case 8:  // truncate
      s.resize(pos);
      break;
    case 9: {  // splice: this input's head, another seed's tail
      const std::string& other = from.seeds[rng.below(from.seeds.size())];
      if (other.empty()) break;
      const size_t at = rng.below(other.size());
      s = s.substr(0, pos) + other.substr(at);
      break;
    }
    case 10:  // insert a dictionary word
      s.insert(rng.below(s.size() + 1), from.words[rng.below(from.words.size())]);
      break;
    case 11: {  // write a dictionary word over the input
      const std::string& word = from.words[rng.below(from.words.size())];
      s.replace(pos, std::min(word.size(), s.size() - pos), word);
      break;
    }
  }
}

}  // namespace

std::string mutate(const std::string& input, const MutationSources& from, size_t max_len, SplitMix64& rng) {
  std::string s = input;
  const uint64_t rounds = 1 + rng.below(4);
  for (uint64_t i = 0; i < rounds; ++i) {
    mutate_once(s, from, rng);
    if (s.size() > max_len) s.resize(max_len);
  }
  return s;
}

std::vector<std::string> read_dictionary(const std::string& text) {
  std::vector<std::string> words;
  size_t line_start = 0;
  while (line_start < text.size()) {
    size_t line_end = text.find('\n', line_start);
    if (line_end == std::string::npos) line_end = text.size();
    const size_t open = text.find('"', line_start);
    const size_t close = text.rfind('"', line_end - 1);
    if (open < line_end && close != std::string::npos && close > open) {
      std::string word;
      for (size_t i = open + 1; i < close; ++i) {
        if (text[i] != '\\' || i + 1 >= close) {
          word += text[i];
        } else if (text[i + 1] == 'x' && i + 3 < close) {
          word += static_cast<char>(std::strtol(text.substr(i + 2, 2).c_str(), nullptr, 16));
          i += 3;
        } else {
          word += text[++i];
        }
      }
      if (!word.empty()) words.push_back(std::move(word));
    }
    line_start = line_end + 1;
  }
  return words;
}

}  // namespace frost::fuzz
