#include "io/checkpoint/sstable.h"

#include <algorithm>
#include <fstream>
#include <iterator>

#include "graph/error.h"
#include "io/checkpoint/byte_reader.h"
#include "io/checkpoint/crc32c.h"
#include "io/checkpoint/snappy.h"

namespace frost {

namespace {

enum CompressionType : uint8_t { kNoCompression = 0, kSnappyCompression = 1 };

struct BlockHandle {
  uint64_t offset = 0;
  uint64_t size = 0;
};

BlockHandle read_handle(ByteReader& r) {
  BlockHandle h;
  h.offset = r.varint64();
  h.size = r.varint64();
  return h;
}

// Verifies a block's trailer and returns its (decompressed) contents.
// `limit` is where blocks end (the footer's start).
std::string read_block(std::string_view file, std::size_t limit, BlockHandle h, const char* what) {
  const std::string where = std::string(what) + " block at offset " + std::to_string(h.offset);
  if (h.offset > limit || h.size > limit - h.offset ||
      SSTable::kBlockTrailerSize > limit - h.offset - h.size)
    throw Error(where + " of " + std::to_string(h.size) + " bytes runs past the end of the table");
  const std::string_view contents = file.substr(static_cast<std::size_t>(h.offset),
                                                static_cast<std::size_t>(h.size));
  ByteReader trailer(file.substr(static_cast<std::size_t>(h.offset + h.size),
                                 SSTable::kBlockTrailerSize),
                     "block trailer");
  const uint8_t type = trailer.u8();
  const uint32_t stored = crc32c_unmask(trailer.fixed32());
  const uint32_t actual = crc32c_extend(crc32c(contents), &type, 1);
  if (stored != actual) throw Error(where + ": checksum mismatch (the file is corrupt)");
  switch (type) {
    case kNoCompression: return std::string(contents);
    case kSnappyCompression:
      try {
        return snappy_decompress(contents);
      } catch (Error& e) {
        throw Error(where + ": " + e.message());
      }
    default:
      throw Error(where + ": unknown compression type " + std::to_string(type));
  }
}

// Decodes every entry of one block, appending to `out`. Checks that each
// restart offset is the start of an entry that shares no key prefix, as
// LevelDB's binary search over restarts relies on it.
void decode_block(std::string_view block, const char* what, std::vector<SSTable::Entry>& out) {
  if (block.size() < 4) throw Error(std::string(what) + " block shorter than its restart count");
  ByteReader tail(block.substr(block.size() - 4), "restart count");
  const uint64_t num_restarts = tail.fixed32();
  if (num_restarts > (block.size() - 4) / 4)
    throw Error(std::string(what) + " block: restart count " + std::to_string(num_restarts) +
                " does not fit in " + std::to_string(block.size()) + " bytes");
  const std::size_t data_end = block.size() - 4 - static_cast<std::size_t>(num_restarts) * 4;
  ByteReader restarts(block.substr(data_end, static_cast<std::size_t>(num_restarts) * 4),
                      "restart array");
  if (num_restarts == 0 && data_end != 0)
    throw Error(std::string(what) + " block has entries but no restart points");

  ByteReader r(block.substr(0, data_end), std::string(what) + " block");
  std::string key;
  uint64_t next_restart = num_restarts > 0 ? restarts.fixed32() : data_end;
  uint64_t restarts_seen = num_restarts > 0 ? 1 : 0;
  while (!r.at_end()) {
    const std::size_t entry_start = r.position();
    const uint32_t shared = r.varint32();
    const uint32_t non_shared = r.varint32();
    const uint32_t value_len = r.varint32();
    if (shared > key.size())
      throw Error(std::string(what) + " block: entry at offset " + std::to_string(entry_start) +
                  " shares " + std::to_string(shared) + " bytes of a " +
                  std::to_string(key.size()) + "-byte previous key");
    if (entry_start == next_restart) {
      if (shared != 0)
        throw Error(std::string(what) + " block: restart point " + std::to_string(entry_start) +
                    " has a shared key prefix");
      next_restart = restarts_seen < num_restarts ? restarts.fixed32() : data_end;
      ++restarts_seen;
    } else if (entry_start > next_restart) {
      throw Error(std::string(what) + " block: restart offset " + std::to_string(next_restart) +
                  " is not the start of an entry");
    }
    key.resize(shared);
    key.append(r.take(non_shared));
    out.push_back({key, std::string(r.take(value_len))});
  }
  // An empty block (LevelDB writes one restart at 0 for it) has nothing to check.
  if (data_end > 0 && restarts_seen <= num_restarts)
    throw Error(std::string(what) + " block: restart offset " + std::to_string(next_restart) +
                " is past the last entry");
}

}  // namespace

SSTable SSTable::open(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open file").file(path);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw Error("read error").file(path);
  return parse(bytes, path);
}

SSTable SSTable::parse(std::string_view file, const std::string& name) {
  try {
    if (file.size() < kFooterSize)
      throw Error("not a table: " + std::to_string(file.size()) + " bytes, shorter than the " +
                  std::to_string(kFooterSize) + "-byte footer");
    const std::size_t footer_start = file.size() - kFooterSize;
    ByteReader magic(file.substr(file.size() - 8), "footer");
    if (magic.fixed64() != kMagic) throw Error("not a table: bad magic number in the footer");
    ByteReader footer(file.substr(footer_start, kFooterSize - 8), "footer");
    const BlockHandle metaindex = read_handle(footer);
    const BlockHandle index = read_handle(footer);

    // The metaindex is unused by TensorFlow, but its checksum still tells
    // whether the file is intact.
    read_block(file, footer_start, metaindex, "metaindex");
    std::vector<Entry> index_entries;
    decode_block(read_block(file, footer_start, index, "index"), "index", index_entries);

    SSTable table;
    for (const Entry& e : index_entries) {
      ByteReader hr(e.value, "index entry");
      const BlockHandle h = read_handle(hr);
      decode_block(read_block(file, footer_start, h, "data"), "data", table.entries_);
    }
    for (std::size_t i = 1; i < table.entries_.size(); ++i)
      if (!(table.entries_[i - 1].key < table.entries_[i].key))
        throw Error("keys are not in increasing order at entry " + std::to_string(i));
    return table;
  } catch (Error& e) {
    e.file(name);
    throw;
  }
}

const std::string* SSTable::find(std::string_view key) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), key,
                             [](const Entry& e, std::string_view k) { return e.key < k; });
  if (it == entries_.end() || it->key != key) return nullptr;
  return &it->value;
}

}  // namespace frost
