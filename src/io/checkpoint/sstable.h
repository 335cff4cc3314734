// Read-only LevelDB-format table ("SSTable"), the format of TensorFlow's
// checkpoint .index files.
//
// Layout (LevelDB's table_format.md):
//   [data block]* [metaindex block] [index block] [footer: 48 bytes]
//   footer  = metaindex handle, index handle (each varint64 offset + varint64
//             size), zero padding to 40 bytes, magic 0xdb4775248b80fb57 (LE).
//   block   = entries, then uint32 restart offsets, then uint32 restart count;
//             entry = varint32 shared, varint32 non_shared, varint32 value_len,
//             key bytes after the shared prefix, value bytes.
//   trailer = after each block: 1 byte compression type (0 none, 1 snappy) and
//             the masked CRC-32C of the block contents + that type byte.
//   The index block maps a separator key to each data block's handle.
//
// The whole table is read and verified at open: every block CRC, every
// varint and offset against its block, restart points, strictly increasing
// keys. Corrupt or truncated input throws frost::Error naming the file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace frost {

class SSTable {
 public:
  struct Entry {
    std::string key;
    std::string value;
  };

  // Reads `path` completely; throws if it cannot be read or is malformed.
  static SSTable open(const std::string& path);
  // Parses a table held in memory; `name` is used in error messages.
  static SSTable parse(std::string_view bytes, const std::string& name);

  // All entries, in increasing bytewise key order.
  const std::vector<Entry>& entries() const { return entries_; }
  // The value stored under `key`, or nullptr.
  const std::string* find(std::string_view key) const;

  static constexpr uint64_t kMagic = 0xdb4775248b80fb57ull;
  static constexpr std::size_t kFooterSize = 48;
  static constexpr std::size_t kBlockTrailerSize = 5;

 private:
  std::vector<Entry> entries_;
};

}  // namespace frost
