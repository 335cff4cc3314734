#include "io/keras/keras_archive.h"

#include <zip.h>

#include <cstring>
#include <fstream>
#include <memory>

#include "graph/error.h"

namespace frost::keras {

namespace {

using ZipPtr = std::unique_ptr<zip_t, decltype(&zip_discard)>;

Error archive_error(const std::string& path, const std::string& message) {
  Error e(message);
  e.file(path);
  return e;
}

// The entry's bytes, or nullopt when the archive has no such entry.
std::optional<std::string> read_entry(zip_t* z, const std::string& path, const char* name) {
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat(z, name, 0, &st) != 0) return std::nullopt;
  if (!(st.valid & ZIP_STAT_SIZE) || st.size > static_cast<zip_uint64_t>(kMaxArchiveEntryBytes))
    throw archive_error(path, std::string("archive entry ") + name + " has no size or is larger than " +
                                  std::to_string(kMaxArchiveEntryBytes) + " bytes");
  std::unique_ptr<zip_file_t, decltype(&zip_fclose)> f(zip_fopen(z, name, 0), zip_fclose);
  if (!f) throw archive_error(path, std::string("cannot open archive entry ") + name + ": " + zip_strerror(z));
  std::string bytes(static_cast<size_t>(st.size), '\0');
  zip_uint64_t done = 0;
  while (done < st.size) {
    const zip_int64_t n = zip_fread(f.get(), bytes.data() + done, st.size - done);
    if (n <= 0)
      throw archive_error(path, std::string("archive entry ") + name + " is truncated or corrupt: " +
                                    (n < 0 ? zip_file_strerror(f.get()) : "ends early"));
    done += static_cast<zip_uint64_t>(n);
  }
  return bytes;
}

}  // namespace

bool has_zip_signature(const std::string& head) { return head.size() >= 4 && std::memcmp(head.data(), "PK\3\4", 4) == 0; }

KerasArchive read_keras_archive(const std::string& path) {
  {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw archive_error(path, "cannot open file");
    std::string head(4, '\0');
    in.read(head.data(), 4);
    head.resize(static_cast<size_t>(in.gcount()));
    if (!has_zip_signature(head)) throw archive_error(path, "not a .keras archive (no zip signature at its start)");
  }
  int code = 0;
  ZipPtr z(zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code), zip_discard);
  if (!z) {
    zip_error_t err;
    zip_error_init_with_code(&err, code);
    const std::string reason = zip_error_strerror(&err);
    zip_error_fini(&err);
    throw archive_error(path, "not a readable .keras archive: " + reason);
  }
  KerasArchive archive;
  auto config = read_entry(z.get(), path, "config.json");
  if (!config) throw archive_error(path, "the .keras archive has no config.json (the model's architecture)");
  auto weights = read_entry(z.get(), path, "model.weights.h5");
  if (!weights) throw archive_error(path, "the .keras archive has no model.weights.h5 (the model's weights)");
  archive.config_json = std::move(*config);
  archive.weights_h5 = std::move(*weights);
  if (auto metadata = read_entry(z.get(), path, "metadata.json")) archive.metadata_json = std::move(*metadata);
  return archive;
}

}  // namespace frost::keras
