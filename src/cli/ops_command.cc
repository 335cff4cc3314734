// frost ops: the ops the reference backend implements, one per line.
#include <iostream>

#include "cli/args.h"
#include "cli/commands.h"
#include "graph/op_registry.h"

namespace frost::cli {

int ops_command(const Argv& argv) {
  const Args args(argv, {}, {});
  if (!args.positional().empty()) throw Error("`frost ops` takes no arguments");
  for (const std::string& name : OpRegistry::global().names()) std::cout << name << "\n";
  return 0;
}

}  // namespace frost::cli
