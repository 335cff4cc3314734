// Test-only writers: a minimal LevelDB table builder and a tensor-bundle
// builder, so tests can make small checkpoints (restarts, shared prefixes,
// several blocks, snappy blocks, strings, slices, shards) with known content.
// Frost itself never writes these formats.
#pragma once

#include <cstdint>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "io/checkpoint/crc32c.h"
#include "io/checkpoint/slice_key.h"
#include "tensor_bundle.pb.h"

namespace frost::testing {

inline void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

inline void put_fixed32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

inline void put_fixed64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

// Snappy stream made only of literals (valid, uncompressed-in-effect); enough
// to exercise the compressed-block path of the reader.
inline std::string snappy_literals(const std::string& raw) {
  std::string out;
  put_varint(out, raw.size());
  for (std::size_t pos = 0; pos < raw.size();) {
    const std::size_t n = std::min<std::size_t>(raw.size() - pos, 256);
    if (n <= 60) {
      out.push_back(static_cast<char>((n - 1) << 2));
    } else {
      out.push_back(static_cast<char>(60 << 2));  // one length byte follows
      out.push_back(static_cast<char>(n - 1));
    }
    out.append(raw, pos, n);
    pos += n;
  }
  return out;
}

struct TableOptions {
  int restart_interval = 16;
  std::size_t block_size = 4096;
  bool snappy = false;
};

// Builds a whole table from key/value pairs already in increasing order.
inline std::string build_table(const std::vector<std::pair<std::string, std::string>>& kvs,
                               TableOptions opt = {}) {
  std::string file;
  auto finish_block = [&](std::string contents) {
    const uint64_t offset = file.size();
    const uint8_t type = opt.snappy ? 1 : 0;
    if (opt.snappy) contents = snappy_literals(contents);
    file += contents;
    file.push_back(static_cast<char>(type));
    put_fixed32(file, crc32c_mask(crc32c_extend(crc32c(contents), &type, 1)));
    std::string handle;
    put_varint(handle, offset);
    put_varint(handle, contents.size());
    return handle;
  };
  struct Block {
    std::string data;
    std::vector<uint32_t> restarts{0};
    std::string last_key;
    int counter = 0;
    void add(const std::string& key, const std::string& value, int interval) {
      std::size_t shared = 0;
      if (counter < interval) {
        while (shared < last_key.size() && shared < key.size() && last_key[shared] == key[shared]) ++shared;
      } else {
        restarts.push_back(static_cast<uint32_t>(data.size()));
        counter = 0;
      }
      put_varint(data, shared);
      put_varint(data, key.size() - shared);
      put_varint(data, value.size());
      data.append(key, shared);
      data += value;
      last_key = key;
      ++counter;
    }
    std::string finish() {
      std::string out = data;
      for (uint32_t r : restarts) put_fixed32(out, r);
      put_fixed32(out, static_cast<uint32_t>(restarts.size()));
      return out;
    }
  };

  Block data, index;
  for (const auto& [key, value] : kvs) {
    data.add(key, value, opt.restart_interval);
    if (data.data.size() >= opt.block_size) {
      index.add(data.last_key, finish_block(data.finish()), 1);
      data = Block{};
    }
  }
  if (data.counter > 0) index.add(data.last_key, finish_block(data.finish()), 1);
  const std::string metaindex_handle = finish_block(Block{}.finish());
  const std::string index_handle = finish_block(index.finish());
  std::string footer = metaindex_handle + index_handle;
  footer.resize(40, '\0');
  put_fixed64(footer, 0xdb4775248b80fb57ull);
  return file + footer;
}

inline void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Collects tensors and writes PREFIX.index + PREFIX.data-* the way
// TensorFlow's BundleWriter lays them out.
class BundleBuilder {
 public:
  explicit BundleBuilder(int num_shards = 1) : data_(static_cast<std::size_t>(num_shards)) {}

  tensorflow::BundleEntryProto& add_bytes(const std::string& key, tensorflow::DataType dtype,
                                          const std::vector<int64_t>& shape, const std::string& bytes,
                                          int shard = 0) {
    auto& e = entries_[key];
    e.set_dtype(dtype);
    for (int64_t d : shape) e.mutable_shape()->add_dim()->set_size(d);
    e.set_shard_id(shard);
    e.set_offset(static_cast<int64_t>(data_[static_cast<std::size_t>(shard)].size()));
    e.set_size(static_cast<int64_t>(bytes.size()));
    e.set_crc32c(crc32c_mask(crc32c(bytes)));
    data_[static_cast<std::size_t>(shard)] += bytes;
    return e;
  }

  template <class T>
  tensorflow::BundleEntryProto& add(const std::string& key, tensorflow::DataType dtype,
                                    const std::vector<int64_t>& shape, const std::vector<T>& values,
                                    int shard = 0) {
    std::string bytes(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
    return add_bytes(key, dtype, shape, bytes, shard);
  }

  // TensorFlow's string layout: varint lengths, masked CRC of the lengths as
  // uint32, then the bytes; the entry CRC covers lengths, that CRC, bytes.
  tensorflow::BundleEntryProto& add_strings(const std::string& key, const std::vector<int64_t>& shape,
                                            const std::vector<std::string>& values) {
    std::string bytes;
    uint32_t crc = 0;
    for (const std::string& v : values) {
      put_varint(bytes, v.size());
      std::string le;
      put_fixed32(le, static_cast<uint32_t>(v.size()));
      crc = crc32c_extend(crc, le.data(), 4);
    }
    std::string masked;
    put_fixed32(masked, crc32c_mask(crc));
    bytes += masked;
    crc = crc32c_extend(crc, masked.data(), 4);
    for (const std::string& v : values) {
      bytes += v;
      crc = crc32c_extend(crc, v.data(), v.size());
    }
    auto& e = entries_[key];
    e.set_dtype(tensorflow::DT_STRING);
    for (int64_t d : shape) e.mutable_shape()->add_dim()->set_size(d);
    e.set_offset(static_cast<int64_t>(data_[0].size()));
    e.set_size(static_cast<int64_t>(bytes.size()));
    e.set_crc32c(crc32c_mask(crc));
    data_[0] += bytes;
    return e;
  }

  // One slice of a partitioned float tensor (as BundleWriter::AddSlice).
  void add_float_slice(const std::string& name, const std::vector<int64_t>& full_shape,
                       const SliceSpec& spec, const std::vector<float>& values, int shard = 0) {
    std::vector<int64_t> slice_shape;
    auto& full = entries_[name];
    full.set_dtype(tensorflow::DT_FLOAT);
    full.mutable_shape()->clear_dim();
    for (int64_t d : full_shape) full.mutable_shape()->add_dim()->set_size(d);
    auto* sp = full.add_slices();
    for (std::size_t d = 0; d < spec.size(); ++d) {
      auto* x = sp->add_extent();
      x->set_start(spec[d].start);
      if (spec[d].length != SliceExtent::kFull) x->set_length(spec[d].length);
      slice_shape.push_back(spec[d].length == SliceExtent::kFull ? full_shape[d] : spec[d].length);
    }
    add(encode_slice_key(name, spec), tensorflow::DT_FLOAT, slice_shape, values, shard);
  }

  std::map<std::string, tensorflow::BundleEntryProto>& entries() { return entries_; }
  std::string& data(int shard = 0) { return data_[static_cast<std::size_t>(shard)]; }

  std::string index_bytes(TableOptions opt = {}, bool big_endian = false) const {
    tensorflow::BundleHeaderProto header;
    header.set_num_shards(static_cast<int>(data_.size()));
    header.set_endianness(big_endian ? tensorflow::BundleHeaderProto::BIG
                                     : tensorflow::BundleHeaderProto::LITTLE);
    header.mutable_version()->set_producer(1);
    std::vector<std::pair<std::string, std::string>> kvs{{"", header.SerializeAsString()}};
    for (const auto& [k, e] : entries_) kvs.emplace_back(k, e.SerializeAsString());
    return build_table(kvs, opt);
  }

  void write(const std::string& prefix, TableOptions opt = {}) const {
    write_file(prefix + ".index", index_bytes(opt));
    for (std::size_t s = 0; s < data_.size(); ++s) {
      char suffix[64];
      std::snprintf(suffix, sizeof suffix, ".data-%05zu-of-%05zu", s, data_.size());
      write_file(prefix + suffix, data_[s]);
    }
  }

 private:
  std::map<std::string, tensorflow::BundleEntryProto> entries_;
  std::vector<std::string> data_;
};

}  // namespace frost::testing
