// A Keras 3 `.keras` file: a zip archive holding `config.json` (the model's
// architecture), `model.weights.h5` (the variables) and `metadata.json`. Read
// with libzip; entry sizes are checked before any is read.
#pragma once

#include <optional>
#include <string>

namespace frost::keras {

// Largest archive entry Frost reads (the weights of big models included).
constexpr long long kMaxArchiveEntryBytes = 4LL << 30;

struct KerasArchive {
  std::string config_json;
  std::string weights_h5;     // the bytes of model.weights.h5
  std::string metadata_json;  // may be empty (the archive need not have it)
};

// Whether the bytes start like a zip archive ("PK\3\4").
bool has_zip_signature(const std::string& head);

// Reads the archive; errors name the file and, where it applies, the entry
// ("missing config.json", "not a zip archive", "truncated").
KerasArchive read_keras_archive(const std::string& path);

}  // namespace frost::keras
