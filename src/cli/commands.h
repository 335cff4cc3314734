// The `frost` subcommands. Each takes its arguments (after the command name)
// and returns the process exit code; errors are thrown as frost::Error and
// turned into one line on stderr with exit code 2 by main().
#pragma once

#include <string>
#include <vector>

namespace frost::cli {

using Argv = std::vector<std::string>;

int inspect_command(const Argv& args);
int run_command(const Argv& args);
int ops_command(const Argv& args);
int check_command(const Argv& args);
int eval_command(const Argv& args);
int freeze_command(const Argv& args);
int optimize_command(const Argv& args);
int bench_command(const Argv& args);
int compile_command(const Argv& args);
int convert_command(const Argv& args);
int serve_command(const Argv& args);

}  // namespace frost::cli
