#include "io/reference_file.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "graph/error.h"

namespace frost {

std::vector<ReferenceStanza> read_reference_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error("cannot open reference file").file(path);
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  auto resolve = [&](const std::string& f) { return (dir / f).lexically_normal().string(); };

  std::vector<ReferenceStanza> stanzas;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (const size_t hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream words(line);
    std::string kind, a, b, extra;
    if (!(words >> kind)) continue;
    words >> a >> b >> extra;
    auto fail = [&](const std::string& why) {
      return Error("line " + std::to_string(number) + ": " + why).file(path);
    };
    if (kind == "graph") {
      if (a.empty() || !b.empty()) throw fail("expected `graph <file>`");
      stanzas.push_back({resolve(a), {}, {}});
    } else if (kind == "input" || kind == "output") {
      if (b.empty() || !extra.empty()) throw fail("expected `" + kind + " <tensor> <file.npy>`");
      if (stanzas.empty()) throw fail("`" + kind + "` before any `graph` line");
      (kind == "input" ? stanzas.back().inputs : stanzas.back().outputs).push_back({a, resolve(b)});
    } else {
      throw fail("unknown entry '" + kind + "'");
    }
  }
  if (stanzas.empty()) throw Error("no `graph` entry").file(path);
  return stanzas;
}

}  // namespace frost
