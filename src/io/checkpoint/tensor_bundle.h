// Native reader of TensorFlow's "tensor bundle" checkpoints (the V2 format
// written by tf.train.Saver and tf.train.Checkpoint).
//
// A checkpoint PREFIX is two kinds of file:
//   PREFIX.index                   an SSTable (see sstable.h): key "" holds the
//                                  BundleHeaderProto (shard count, endianness,
//                                  version), every other key a BundleEntryProto
//                                  (dtype, shape, shard_id, offset, size,
//                                  masked crc32c, slices)
//   PREFIX.data-SSSSS-of-NNNNN     raw tensor bytes, little-endian, row-major
// Numeric tensors are stored as their flat bytes; string tensors as varint64
// lengths, a masked CRC-32C of those lengths, then the bytes. A partitioned
// variable has an entry listing its slices; each slice is stored under the key
// encode_slice_key(name, slice) (see slice_key.h) and is reassembled here.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "graph/dtype.h"
#include "graph/shape.h"
#include "graph/tensor.h"
#include "io/checkpoint/slice_key.h"

namespace frost {

// Turns what a user names into a checkpoint prefix (the path without
// ".index"). Accepted, in this order:
//   PREFIX, PREFIX.index or PREFIX.data-00000-of-00001;
//   a directory holding a `checkpoint` state file (else its only *.index);
//   a state file itself (`checkpoint`, or `NAME.checkpoint` as the corpus
//   names them).
// A state file's model_checkpoint_path is taken relative to the state file's
// directory; when it is absolute or names a path from another machine that
// does not exist here, its basename inside that directory is tried, and for
// `NAME.checkpoint` finally NAME itself. Throws an Error listing what was tried.
std::string resolve_checkpoint_prefix(const std::string& path);

// The data file of `shard` (0-based) of `num_shards`: PREFIX.data-00000-of-00001.
std::string checkpoint_data_file(const std::string& prefix, int shard, int num_shards);

struct CheckpointEntry {
  std::string name;
  DType dtype = DType::Invalid;
  Shape shape;
  int num_slices = 0;  // > 0: a partitioned variable read back from its slices
};

class CheckpointReader {
 public:
  // Resolves `path` (resolve_checkpoint_prefix), reads and verifies the
  // .index and its header. Data shards are opened only when a tensor needs
  // them. Throws Error naming the file on any problem.
  explicit CheckpointReader(const std::string& path);
  ~CheckpointReader();
  CheckpointReader(const CheckpointReader&) = delete;
  CheckpointReader& operator=(const CheckpointReader&) = delete;

  const std::string& prefix() const { return prefix_; }
  std::string index_file() const { return prefix_ + ".index"; }
  int num_shards() const { return num_shards_; }

  // The tensors of the checkpoint, sorted by name (slice entries of
  // partitioned variables are not listed: their full tensor is).
  const std::vector<CheckpointEntry>& entries() const { return entries_; }
  bool has(const std::string& name) const;
  // Throws if the checkpoint has no tensor of that name.
  const CheckpointEntry& entry(const std::string& name) const;

  // Reads one tensor: checks the stored size against dtype and shape, the
  // CRC-32C of the bytes, and reassembles partitioned variables. Errors name
  // the tensor and the data file (a missing shard: "... PREFIX.data-00000-of-
  // 00001: ... data shard not found"). Safe to call from several threads.
  Tensor read(const std::string& name) const;

 private:
  struct Stored;  // one BundleEntryProto, decoded and validated
  struct Shard;   // an opened data file

  const CheckpointEntry* find_entry(const std::string& name) const;
  const Stored& stored(const std::string& key, const std::string& name) const;
  Tensor read_stored(const Stored& s, const std::string& name) const;
  Tensor read_sliced(const Stored& s, const std::string& name) const;
  Shard& shard(int id, const std::string& name) const;

  std::string prefix_;
  int num_shards_ = 0;
  std::vector<CheckpointEntry> entries_;
  std::vector<std::pair<std::string, std::unique_ptr<Stored>>> stored_;  // by key, sorted
  mutable std::mutex shards_mutex_;
  mutable std::map<int, std::unique_ptr<Shard>> shards_;  // opened so far, by shard id
};

}  // namespace frost
