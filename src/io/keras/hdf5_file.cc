#include "io/keras/hdf5_file.h"

#include <hdf5.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <fstream>

#include "io/file_bytes.h"

namespace frost::keras {

namespace {

constexpr int kMaxDatasetRank = 8;
// Deflate, the filter Keras and h5py use, expands at most ~1032:1; a chunked
// dataset claiming more than this per stored byte is not what it says.
constexpr int64_t kMaxFilterExpansion = 1100;

// HDF5 prints its error stack to stderr by default; Frost reports one line.
void quiet_hdf5() {
  static const bool once = [] {
    H5open();
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)once;
}

// The deepest description on HDF5's error stack ("truncated file: eof = ..."),
// the most precise reason it gives.
std::string hdf5_reason() {
  std::string reason;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* e, void* out) -> herr_t {
        if (e->desc && *e->desc) *static_cast<std::string*>(out) = e->desc;
        return 0;
      },
      &reason);
  H5Eclear2(H5E_DEFAULT);
  return reason.empty() ? "" : " (" + reason + ")";
}

}  // namespace

// An HDF5 identifier and the function that releases it.
class Hdf5Handle {
 public:
  Hdf5Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  Hdf5Handle(const Hdf5Handle&) = delete;
  Hdf5Handle& operator=(const Hdf5Handle&) = delete;
  ~Hdf5Handle() {
    if (id_ >= 0) close_(id_);
  }
  hid_t id() const { return id_; }
  bool ok() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

bool has_hdf5_signature(const std::string& head) {
  static const char kSignature[8] = {'\x89', 'H', 'D', 'F', '\r', '\n', '\x1a', '\n'};
  return head.size() >= 8 && std::memcmp(head.data(), kSignature, 8) == 0;
}

Hdf5File Hdf5File::open(const std::string& path) {
  quiet_hdf5();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::move(Error("cannot open file").file(path));
  std::string head(8, '\0');
  in.read(head.data(), 8);
  head.resize(static_cast<size_t>(in.gcount()));
  in.seekg(0, std::ios::end);
  const int64_t bytes = static_cast<int64_t>(in.tellg());
  if (!has_hdf5_signature(head))
    throw std::move(Error("not an HDF5 file (no HDF5 signature at its start)").file(path));
  auto file = std::make_shared<const Hdf5Handle>(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file->ok()) throw std::move(Error("HDF5 cannot open the file" + hdf5_reason()).file(path));
  return Hdf5File(std::move(file), path, bytes);
}

Hdf5File Hdf5File::from_bytes(const std::string& bytes, const std::string& name) {
  quiet_hdf5();
  if (!has_hdf5_signature(bytes)) throw std::move(Error("not an HDF5 file (no HDF5 signature at its start)").file(name));
  Hdf5Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  // The core driver without a backing store: HDF5 reads its own copy of the image.
  if (!fapl.ok() || H5Pset_fapl_core(fapl.id(), 1 << 16, 0) < 0 ||
      H5Pset_file_image(fapl.id(), const_cast<char*>(bytes.data()), bytes.size()) < 0)
    throw std::move(Error("HDF5 cannot take the in-memory image" + hdf5_reason()).file(name));
  auto file = std::make_shared<const Hdf5Handle>(H5Fopen(name.c_str(), H5F_ACC_RDONLY, fapl.id()), H5Fclose);
  if (!file->ok()) throw std::move(Error("HDF5 cannot open the file" + hdf5_reason()).file(name));
  return Hdf5File(std::move(file), name, static_cast<int64_t>(bytes.size()));
}

Hdf5Group Hdf5File::root() const {
  auto g = std::make_shared<const Hdf5Handle>(H5Gopen2(file_->id(), "/", H5P_DEFAULT), H5Gclose);
  if (!g->ok()) throw std::move(Error("HDF5 cannot open the root group" + hdf5_reason()).file(name_));
  return Hdf5Group(file_, std::move(g), "/", name_, bytes_);
}

std::string Hdf5Group::child_path(const std::string& rel) const {
  return path_ == "/" ? "/" + rel : path_ + "/" + rel;
}

Error Hdf5Group::error(const std::string& rel, const std::string& message) const {
  Error e("HDF5 object '" + (rel.empty() ? path_ : child_path(rel)) + "': " + message);
  e.file(file_name_);
  return e;
}

bool Hdf5Group::has(const std::string& rel) const {
  // H5Lexists needs every intermediate link to exist, so walk the components.
  std::string prefix;
  size_t start = 0;
  while (start <= rel.size()) {
    const size_t slash = rel.find('/', start);
    const std::string part = rel.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (part.empty()) return false;
    prefix += (prefix.empty() ? "" : "/") + part;
    if (H5Lexists(group_->id(), prefix.c_str(), H5P_DEFAULT) <= 0) {
      H5Eclear2(H5E_DEFAULT);
      return false;
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return !rel.empty();
}

bool Hdf5Group::is_group(const std::string& rel) const {
  if (!has(rel)) return false;
  Hdf5Handle obj(H5Oopen(group_->id(), rel.c_str(), H5P_DEFAULT), H5Oclose);
  const bool group = obj.ok() && H5Iget_type(obj.id()) == H5I_GROUP;
  H5Eclear2(H5E_DEFAULT);
  return group;
}

Hdf5Group Hdf5Group::group(const std::string& rel) const {
  if (!has(rel)) throw error(rel, "missing");
  auto g = std::make_shared<const Hdf5Handle>(H5Gopen2(group_->id(), rel.c_str(), H5P_DEFAULT), H5Gclose);
  if (!g->ok()) throw error(rel, "not a readable group" + hdf5_reason());
  return Hdf5Group(file_, std::move(g), child_path(rel), file_name_, file_bytes_);
}

std::vector<std::string> Hdf5Group::children() const {
  H5G_info_t info{};
  if (H5Gget_info(group_->id(), &info) < 0) throw error("", "cannot list the group" + hdf5_reason());
  // A group cannot have more links than the file has bytes (each costs several).
  if (static_cast<int64_t>(info.nlinks) > file_bytes_) throw error("", "claims more links than the file can hold");
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t n = H5Lget_name_by_idx(group_->id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (n < 0 || n > 65536) throw error("", "unreadable link name" + hdf5_reason());
    std::string name(static_cast<size_t>(n) + 1, '\0');
    H5Lget_name_by_idx(group_->id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(), H5P_DEFAULT);
    name.resize(static_cast<size_t>(n));
    names.push_back(std::move(name));
  }
  return names;
}

bool Hdf5Group::has_attribute(const std::string& name) const {
  const htri_t r = H5Aexists(group_->id(), name.c_str());
  H5Eclear2(H5E_DEFAULT);
  return r > 0;
}

namespace {

// The elements of a string attribute, fixed- or variable-length.
std::vector<std::string> read_string_elements(hid_t attr, const std::function<Error(const std::string&)>& fail) {
  Hdf5Handle type(H5Aget_type(attr), H5Tclose);
  Hdf5Handle space(H5Aget_space(attr), H5Sclose);
  if (!type.ok() || !space.ok()) throw fail("unreadable attribute" + hdf5_reason());
  const hssize_t count = H5Sget_simple_extent_npoints(space.id());
  if (count < 0 || count > kMaxHdf5AttributeBytes) throw fail("absurd element count");
  std::vector<std::string> out;
  if (count == 0) return out;  // h5py stores an empty list as an empty float array
  if (H5Tget_class(type.id()) != H5T_STRING) throw fail("is not a string attribute");
  const htri_t variable = H5Tis_variable_str(type.id());
  if (variable > 0) {
    Hdf5Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem.id(), H5T_VARIABLE);
    H5Tset_cset(mem.id(), H5Tget_cset(type.id()));
    std::vector<char*> ptrs(static_cast<size_t>(count), nullptr);
    if (H5Aread(attr, mem.id(), ptrs.data()) < 0) throw fail("unreadable strings" + hdf5_reason());
    int64_t total = 0;
    for (char* p : ptrs) {
      std::string s = p ? std::string(p, strnlen(p, static_cast<size_t>(kMaxHdf5AttributeBytes))) : std::string();
      total += static_cast<int64_t>(s.size());
      if (p) H5free_memory(p);
      out.push_back(std::move(s));
    }
    if (total > kMaxHdf5AttributeBytes) throw fail("strings larger than " + std::to_string(kMaxHdf5AttributeBytes) + " bytes");
    return out;
  }
  const size_t size = H5Tget_size(type.id());
  if (size == 0 || static_cast<int64_t>(size) * count > kMaxHdf5AttributeBytes)
    throw fail("strings larger than " + std::to_string(kMaxHdf5AttributeBytes) + " bytes");
  std::string buffer(size * static_cast<size_t>(count), '\0');
  Hdf5Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(mem.id(), size);
  H5Tset_strpad(mem.id(), H5T_STR_NULLPAD);
  if (H5Aread(attr, mem.id(), buffer.data()) < 0) throw fail("unreadable strings" + hdf5_reason());
  for (hssize_t i = 0; i < count; ++i) {
    const char* p = buffer.data() + static_cast<size_t>(i) * size;
    out.emplace_back(p, strnlen(p, size));
  }
  return out;
}

}  // namespace

std::optional<std::string> Hdf5Group::string_attribute(const std::string& name) const {
  if (!has_attribute(name)) return std::nullopt;
  Hdf5Handle attr(H5Aopen(group_->id(), name.c_str(), H5P_DEFAULT), H5Aclose);
  const auto fail = [&](const std::string& m) { return error("", "attribute '" + name + "' " + m); };
  if (!attr.ok()) throw fail("cannot be opened" + hdf5_reason());
  std::string joined;
  for (const std::string& s : read_string_elements(attr.id(), fail)) joined += s;
  return joined;
}

std::vector<std::string> Hdf5Group::string_list_attribute(const std::string& name) const {
  const auto read = [&](const std::string& key) {
    Hdf5Handle attr(H5Aopen(group_->id(), key.c_str(), H5P_DEFAULT), H5Aclose);
    const auto fail = [&](const std::string& m) { return error("", "attribute '" + key + "' " + m); };
    if (!attr.ok()) throw fail("cannot be opened" + hdf5_reason());
    return read_string_elements(attr.id(), fail);
  };
  if (has_attribute(name)) return read(name);
  // Keras splits attributes over 64 KB into NAME0, NAME1, ... (save_attributes_to_hdf5_group).
  std::vector<std::string> out;
  for (int chunk = 0; has_attribute(name + std::to_string(chunk)); ++chunk) {
    for (std::string& s : read(name + std::to_string(chunk))) out.push_back(std::move(s));
    if (static_cast<int64_t>(out.size()) > file_bytes_) throw error("", "attribute '" + name + "' is absurdly long");
  }
  return out;
}

Tensor Hdf5Group::dataset(const std::string& rel) const {
  if (!has(rel)) throw error(rel, "missing");
  Hdf5Handle ds(H5Dopen2(group_->id(), rel.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds.ok()) throw error(rel, "not a readable dataset" + hdf5_reason());
  Hdf5Handle space(H5Dget_space(ds.id()), H5Sclose);
  Hdf5Handle type(H5Dget_type(ds.id()), H5Tclose);
  if (!space.ok() || !type.ok()) throw error(rel, "unreadable dataspace or type" + hdf5_reason());
  const int rank = H5Sget_simple_extent_ndims(space.id());
  if (rank < 0 || rank > kMaxDatasetRank) throw error(rel, "unsupported rank " + std::to_string(rank));
  hsize_t dims[kMaxDatasetRank] = {};
  H5Sget_simple_extent_dims(space.id(), dims, nullptr);
  std::vector<int64_t> shape;
  for (int i = 0; i < rank; ++i) {
    if (dims[i] > static_cast<hsize_t>(kMaxTensorBytes)) throw error(rel, "absurd dimension");
    shape.push_back(static_cast<int64_t>(dims[i]));
  }
  const H5T_class_t cls = H5Tget_class(type.id());
  DType dtype;
  hid_t mem_type;
  if (cls == H5T_FLOAT) {
    dtype = DType::Float;
    mem_type = H5T_NATIVE_FLOAT;
  } else if (cls == H5T_INTEGER) {
    dtype = DType::Int64;
    mem_type = H5T_NATIVE_INT64;
  } else {
    throw error(rel, "holds neither floating point numbers nor integers");
  }
  const Shape s(shape);
  const int64_t bytes = s.num_elements() * static_cast<int64_t>(dtype_size(dtype));
  const int64_t stored = static_cast<int64_t>(H5Dget_storage_size(ds.id()));
  const int64_t element_bytes = static_cast<int64_t>(H5Tget_size(type.id()));
  const int64_t declared = s.num_elements() * element_bytes;
  Hdf5Handle dcpl(H5Dget_create_plist(ds.id()), H5Pclose);
  const int filters = dcpl.ok() ? H5Pget_nfilters(dcpl.id()) : 0;
  const bool fits = filters > 0 ? declared <= (stored + 64) * kMaxFilterExpansion : stored >= declared;
  if (declared > 0 && (!fits || stored > file_bytes_))
    throw error(rel, "declares " + std::to_string(declared) + " bytes of data but the file stores " +
                         std::to_string(stored));
  if (bytes > kMaxTensorBytes) throw error(rel, "larger than Frost's tensor limit");
  Tensor t(dtype, s);
  if (t.num_elements() > 0 && H5Dread(ds.id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, t.raw_data()) < 0)
    throw error(rel, "cannot be read" + hdf5_reason());
  return t;
}

}  // namespace frost::keras
