#include "io/checkpoint/tensor_bundle.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include "io/checkpoint/byte_reader.h"
#include "io/checkpoint/crc32c.h"
#include "io/checkpoint/sstable.h"
#include "tensor_bundle.pb.h"

namespace frost {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------
// Finding the prefix

namespace {

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Strips ".data-00000-of-00001" (digits of any count) if present.
bool strip_data_suffix(const std::string& path, std::string& prefix) {
  const auto at = path.rfind(".data-");
  if (at == std::string::npos) return false;
  const std::string rest = path.substr(at + 6);
  const auto of = rest.find("-of-");
  if (of == std::string::npos || of == 0 || of + 4 >= rest.size()) return false;
  auto digits = [](const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!digits(rest.substr(0, of)) || !digits(rest.substr(of + 4))) return false;
  prefix = path.substr(0, at);
  return true;
}

// The last component of a path written on any machine ('/' or '\\').
std::string foreign_basename(const std::string& p) {
  const auto slash = p.find_last_of("/\\");
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

std::string read_small_text_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw Error("cannot open file").file(p.string());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text;
}

// Keeps protobuf's parse errors for our message instead of its log.
class CollectErrors : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (first.empty()) first = std::to_string(line + 1) + ":" + std::to_string(column + 1) + ": " + message;
  }
  std::string first;
};

std::string prefix_from_state_file(const fs::path& state) {
  tensorflow::CheckpointState cs;
  const std::string text = read_small_text_file(state);
  google::protobuf::TextFormat::Parser parser;
  CollectErrors errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text, &cs))
    throw Error("not a text-format CheckpointState (" + errors.first + ")").file(state.string());
  const std::string& named = cs.model_checkpoint_path();
  if (named.empty()) throw Error("model_checkpoint_path is empty").file(state.string());

  const fs::path dir = state.parent_path();
  std::vector<std::string> candidates;
  const fs::path named_path(named);
  candidates.push_back(named_path.is_absolute() ? named : (dir / named_path).string());
  candidates.push_back((dir / foreign_basename(named)).string());
  // Corpus convention: NAME.checkpoint stands for the state file of NAME.
  const std::string state_name = state.filename().string();
  if (ends_with(state_name, ".checkpoint") && state_name != ".checkpoint")
    candidates.push_back((dir / state_name.substr(0, state_name.size() - 11)).string());

  std::string tried;
  for (const std::string& c : candidates) {
    if (is_file(c + ".index")) return c;
    if (tried.find(c + ".index") == std::string::npos) tried += (tried.empty() ? "" : ", ") + c + ".index";
  }
  throw Error("model_checkpoint_path \"" + named + "\" does not resolve: none of " + tried + " exists")
      .file(state.string());
}

}  // namespace

std::string resolve_checkpoint_prefix(const std::string& path) {
  FROST_CHECK(!path.empty(), "empty checkpoint path");
  if (ends_with(path, ".index") && is_file(path)) return path.substr(0, path.size() - 6);
  if (std::string stripped; strip_data_suffix(path, stripped) && is_file(stripped + ".index"))
    return stripped;
  if (is_file(path + ".index")) return path;

  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    const fs::path state = fs::path(path) / "checkpoint";
    if (is_file(state)) return prefix_from_state_file(state);
    std::vector<std::string> indexes;
    for (const auto& e : fs::directory_iterator(path, ec))
      if (e.is_regular_file() && e.path().extension() == ".index") indexes.push_back(e.path().string());
    if (indexes.size() == 1) return indexes[0].substr(0, indexes[0].size() - 6);
    throw Error(indexes.empty() ? "directory has no 'checkpoint' state file and no .index file"
                                : "directory has no 'checkpoint' state file and several .index files")
        .file(path);
  }
  if (is_file(path)) return prefix_from_state_file(path);
  throw Error("no checkpoint here: neither " + path + ".index, a directory, nor a state file exists")
      .file(path);
}

std::string checkpoint_data_file(const std::string& prefix, int shard, int num_shards) {
  char suffix[64];
  std::snprintf(suffix, sizeof suffix, ".data-%05d-of-%05d", shard, num_shards);
  return prefix + suffix;
}

// ---------------------------------------------------------------------------
// Index

struct CheckpointReader::Stored {
  DType dtype = DType::Invalid;
  Shape shape;
  int shard_id = 0;
  uint64_t offset = 0;
  uint64_t size = 0;
  uint32_t crc32c = 0;  // unmasked
  std::vector<SliceSpec> slices;
};

struct CheckpointReader::Shard {
  std::string path;
  int fd = -1;
  uint64_t size = 0;
  ~Shard() {
    if (fd >= 0) ::close(fd);
  }
};

namespace {

Shape shape_from_proto(const tensorflow::TensorShapeProto& p) {
  FROST_CHECK(!p.unknown_rank(), "stored shape has unknown rank");
  std::vector<int64_t> dims;
  for (const auto& d : p.dim()) {
    FROST_CHECK(d.size() >= 0, "stored shape has an unknown dimension");
    dims.push_back(d.size());
  }
  Shape s(std::move(dims));
  s.num_elements();  // throws on overflow
  return s;
}

// Reads a slice spec and checks it lies inside the full shape.
SliceSpec slice_from_proto(const tensorflow::TensorSliceProto& p, const Shape& full) {
  FROST_CHECK(p.extent_size() == full.rank(),
              "slice has " + std::to_string(p.extent_size()) + " extents for a rank-" +
                  std::to_string(full.rank()) + " tensor");
  SliceSpec spec;
  for (int d = 0; d < p.extent_size(); ++d) {
    const auto& e = p.extent(d);
    const bool whole = e.has_length_case() != tensorflow::TensorSliceProto::Extent::kLength;
    const SliceExtent x{e.start(), whole ? SliceExtent::kFull : e.length()};
    if (whole)
      FROST_CHECK(x.start == 0, "slice takes a whole dimension from start " + std::to_string(x.start));
    else
      FROST_CHECK(x.start >= 0 && x.length >= 0 && x.start <= full.dim(d) &&
                      x.length <= full.dim(d) - x.start,
                  "slice " + std::to_string(x.start) + "," + std::to_string(x.length) +
                      " is outside dimension " + std::to_string(d) + " of " + full.to_string());
    spec.push_back(x);
  }
  return spec;
}

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08" PRIx32, v);
  return buf;
}

}  // namespace

CheckpointReader::CheckpointReader(const std::string& path) : prefix_(resolve_checkpoint_prefix(path)) {
  const std::string index_path = index_file();
  const SSTable table = SSTable::open(index_path);
  try {
    const std::string* header_bytes = table.find("");
    FROST_CHECK(header_bytes != nullptr, "no bundle header (key \"\"): not a V2 checkpoint index");
    tensorflow::BundleHeaderProto header;
    FROST_CHECK(header.ParseFromString(*header_bytes), "bundle header does not parse");
    FROST_CHECK(header.endianness() == tensorflow::BundleHeaderProto::LITTLE,
                "checkpoint was written big-endian; only little-endian checkpoints are supported");
    // Format version 1 (TensorFlow's kTensorBundleVersion) is what this reads.
    FROST_CHECK(header.version().min_consumer() <= 1,
                "checkpoint needs a reader of bundle version " +
                    std::to_string(header.version().min_consumer()) + " (this reads version 1)");
    for (int bad : header.version().bad_consumers())
      FROST_CHECK(bad != 1, "checkpoint declares bundle version 1 readers unable to read it");
    num_shards_ = header.num_shards();
    FROST_CHECK(num_shards_ >= 0, "negative shard count " + std::to_string(num_shards_));

    for (const SSTable::Entry& kv : table.entries()) {
      if (kv.key.empty()) continue;
      // Keys of slices start with a 0 byte (ordered-code 0); names never do.
      const bool is_slice_key = kv.key[0] == '\0';
      const std::string shown = is_slice_key ? "a slice entry" : "entry '" + kv.key + "'";
      try {
        tensorflow::BundleEntryProto p;
        FROST_CHECK(p.ParseFromString(kv.value), "does not parse as a BundleEntryProto");
        auto s = std::make_unique<Stored>();
        s->dtype = dtype_base(static_cast<int>(p.dtype()));
        s->shape = shape_from_proto(p.shape());
        s->shard_id = p.shard_id();
        FROST_CHECK(p.offset() >= 0 && p.size() >= 0, "negative offset or size");
        s->offset = static_cast<uint64_t>(p.offset());
        s->size = static_cast<uint64_t>(p.size());
        s->crc32c = crc32c_unmask(p.crc32c());
        for (const auto& sp : p.slices()) s->slices.push_back(slice_from_proto(sp, s->shape));
        if (!is_slice_key)
          entries_.push_back({kv.key, s->dtype, s->shape, static_cast<int>(s->slices.size())});
        stored_.emplace_back(kv.key, std::move(s));
      } catch (Error& e) {
        throw Error(shown + ": " + e.message());
      }
    }
  } catch (Error& e) {
    e.file(index_path);
    throw;
  }
}

CheckpointReader::~CheckpointReader() = default;

const CheckpointEntry* CheckpointReader::find_entry(const std::string& name) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), name,
                             [](const CheckpointEntry& e, const std::string& n) { return e.name < n; });
  return it == entries_.end() || it->name != name ? nullptr : &*it;
}

bool CheckpointReader::has(const std::string& name) const { return find_entry(name) != nullptr; }

const CheckpointEntry& CheckpointReader::entry(const std::string& name) const {
  if (const CheckpointEntry* e = find_entry(name)) return *e;
  throw Error("checkpoint has no tensor '" + name + "'").file(index_file());
}

const CheckpointReader::Stored& CheckpointReader::stored(const std::string& key,
                                                         const std::string& name) const {
  auto it = std::lower_bound(stored_.begin(), stored_.end(), key,
                             [](const auto& e, const std::string& k) { return e.first < k; });
  if (it == stored_.end() || it->first != key) {
    if (key == name) throw Error("checkpoint has no tensor '" + name + "'").file(index_file());
    throw Error("index lacks a slice entry the tensor's entry lists").file(index_file())
        .item("tensor '" + name + "'");
  }
  return *it->second;
}

CheckpointReader::Shard& CheckpointReader::shard(int id, const std::string& name) const {
  if (id < 0 || id >= num_shards_)
    throw Error("shard id " + std::to_string(id) + " out of range (the header declares " +
                std::to_string(num_shards_) + " shards)")
        .file(index_file())
        .item("tensor '" + name + "'");
  std::lock_guard<std::mutex> lock(shards_mutex_);
  auto& slot = shards_[id];
  if (!slot) {
    auto s = std::make_unique<Shard>();
    s->path = checkpoint_data_file(prefix_, id, num_shards_);
    std::error_code ec;
    if (!fs::exists(s->path, ec))
      throw Error("data shard not found (the .index refers to it)").file(s->path).item("tensor '" + name + "'");
    s->fd = ::open(s->path.c_str(), O_RDONLY | O_CLOEXEC);
    if (s->fd < 0)
      throw Error(std::string("cannot open data shard: ") + std::strerror(errno)).file(s->path);
    const auto size = fs::file_size(s->path, ec);
    if (ec) throw Error("cannot stat data shard: " + ec.message()).file(s->path);
    s->size = static_cast<uint64_t>(size);
    slot = std::move(s);
  }
  return *slot;
}

namespace {

// Reads exactly `size` bytes at `offset` (the caller checked the range).
void read_exact(int fd, uint64_t offset, uint64_t size, void* into, const std::string& path) {
  auto* out = static_cast<char*>(into);
  while (size > 0) {
    const std::size_t chunk = static_cast<std::size_t>(std::min<uint64_t>(size, uint64_t{1} << 30));
    const ssize_t got = ::pread(fd, out, chunk, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0)
      throw Error(got == 0 ? "unexpected end of file" : std::string("read error: ") + std::strerror(errno))
          .file(path);
    out += got;
    offset += static_cast<uint64_t>(got);
    size -= static_cast<uint64_t>(got);
  }
}

// String tensor layout: varint64 length per element, the masked CRC-32C of
// those lengths (each taken as a little-endian uint32, or uint64 when it does
// not fit 32 bits), then the bytes. The entry's CRC covers the same length
// values, the 4 stored checksum bytes, then the string bytes.
uint32_t decode_strings(std::string_view data, std::vector<std::string>& out) {
  ByteReader r(data, "string tensor");
  std::vector<uint64_t> lengths(out.size());
  uint32_t crc = 0;
  for (uint64_t& len : lengths) {
    len = r.varint64();
    unsigned char le[8];
    const int width = len <= UINT32_MAX ? 4 : 8;
    for (int i = 0; i < width; ++i) le[i] = static_cast<unsigned char>(len >> (8 * i));
    crc = crc32c_extend(crc, le, static_cast<std::size_t>(width));
  }
  const uint32_t stored_lengths_crc = r.fixed32();
  if (crc32c_unmask(stored_lengths_crc) != crc)
    throw Error("checksum of the string lengths does not match (stored " +
                hex32(crc32c_unmask(stored_lengths_crc)) + ", computed " + hex32(crc) +
                "): the data is corrupt");
  unsigned char raw[4];
  for (int i = 0; i < 4; ++i) raw[i] = static_cast<unsigned char>(stored_lengths_crc >> (8 * i));
  crc = crc32c_extend(crc, raw, 4);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::string_view bytes = r.take(lengths[i]);
    crc = crc32c_extend(crc, bytes.data(), bytes.size());
    out[i].assign(bytes);
  }
  if (!r.at_end())
    throw Error(std::to_string(r.remaining()) + " unexpected bytes after the last string");
  return crc;
}

}  // namespace

Tensor CheckpointReader::read(const std::string& name) const {
  if (!has(name)) throw Error("checkpoint has no tensor '" + name + "'").file(index_file());
  const Stored& s = stored(name, name);
  return s.slices.empty() ? read_stored(s, name) : read_sliced(s, name);
}

Tensor CheckpointReader::read_stored(const Stored& s, const std::string& name) const {
  const std::string what = "tensor '" + name + "'";
  try {
    FROST_CHECK(s.dtype != DType::Resource && s.dtype != DType::Variant,
                "stores a " + dtype_name(s.dtype) + " value, which Frost cannot read");
    FROST_CHECK(dtype_supported(s.dtype), "has unsupported dtype " + dtype_name(s.dtype));
  } catch (Error& e) {
    e.file(index_file()).item(what);
    throw;
  }
  const int64_t n = s.shape.num_elements();
  const bool is_string = s.dtype == DType::String;

  // Everything about the size is checked before any memory is taken: the
  // stored byte count against dtype x shape, then against the data file.
  if (!is_string) {
    const auto elem = static_cast<int64_t>(dtype_size(s.dtype));
    if (n > kMaxTensorBytes / elem)
      throw Error(dtype_name(s.dtype) + " " + s.shape.to_string() + " exceeds the tensor size limit")
          .file(index_file()).item(what);
    if (s.size != static_cast<uint64_t>(n * elem))
      throw Error("stored size " + std::to_string(s.size) + " bytes does not match " +
                  dtype_name(s.dtype) + " " + s.shape.to_string() + " (" +
                  std::to_string(n * elem) + " bytes)")
          .file(index_file()).item(what);
  } else if (s.size != 0 && (static_cast<uint64_t>(n) > s.size || s.size - static_cast<uint64_t>(n) < 4)) {
    throw Error("stored size " + std::to_string(s.size) + " bytes cannot hold " + std::to_string(n) +
                " strings").file(index_file()).item(what);
  }

  Tensor t(s.dtype, s.shape);
  uint32_t actual = 0;
  if (s.size > 0) {
    Shard& f = shard(s.shard_id, name);
    if (s.offset > f.size || s.size > f.size - s.offset)
      throw Error("bytes " + std::to_string(s.offset) + ".." + std::to_string(s.offset + s.size) +
                  " lie past the end of the " + std::to_string(f.size) + "-byte data file (truncated?)")
          .file(f.path).item(what);
    try {
      if (!is_string) {
        read_exact(f.fd, s.offset, s.size, t.raw_data(), f.path);
        actual = crc32c(t.raw_data(), s.size);
      } else {
        std::string data(static_cast<std::size_t>(s.size), '\0');
        read_exact(f.fd, s.offset, s.size, data.data(), f.path);
        actual = decode_strings(data, t.strings());
      }
    } catch (Error& e) {
      e.file(f.path).item(what);
      throw;
    }
    if (actual != s.crc32c)
      throw Error("CRC32C checksum mismatch (stored " + hex32(s.crc32c) + ", computed " + hex32(actual) +
                  "): the data is corrupt")
          .file(f.path).item(what);
  } else if (actual != s.crc32c) {
    throw Error("CRC32C checksum of an empty value is " + hex32(s.crc32c) + ", not 00000000")
        .file(index_file()).item(what);
  }
  if (s.dtype == DType::Bool) {
    // TensorFlow writes bools as bytes 0/1; anything else would not be a
    // valid C++ bool, so normalise it.
    auto* b = static_cast<unsigned char*>(t.raw_data());
    for (int64_t i = 0; i < n; ++i) b[i] = b[i] != 0;
  }
  return t;
}

namespace {

// Calls fn(src_offset, dst_offset, run) for each contiguous run (innermost
// dimension) of a slice at `start` with shape `extent` inside `full`; offsets
// in elements, row-major.
template <class Fn>
void for_each_run(const Shape& full, const std::vector<int64_t>& start,
                  const std::vector<int64_t>& extent, Fn&& fn) {
  const int rank = full.rank();
  if (rank == 0) {
    fn(int64_t{0}, int64_t{0}, int64_t{1});
    return;
  }
  for (int64_t e : extent)
    if (e == 0) return;
  std::vector<int64_t> full_stride(static_cast<std::size_t>(rank), 1);
  for (int d = rank - 2; d >= 0; --d)
    full_stride[static_cast<std::size_t>(d)] = full_stride[static_cast<std::size_t>(d) + 1] * full.dim(d + 1);
  const int64_t run = extent.back();
  std::vector<int64_t> idx(static_cast<std::size_t>(rank), 0);  // position within the slice
  int64_t src = 0;
  while (true) {
    int64_t dst = 0;
    for (int d = 0; d < rank; ++d)
      dst += (start[static_cast<std::size_t>(d)] + idx[static_cast<std::size_t>(d)]) *
             full_stride[static_cast<std::size_t>(d)];
    fn(src, dst, run);
    src += run;
    int d = rank - 2;
    for (; d >= 0; --d) {
      auto& i = idx[static_cast<std::size_t>(d)];
      if (++i < extent[static_cast<std::size_t>(d)]) break;
      i = 0;
    }
    if (d < 0) return;
  }
}

}  // namespace

Tensor CheckpointReader::read_sliced(const Stored& s, const std::string& name) const {
  const std::string what = "tensor '" + name + "'";
  // Read every slice first: their sizes are checked against real files, so
  // the full tensor is only allocated once the data to fill it exists.
  struct Piece {
    std::vector<int64_t> start, extent;
    Tensor value;
  };
  std::vector<Piece> pieces;
  int64_t covered = 0;
  for (const SliceSpec& spec : s.slices) {
    Piece p;
    for (int d = 0; d < s.shape.rank(); ++d) {
      const SliceExtent& x = spec[static_cast<std::size_t>(d)];
      p.start.push_back(x.start);
      p.extent.push_back(x.length == SliceExtent::kFull ? s.shape.dim(d) : x.length);
    }
    const std::string slice_name = name + "[" + slice_spec_to_string(spec) + "]";
    const Stored& part = stored(encode_slice_key(name, spec), name);
    if (part.dtype != s.dtype || part.shape != Shape(p.extent) || !part.slices.empty())
      throw Error("slice entry is " + dtype_name(part.dtype) + " " + part.shape.to_string() +
                  ", expected " + dtype_name(s.dtype) + " " + Shape(p.extent).to_string())
          .file(index_file()).item("tensor '" + slice_name + "'");
    p.value = read_stored(part, slice_name);
    covered += p.value.num_elements();
    pieces.push_back(std::move(p));
  }
  const int64_t n = s.shape.num_elements();
  if (covered < n)
    throw Error("slices hold " + std::to_string(covered) + " of the " + std::to_string(n) +
                " elements of " + s.shape.to_string())
        .file(index_file()).item(what);

  Tensor full(s.dtype, s.shape);
  std::vector<bool> filled(static_cast<std::size_t>(n), false);
  const std::size_t elem = dtype_size(s.dtype);
  for (const Piece& p : pieces) {
    for_each_run(s.shape, p.start, p.extent, [&](int64_t src, int64_t dst, int64_t run) {
      if (s.dtype == DType::String) {
        for (int64_t i = 0; i < run; ++i)
          full.strings()[static_cast<std::size_t>(dst + i)] = p.value.strings()[static_cast<std::size_t>(src + i)];
      } else {
        std::memcpy(static_cast<char*>(full.raw_data()) + static_cast<std::size_t>(dst) * elem,
                    static_cast<const char*>(p.value.raw_data()) + static_cast<std::size_t>(src) * elem,
                    static_cast<std::size_t>(run) * elem);
      }
      std::fill_n(filled.begin() + dst, run, true);
    });
  }
  if (std::find(filled.begin(), filled.end(), false) != filled.end())
    throw Error("slices do not cover the whole tensor " + s.shape.to_string()).file(index_file()).item(what);
  return full;
}

}  // namespace frost
