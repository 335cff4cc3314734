// The LevelDB table reader on tables written by the test writer: restarts,
// shared prefixes, several blocks, snappy blocks, and corrupt input.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "graph/error.h"
#include "io/checkpoint/sstable.h"
#include "table_writer.h"

using namespace frost;
using frost::testing::build_table;
using frost::testing::TableOptions;

namespace {

// Keys with long shared prefixes, as checkpoint names have ("layer/kernel").
std::vector<std::pair<std::string, std::string>> sample_pairs(int n) {
  std::vector<std::pair<std::string, std::string>> kvs{{"", "header"}};
  for (int i = 0; i < n; ++i) {
    char key[64];
    std::snprintf(key, sizeof key, "dense_%03d/kernel%s", i / 2, i % 2 ? "/Adam" : "");
    kvs.emplace_back(key, "value-" + std::to_string(i) + std::string(static_cast<std::size_t>(i % 5), '*'));
  }
  return kvs;
}

void check_same(const SSTable& t, const std::vector<std::pair<std::string, std::string>>& kvs) {
  REQUIRE(t.entries().size() == kvs.size());
  for (std::size_t i = 0; i < kvs.size(); ++i) {
    CHECK(t.entries()[i].key == kvs[i].first);
    CHECK(t.entries()[i].value == kvs[i].second);
  }
}

}  // namespace

TEST_CASE("sstable: one block, restarts every 3 keys, shared prefixes") {
  const auto kvs = sample_pairs(10);
  const std::string file = build_table(kvs, {.restart_interval = 3});
  const SSTable t = SSTable::parse(file, "mem.index");
  check_same(t, kvs);
  REQUIRE(t.find("dense_002/kernel/Adam") != nullptr);
  CHECK(*t.find("dense_002/kernel/Adam") == "value-5");
  CHECK(*t.find("") == "header");
  CHECK(t.find("dense_002/kerne") == nullptr);
  CHECK(t.find("zzz") == nullptr);
}

TEST_CASE("sstable: many blocks, restart interval 1 and 16, snappy-compressed blocks") {
  const auto kvs = sample_pairs(200);
  for (int interval : {1, 16}) {
    check_same(SSTable::parse(build_table(kvs, {.restart_interval = interval, .block_size = 256}), "m"), kvs);
    check_same(SSTable::parse(build_table(kvs, {.restart_interval = interval, .block_size = 256, .snappy = true}), "m"),
               kvs);
  }
}

TEST_CASE("sstable: empty table") {
  const SSTable t = SSTable::parse(build_table({}), "empty.index");
  CHECK(t.entries().empty());
}

TEST_CASE("sstable: footer, trailer and block corruption are errors naming the file") {
  const auto kvs = sample_pairs(20);
  const std::string good = build_table(kvs, {.restart_interval = 4, .block_size = 128});

  // Short and truncated files.
  CHECK_THROWS_WITH_AS(SSTable::parse(good.substr(0, 10), "x.index"), doctest::Contains("x.index"), Error);
  for (std::size_t len = 0; len < good.size(); ++len)
    CHECK_THROWS_AS(SSTable::parse(good.substr(0, len), "x.index"), Error);

  // Bad magic.
  std::string bad = good;
  bad.back() ^= 1;
  CHECK_THROWS_WITH_AS(SSTable::parse(bad, "x.index"), doctest::Contains("magic"), Error);

  // Any flipped byte in the blocks is caught by a CRC (or a structure check).
  const std::size_t footer_start = good.size() - SSTable::kFooterSize;
  for (std::size_t i = 0; i < footer_start; ++i) {
    bad = good;
    bad[i] ^= 0x20;
    CHECK_THROWS_AS(SSTable::parse(bad, "x.index"), Error);
  }
  // A flipped byte in the footer handles either errors out or still reads
  // (padding bytes are unused) — never anything else.
  for (std::size_t i = footer_start; i < good.size(); ++i) {
    bad = good;
    bad[i] ^= 0x5a;
    try {
      const SSTable t = SSTable::parse(bad, "x.index");
      CHECK(t.entries().size() == kvs.size());
    } catch (const Error& e) {
      CHECK(std::string(e.what()).find("x.index") != std::string::npos);
    }
  }
}

TEST_CASE("sstable: structurally bad blocks with valid checksums") {
  using frost::testing::put_fixed32;
  using frost::testing::put_varint;
  // Writes one raw data block (CRC correct) with an index pointing at it.
  auto table_with_block = [](const std::string& block) {
    std::string file = block;
    const uint8_t type = 0;
    file.push_back(0);
    put_fixed32(file, crc32c_mask(crc32c_extend(crc32c(block), &type, 1)));
    std::string index_block;
    std::string handle;
    put_varint(handle, 0);
    put_varint(handle, block.size());
    put_varint(index_block, 0);
    put_varint(index_block, 1);
    put_varint(index_block, handle.size());
    index_block += "k" + handle;
    put_fixed32(index_block, 0);
    put_fixed32(index_block, 1);
    const uint64_t index_offset = file.size();
    file += index_block;
    file.push_back(0);
    put_fixed32(file, crc32c_mask(crc32c_extend(crc32c(index_block), &type, 1)));
    std::string footer;
    put_varint(footer, index_offset);  // metaindex: reuse the index block
    put_varint(footer, index_block.size());
    put_varint(footer, index_offset);
    put_varint(footer, index_block.size());
    footer.resize(40, '\0');
    frost::testing::put_fixed64(footer, SSTable::kMagic);
    return file + footer;
  };
  auto entry = [](uint32_t shared, const std::string& key, const std::string& value) {
    std::string e;
    put_varint(e, shared);
    put_varint(e, key.size());
    put_varint(e, value.size());
    return e + key + value;
  };
  auto restarts = [](std::vector<uint32_t> r) {
    std::string s;
    for (uint32_t x : r) put_fixed32(s, x);
    put_fixed32(s, static_cast<uint32_t>(r.size()));
    return s;
  };
  const std::string e1 = entry(0, "abc", "1"), e2 = entry(2, "d", "2");
  // Sanity: the well-formed version reads ("abc", "abd").
  const SSTable ok = SSTable::parse(table_with_block(e1 + e2 + restarts({0})), "ok");
  REQUIRE(ok.entries().size() == 2);
  CHECK(ok.entries()[1].key == "abd");

  // Shared prefix longer than the previous key.
  CHECK_THROWS_WITH_AS(SSTable::parse(table_with_block(entry(5, "x", "1") + restarts({0})), "b"),
                       doctest::Contains("shares"), Error);
  // Restart count larger than the block.
  CHECK_THROWS_AS(SSTable::parse(table_with_block(e1 + restarts({0}).substr(0, 4) + std::string("\xff\xff\x00\x00", 4)), "b"),
                  Error);
  // Restart pointing into the middle of an entry, or at an entry with a shared prefix.
  CHECK_THROWS_AS(SSTable::parse(table_with_block(e1 + e2 + restarts({0, 2})), "b"), Error);
  CHECK_THROWS_AS(SSTable::parse(table_with_block(e1 + e2 + restarts({0, static_cast<uint32_t>(e1.size())})), "b"),
                  Error);
  // Restart past the entries.
  CHECK_THROWS_AS(SSTable::parse(table_with_block(e1 + e2 + restarts({0, 200})), "b"), Error);
  // Value length running past the block.
  CHECK_THROWS_AS(SSTable::parse(table_with_block(entry(0, "abc", "1").substr(0, 4) + restarts({0})), "b"), Error);
  // Keys out of order.
  CHECK_THROWS_WITH_AS(SSTable::parse(table_with_block(entry(0, "b", "1") + entry(0, "a", "2") + restarts({0, 5})), "b"),
                       doctest::Contains("order"), Error);
  // Unterminated varint.
  CHECK_THROWS_AS(SSTable::parse(table_with_block(std::string("\x80\x80\x80\x80\x80\x80", 6) + restarts({0})), "b"),
                  Error);
}

TEST_CASE("sstable: unknown compression type and a missing file") {
  std::string file = build_table({{"a", "1"}});
  // Rewrite the first block's type byte to 7 and fix its CRC.
  const std::size_t block_size = 4 + 4 + 3 + 1 + 1;  // entry (3 varints + key + value) + restart + count
  REQUIRE(file.size() > block_size + 5);
  const uint8_t type = 7;
  file[block_size] = static_cast<char>(type);
  std::string crc;
  frost::testing::put_fixed32(crc, crc32c_mask(crc32c_extend(crc32c(file.data(), block_size), &type, 1)));
  file.replace(block_size + 1, 4, crc);
  CHECK_THROWS_WITH_AS(SSTable::parse(file, "t.index"), doctest::Contains("compression type 7"), Error);
  CHECK_THROWS_WITH_AS(SSTable::open("/nonexistent/dir/model.index"), doctest::Contains("model.index"), Error);
}
