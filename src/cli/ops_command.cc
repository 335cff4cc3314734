// frost ops: the ops Frost runs, one per line, each followed by its CPU
// implementations in the order they are tried (the reference last), e.g.
// "Conv2D  conv2d/im2col_gemm Conv2D/reference". The names are what
// `bench --profile` prints and FROST_IMPL takes.
#include <iostream>

#include "cli/args.h"
#include "cli/commands.h"
#include "graph/op_registry.h"
#include "runtime/implementation.h"

namespace frost::cli {

int ops_command(const Argv& argv) {
  const Args args(argv, {}, {});
  if (!args.positional().empty()) throw Error("`frost ops` takes no arguments");
  for (const std::string& name : OpRegistry::global().names()) {
    std::cout << name << " ";
    for (const Implementation* impl : implementations_for(name)) std::cout << " " << impl->name;
    std::cout << " " << reference_implementation_name(name) << "\n";
  }
  return 0;
}

}  // namespace frost::cli
