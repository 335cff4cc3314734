// Whole models on OpenCV's DNN module (cv::dnn::readNetFromTensorflow,
// DNN_BACKEND_OPENCV on DNN_TARGET_CPU, cv::setNumThreads(1|2)), the same
// cases and inputs as bench_model (bench/model_cases.h):
// model/<name>/opencv/threads:<t>, the wall time of one inference and
// max_rel_err against TensorFlow's outputs, so a fast wrong answer shows.
//
// OpenCV gets the original frozen graph; when it cannot import or run it,
// the graph `frost optimize` writes (the benchmark's label says so and why);
// when neither works the benchmark is skipped with OpenCV's message.
// This binary must not link Frost's graph loader (see model_cases.h), so it
// runs the frost CLI for that graph. OpenCV's importer crashes on some
// graphs, so each graph is first tried in a child process, before the
// benchmarks start any thread.
#include <benchmark/benchmark.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <opencv2/core.hpp>
#include <stdexcept>
#include <string>

#include "bench_util.h"
#include "io/file_bytes.h"
#include "model_cases.h"
#include "opencv_net.h"

namespace {

using namespace frost;
namespace fs = std::filesystem;

// A data_format attribute "NCHW" is stored as those four bytes in the
// GraphDef; OpenCV then takes 4-D tensors as they are, otherwise transposed.
bool is_nchw(const std::string& graph_file) {
  return read_file_bytes(graph_file).find("NCHW") != std::string::npos;
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

// The graph `frost optimize` writes for this stanza, in a temporary file.
std::string frost_optimized_file(const bench::ModelCase& c) {
  std::string safe = c.name;
  for (char& ch : safe)
    if (ch == '/') ch = '_';
  const std::string file = (fs::temp_directory_path() / ("frost_bench_opencv_" + safe + ".pb")).string();
  std::string cmd = quoted(FROST_BENCH_FROST_EXE) + " optimize " + quoted(c.stanza.graph) + " -o " + quoted(file);
  for (const ReferenceTensor& t : c.stanza.outputs) cmd += " --outputs " + quoted(t.tensor);
  for (const ReferenceTensor& t : c.stanza.inputs) cmd += " --inputs " + quoted(t.tensor);
  cmd += " --no-verify > /dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("frost optimize failed: " + cmd);
  return file;
}

std::unique_ptr<bench::OpenCvNet> import_and_run(const std::string& graph_file, const bench::ModelCase& c,
                                                 const std::vector<std::pair<std::string, Tensor>>& feeds) {
  std::vector<std::string> fetches;
  for (const ReferenceTensor& out : c.stanza.outputs) fetches.push_back(out.tensor);
  auto net = std::make_unique<bench::OpenCvNet>(graph_file, feeds, fetches, is_nchw(graph_file));
  net->forward();
  return net;
}

std::vector<std::pair<std::string, Tensor>> feeds_of(const bench::ModelCase& c) {
  const std::vector<Tensor> values = bench::reference_inputs(c.stanza);
  std::vector<std::pair<std::string, Tensor>> feeds;
  for (size_t i = 0; i < values.size(); ++i) feeds.emplace_back(c.stanza.inputs[i].tensor, values[i]);
  return feeds;
}

struct Attempt {
  bool ok = false;
  std::string why;  // OpenCV's message, or how the child died
};

// Imports and runs `graph_file` once in a child process (fork before any
// thread exists), which reports OpenCV's message through a pipe.
Attempt attempt_in_child(const std::string& graph_file, const bench::ModelCase& c) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    close(fds[0]);
    std::string why;
    try {
      import_and_run(graph_file, c, feeds_of(c));
    } catch (const std::exception& e) {
      why = e.what();
    }
    if (!why.empty() && write(fds[1], why.data(), why.size()) < 0) _exit(2);
    _exit(why.empty() ? 0 : 1);
  }
  close(fds[1]);
  Attempt a;
  char buf[512];
  for (ssize_t got; (got = read(fds[0], buf, sizeof buf)) > 0;) a.why.append(buf, static_cast<size_t>(got));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) {
    a.why = std::string("OpenCV crashed (") + strsignal(WTERMSIG(status)) + ")";
  } else {
    a.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  return a;
}

// Which graph OpenCV runs for a case, or why it cannot run any.
struct Plan {
  std::string graph, label, error;
};
std::map<std::string, Plan> g_plans;  // by case name, made before the benchmarks run

Plan make_plan(const bench::ModelCase& c) {
  const Attempt original = attempt_in_child(c.stanza.graph, c);
  if (original.ok) return {c.stanza.graph, "original graph", ""};
  std::string optimized;
  try {
    optimized = frost_optimized_file(c);
  } catch (const std::exception& e) {
    return {"", "", original.why + "; " + e.what()};
  }
  const Attempt second = attempt_in_child(optimized, c);
  if (second.ok) return {optimized, "frost optimize graph; original: " + original.why, ""};
  return {"", "", original.why + "; frost optimize graph: " + second.why};
}

void bm_opencv(benchmark::State& st, const bench::ModelCase& c, int threads) {
  cv::setNumThreads(threads);
  const Plan& plan = g_plans.at(c.name);
  if (!plan.error.empty()) {
    st.SkipWithError(plan.error.c_str());
    return;
  }
  try {
    const std::vector<Tensor> expected = bench::expected_outputs(c.stanza);
    const std::unique_ptr<bench::OpenCvNet> net = import_and_run(plan.graph, c, feeds_of(c));
    const double err = bench::max_relative_error(net->outputs(expected), expected);
    for (auto _ : st) net->forward();
    st.counters["max_rel_err"] = err;
    st.SetLabel(plan.label);
  } catch (const std::exception& e) {
    st.SkipWithError(e.what());
  }
}

void register_all() {
  benchmark::AddCustomContext("opencv_version", CV_VERSION);
  for (const bench::ModelCase& c : bench::model_cases()) g_plans[c.name] = make_plan(c);
  bench::register_model_benchmarks("opencv", bm_opencv);
}

}  // namespace

int main(int argc, char** argv) {
  return frost::bench::run_benchmarks(argc, argv, frost::bench::Peak::kSkip, register_all);
}
