#include "io/file_bytes.h"

#include <filesystem>
#include <fstream>
#include <system_error>

#include "graph/error.h"

namespace frost {

namespace fs = std::filesystem;

namespace {

Error file_error(const std::string& path, const std::string& message) {
  return std::move(Error(message).file(path));
}

}  // namespace

std::string read_file_bytes(const std::string& path, long long max_bytes) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) throw file_error(path, "no such file");
  if (fs::is_directory(status)) throw file_error(path, "is a directory, expected a file");
  const auto size = fs::file_size(path, ec);
  if (ec) throw file_error(path, "cannot read the file size: " + ec.message());
  if (size > static_cast<uintmax_t>(max_bytes))
    throw file_error(path, "file of " + std::to_string(size) + " bytes is larger than the limit of " +
                               std::to_string(max_bytes));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw file_error(path, "cannot open the file for reading");
  std::string bytes(static_cast<size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (static_cast<uintmax_t>(in.gcount()) != size) throw file_error(path, "read error (file changed while reading?)");
  return bytes;
}

void write_file_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw file_error(path, "cannot open the file for writing");
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw file_error(path, "write error");
}

}  // namespace frost
