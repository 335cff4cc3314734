// frost: run frozen TensorFlow graphs on a CPU without TensorFlow.
#include <cstring>
#include <iostream>

#include "cli/commands.h"
#include "graph/error.h"
#include "graph/op_registry.h"

namespace {

struct Command {
  const char* name;
  int (*run)(const frost::cli::Argv&);
  const char* help;
  const char* details = nullptr;  // more for `frost COMMAND --help`
};

const char* const kOptimizeDetails = R"(
Rewrites a frozen graph for inference (BatchNorm folded, dropout and identities
removed, constants folded, conv/matmul + bias + activation fused) and writes it
as a standard GraphDef. --report prints what each pass changed.

Verification (on unless --no-verify): the original and the optimised graph run
on the reference backend with the same seeded random inputs (--seed, default 1)
and the largest |after - before| / max|before| over the outputs must be within
the tolerance. --tolerance T fixes it; by default it is derived per graph:

  tolerance = max(1e-5, 4 x noise)

where noise is how far float32 rounding alone moves this graph's outputs on
these inputs, measured by Monte Carlo arithmetic: the original graph is run
twice more with every float32 value it computes (weights included) multiplied
by (1 + d), d uniform in [-2^-23, 2^-23] (one more rounding), and the largest
deviation from the exact run is taken. A correct rewrite changes values by a
few roundings (folded weights rounded once more, sums in another order), so it
stays a small multiple of that noise even in a deep network that amplifies it
(measured: 0.3 x noise); a wrong rewrite (a bias dropped, an epsilon ignored, a
channel swapped) is far above it. The noise is measured only when the error is
above 1e-5. The report says which basis decided.
)";

const Command kCommands[] = {
    {"inspect", frost::cli::inspect_command,
     "MODEL [--json]                      inputs, outputs, ops, parameters, training leftovers"},
    {"run", frost::cli::run_command,
     "MODEL [--input NAME=X.npy ...] [--random-inputs SEED] [--output NAME ...] [--save DIR] [--backend cpu|reference|fpga]\n"
     "                                      [--set NAME=VALUE] [--no-optimize] [--calib DIR_OR_DATASET] [--calib-count N] [--arch FILE]\n"
     "                                      [--threads N]"},
    {"check", frost::cli::check_command,
     "MODEL (--reference REF.txt | --inputs X --expected Y) [--layers] [--rtol R] [--atol A] [--backend B]\n"
     "                                      [--calib DIR_OR_DATASET] [--calib-count N] [--arch FILE] (fpga)"},
    {"eval", frost::cli::eval_command,
     "MODEL --dataset fashion-mnist[:test|:train] [--limit N] [--batch B] [--keras-predictions FILE]\n"
     "                                      [--backend cpu|reference|fpga [--calib DIR_OR_DATASET] [--calib-count N] [--arch FILE]]"},
    {"compile", frost::cli::compile_command,
     "MODEL --backend fpga [--arch FILE] [--calib DIR_OR_DATASET] [--calib-count N] -o DIR\n"
     "                                      DPU partition, MACs, fix positions -> DIR/partition.json (no xmodel)"},
    {"freeze", frost::cli::freeze_command,
     "(--graph G.pb | --meta M.meta | --saved-model DIR [--tag T] [--signature S]) [--checkpoint PREFIX] [--outputs a,b] [--set name=value ...] -o FROZEN.pb"},
    {"convert", frost::cli::convert_command,
     "MODEL.h5|MODEL.keras -o FROZEN.pb [--outputs A,B] [--batch N]   a Keras model as a frozen graph, without TensorFlow"},
    {"optimize", frost::cli::optimize_command,
     "IN -o OUT [--outputs A,B] [--inputs X] [--set NAME=VALUE] [--passes P,Q] [--report] [--no-verify]\n"
     "                                      [--seed N] [--tolerance T]",
     kOptimizeDetails},
    {"bench", frost::cli::bench_command,
     "MODEL [--threads N] [--runs N] [--warmup N] [--batch B] [--profile] [--backend cpu|reference] [--no-plan]"},
    {"serve", frost::cli::serve_command,
     "--model NAME=PATH [--model ...] [--port 8501] [--host 127.0.0.1] [--threads N] [--max-batch 8]\n"
     "                                      [--batch-timeout-us 500] [--max-body-mb 16] [--max-queue 256] [--no-access-log]\n"
     "                                      TensorFlow Serving's REST API: /v1/models/NAME[:predict|/metadata], /metrics, /"},
    {"ops", frost::cli::ops_command, "                                    list the ops Frost can run"},
};

void usage(std::ostream& out) {
  out << "usage: frost COMMAND ...\n";
  for (const Command& c : kCommands) out << "  frost " << c.name << " " << c.help << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    usage(argc < 2 ? std::cerr : std::cout);
    return argc < 2 ? 2 : 0;
  }
  const std::string name = argv[1];
  const frost::cli::Argv args(argv + 2, argv + argc);
  for (const Command& c : kCommands) {
    if (name != c.name) continue;
    if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
      std::cout << "usage: frost " << c.name << " " << c.help << "\n" << (c.details ? c.details : "");
      return 0;
    }
    try {
      return c.run(args);
    } catch (const frost::Error& e) {
      // The library names what failed; the command line adds where to look.
      const bool unknown_op = !e.op_name().empty() && !frost::OpRegistry::global().find(e.op_name());
      std::cerr << "frost " << name << ": " << e.what() << (unknown_op ? "; `frost ops` lists the supported ones" : "")
                << "\n";
      return 2;
    } catch (const std::bad_alloc&) {
      std::cerr << "frost " << name << ": out of memory\n";
      return 2;
    } catch (const std::exception& e) {
      std::cerr << "frost " << name << ": internal error: " << e.what() << "\n";
      return 2;
    }
  }
  std::cerr << "frost: unknown command '" << name << "'\n";
  usage(std::cerr);
  return 2;
}
