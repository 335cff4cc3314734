// The mutation smoke: one fuzz target (fuzz_target.h) fed its seed inputs and
// then deterministic mutations of them (mutator.h) for a fixed time. Built in
// every build (gcc too), so the normal suite fuzzes every loader a little
// without clang or libFuzzer; `scripts/fuzz mutate TARGET` makes the seeds and
// runs this, and meson runs that once per target.
//
//   fuzz_mutation_smoke TARGET SEED_DIR FINDING_FILE SECONDS MAX_LEN TIMEOUT_S [DICT]
//
// DICT is a libFuzzer dictionary (scripts/fuzz writes one for the graph
// targets: protobuf field names, attribute keys, op names).
// The target's contract is the libFuzzer one: return, or throw frost::Error.
// On a crash signal, a sanitizer's report, an escaping exception of another
// type, or an input that runs longer than TIMEOUT_S, the input is written to
// FINDING_FILE and the process fails (a crash re-raises its signal).
// Prints one line with the counts and time, then "1 passed, 0 failed" (or 0/1).
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "fuzz_target.h"
#include "graph/error.h"
#include "io/file_bytes.h"
#include "mutator.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define FROST_SMOKE_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define FROST_SMOKE_SANITIZED 1
#endif
#ifdef FROST_SMOKE_SANITIZED
#include <sanitizer/common_interface_defs.h>
#endif

namespace fs = std::filesystem;

namespace {

// What the signal handlers need, set before any input runs. Plain data only:
// a handler may use nothing that allocates or locks.
const char* g_finding_path = nullptr;
const std::string* g_current = nullptr;
struct sigaction g_previous[NSIG];

// Writes the input being run to the finding file (async-signal-safe).
void save_current_input() {
  if (!g_finding_path || !g_current) return;
  const int fd = ::open(g_finding_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return;
  const char* p = g_current->data();
  size_t left = g_current->size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n <= 0) break;
    p += n;
    left -= static_cast<size_t>(n);
  }
  ::close(fd);
}

void say(const char* message) { (void)!::write(STDERR_FILENO, message, std::strlen(message)); }

// A crash: keep the input, then let the previous handler (the default one, or
// a sanitizer's, which prints its report) deal with the signal.
void on_crash(int sig) {
  save_current_input();
  say("fuzz smoke: crash signal; the input is in the finding file\n");
  sigaction(sig, &g_previous[sig], nullptr);
  raise(sig);
}

// Our per-input alarm, or meson's timeout (SIGTERM): the input hangs.
void on_timeout(int) {
  save_current_input();
  say("fuzz smoke: input ran past its time limit (or the test was stopped); the input is in the finding file\n");
  say("0 passed, 1 failed\n");
  _exit(1);
}

void install_handlers() {
  // Its own stack, so a stack overflow (deep recursion in a parser) still gets its input saved.
  static char alternate_stack[1 << 16];
  stack_t ss{};
  ss.ss_sp = alternate_stack;
  ss.ss_size = sizeof alternate_stack;
  sigaltstack(&ss, nullptr);
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP}) {
    struct sigaction action {};
    action.sa_handler = on_crash;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_NODEFER | SA_ONSTACK;
    sigaction(sig, &action, &g_previous[sig]);
  }
  for (int sig : {SIGALRM, SIGTERM}) {
    struct sigaction action {};
    action.sa_handler = on_timeout;
    sigemptyset(&action.sa_mask);
    sigaction(sig, &action, &g_previous[sig]);
  }
#ifdef FROST_SMOKE_SANITIZED
  // A sanitizer report ends the process without a signal unless abort_on_error is set.
  __sanitizer_set_death_callback([] { save_current_input(); });
#endif
}

std::vector<std::string> read_seeds(const fs::path& dir, size_t max_len) {
  std::vector<fs::path> files;
  if (fs::is_directory(dir))
    for (const auto& entry : fs::directory_iterator(dir))
      if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());  // directory order is not stable; the run must be
  std::vector<std::string> seeds;
  for (const fs::path& f : files) {
    std::string bytes = frost::read_file_bytes(f.string());
    if (bytes.size() <= max_len) seeds.push_back(std::move(bytes));
  }
  return seeds;
}

// FNV-1a of the target's name: each target gets its own fixed mutation sequence.
uint64_t name_seed(const std::string& name) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : name) h = (h ^ c) * 1099511628211ULL;
  return h;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7 && argc != 8) {
    std::cerr << "usage: " << argv[0] << " TARGET SEED_DIR FINDING_FILE SECONDS MAX_LEN TIMEOUT_S [DICT]\n";
    return 2;
  }
  const std::string name = argv[1];
  const frost::fuzz::Target* target = frost::fuzz::find_target(name);
  if (!target) {
    std::cerr << "unknown fuzz target '" << name << "'\n0 passed, 1 failed\n";
    return 2;
  }
  const fs::path seed_dir = argv[2];
  const std::string finding_path = argv[3];
  const double seconds = std::atof(argv[4]);
  const size_t max_len = static_cast<size_t>(std::atoll(argv[5]));
  const unsigned timeout = static_cast<unsigned>(std::atoi(argv[6]));
  const std::vector<std::string> words =
      argc == 8 ? frost::fuzz::read_dictionary(frost::read_file_bytes(argv[7])) : std::vector<std::string>{};

  frost::fuzz::prepare_process();
  const std::vector<std::string> seeds = read_seeds(seed_dir, max_len);
  if (seeds.empty()) {
    std::cerr << name << ": no seeds in " << seed_dir << "\n0 passed, 1 failed\n";
    return 1;
  }
  g_finding_path = finding_path.c_str();
  install_handlers();

  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  int64_t refused = 0;
  // Runs one input under the contract; false (input saved) on an escaping exception.
  const auto run = [&](const std::string& input) {
    g_current = &input;
    alarm(timeout);
    bool ok = true;
    try {
      target->run(input);
    } catch (const frost::Error&) {
      ++refused;
    } catch (const std::exception& e) {
      save_current_input();
      std::cerr << name << ": escaped as a non-frost exception: " << e.what() << "\n";
      ok = false;
    } catch (...) {
      save_current_input();
      std::cerr << name << ": escaped as an exception of unknown type\n";
      ok = false;
    }
    alarm(0);
    g_current = nullptr;
    return ok;
  };

  bool ok = true;
  for (size_t i = 0; ok && i < seeds.size(); ++i) ok = run(seeds[i]);
  const auto seeds_done = Clock::now();
  frost::fuzz::SplitMix64 rng(name_seed(name));
  const frost::fuzz::MutationSources sources{seeds, words};
  int64_t mutations = 0;
  const auto budget = std::chrono::duration<double>(seconds);
  while (ok && Clock::now() - seeds_done < budget) {
    const std::string input = frost::fuzz::mutate(seeds[rng.below(seeds.size())], sources, max_len, rng);
    ok = run(input);
    ++mutations;
  }
  const auto secs = [](auto d) { return std::chrono::duration<double>(d).count(); };
  std::printf("%s: %zu seeds (%.1f s), %lld mutations (%.1f s%s), %lld refused with frost::Error, %s\n", name.c_str(),
              seeds.size(), secs(seeds_done - start), static_cast<long long>(mutations),
              secs(Clock::now() - seeds_done),
              words.empty() ? "" : (", " + std::to_string(words.size()) + "-word dictionary").c_str(),
              static_cast<long long>(refused),
              ok ? "no findings" : ("finding saved to " + finding_path).c_str());
  std::printf("%s\n", ok ? "1 passed, 0 failed" : "0 passed, 1 failed");
  return ok ? 0 : 1;
}
