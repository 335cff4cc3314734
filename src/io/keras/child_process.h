// Runs a piece of work in a forked child process and returns the bytes it
// produced, for libraries that cannot be trusted with hostile input.
//
// Why: libhdf5 (1.10.8, Debian bookworm) segfaults or loops forever on some
// corrupt files, inside its own code (global heap reads of variable-length
// strings, for one), where no check of ours can intervene. In a child, such a
// crash or hang becomes one frost::Error in the caller, and the caller's
// process never runs the library at all: each call starts from the library
// state the parent had, so concurrent loads no longer share it either.
//
// The child runs `work` and sends its result through a pipe; a frost::Error
// it throws (or any std::exception, e.g. bad_alloc) is rethrown in the parent
// with its message, file, node and op. The child ends with _exit, so no
// destructor or atexit handler of the parent's runs twice.
#pragma once

#include <functional>
#include <string>

namespace frost::keras {

// `work` runs in the child; `what` names the job in errors ("reading the HDF5
// file"); `seconds` bounds it (the child is killed after that).
std::string run_in_child(const std::function<std::string()>& work, const std::string& what, double seconds);

}  // namespace frost::keras
