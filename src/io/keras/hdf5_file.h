// Read-only HDF5 through the HDF5 C library (Debian's libhdf5-dev), limited to
// what Keras files use: groups, string attributes (variable- or fixed-length,
// scalar or 1-D) and numeric datasets. Files come from users, so every size is
// checked before memory is taken, HDF5's own error printing is switched off,
// and every failure is one frost::Error naming the file and the object path.
// The library itself can still crash or hang on a corrupt file, so Frost
// calls this only inside a child process (keras_hdf5_reader.h).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "graph/tensor.h"

namespace frost::keras {

// Largest attribute (e.g. model_config JSON) read, in bytes.
constexpr int64_t kMaxHdf5AttributeBytes = int64_t{64} << 20;

class Hdf5Handle;  // an open hid_t, closed by its destructor

class Hdf5Group {
 public:
  const std::string& path() const { return path_; }

  bool has_attribute(const std::string& name) const;
  // A string attribute (scalar, or the concatenation of a 1-D array's
  // elements); nullopt when absent.
  std::optional<std::string> string_attribute(const std::string& name) const;
  // A 1-D string array attribute such as Keras's `weight_names`, including
  // Keras's split form for long lists (`NAME0`, `NAME1`, ...).
  std::vector<std::string> string_list_attribute(const std::string& name) const;

  // Whether `rel` (a path relative to this group, "a/b") names a link.
  bool has(const std::string& rel) const;
  bool is_group(const std::string& rel) const;
  Hdf5Group group(const std::string& rel) const;
  // The names of the group's direct children, in HDF5's name order.
  std::vector<std::string> children() const;
  // A dataset as a tensor: floating point classes as float32, integers as
  // int64. Throws (naming the path) on other classes, absurd shapes or sizes
  // beyond what the file can hold.
  Tensor dataset(const std::string& rel) const;

 private:
  friend class Hdf5File;
  Hdf5Group(std::shared_ptr<const Hdf5Handle> file, std::shared_ptr<const Hdf5Handle> group, std::string path,
            std::string file_name, int64_t file_bytes)
      : file_(std::move(file)), group_(std::move(group)), path_(std::move(path)), file_name_(std::move(file_name)),
        file_bytes_(file_bytes) {}
  Error error(const std::string& rel, const std::string& message) const;
  std::string child_path(const std::string& rel) const;

  std::shared_ptr<const Hdf5Handle> file_, group_;
  std::string path_;
  std::string file_name_;
  int64_t file_bytes_ = 0;
};

class Hdf5File {
 public:
  // The file at `path`; an error names it when it is missing or is not HDF5
  // (checked by its signature before the library parses anything).
  static Hdf5File open(const std::string& path);
  // An HDF5 image held in memory (model.weights.h5 inside a .keras archive);
  // `name` is used in errors.
  static Hdf5File from_bytes(const std::string& bytes, const std::string& name);

  Hdf5Group root() const;
  const std::string& name() const { return name_; }

 private:
  Hdf5File(std::shared_ptr<const Hdf5Handle> file, std::string name, int64_t bytes)
      : file_(std::move(file)), name_(std::move(name)), bytes_(bytes) {}
  std::shared_ptr<const Hdf5Handle> file_;
  std::string name_;
  int64_t bytes_ = 0;
};

// Whether the bytes start with HDF5's signature (a file without a user block).
bool has_hdf5_signature(const std::string& head);

}  // namespace frost::keras
