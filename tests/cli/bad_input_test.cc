// Bad input through the command line: every case is one line on stderr that
// names the file (and node/op where there is one), exit code 2, no crash.
#include <doctest/doctest.h>

#include <fstream>

#include "cli_util.h"
#include "graph.pb.h"
#include "graph/tensor.h"
#include "io/npy.h"

using namespace frost;
using namespace frost::testing;

namespace {

tensorflow::NodeDef* add_node(tensorflow::GraphDef& g, const std::string& name, const std::string& op,
                              std::vector<std::string> inputs = {}) {
  tensorflow::NodeDef* n = g.add_node();
  n->set_name(name);
  n->set_op(op);
  for (const auto& in : inputs) n->add_input(in);
  (*n->mutable_attr())["T"].set_type(tensorflow::DT_FLOAT);
  return n;
}

tensorflow::NodeDef* add_placeholder(tensorflow::GraphDef& g, const std::string& name) {
  tensorflow::NodeDef* n = add_node(g, name, "Placeholder");
  (*n->mutable_attr())["dtype"].set_type(tensorflow::DT_FLOAT);
  auto* shape = (*n->mutable_attr())["shape"].mutable_shape();
  shape->add_dim()->set_size(-1);
  shape->add_dim()->set_size(3);
  return n;
}

std::string write_graph(const std::filesystem::path& dir, const std::string& file, const tensorflow::GraphDef& g) {
  const auto path = (dir / file).string();
  std::ofstream(path, std::ios::binary) << g.SerializeAsString();
  return path;
}

// A valid small graph: x -> Identity -> out.
tensorflow::GraphDef good_graph() {
  tensorflow::GraphDef g;
  add_placeholder(g, "x");
  add_node(g, "out", "Identity", {"x"});
  return g;
}

void check_one_line_error(const CommandResult& r, std::initializer_list<std::string> must_mention) {
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  REQUIRE_FALSE(r.err.empty());
  CHECK_MESSAGE(r.err.find('\n') == r.err.size() - 1, "stderr is not one line: " << r.err);
  for (const std::string& m : must_mention) CHECK_MESSAGE(r.err.find(m) != std::string::npos, r.err << " lacks " << m);
}

}  // namespace

TEST_CASE("cli: missing file, truncated file, random bytes") {
  const auto dir = temp_dir("bad");
  check_one_line_error(run_frost("inspect " + quote((dir / "nope.pb").string())), {"nope.pb"});

  const std::string bytes = good_graph().SerializeAsString();
  const auto truncated = (dir / "truncated.pb").string();
  std::ofstream(truncated, std::ios::binary) << bytes.substr(0, bytes.size() - 5);
  check_one_line_error(run_frost("inspect " + quote(truncated)), {"truncated.pb"});

  const auto noise = (dir / "noise.pb").string();
  {
    std::ofstream out(noise, std::ios::binary);
    uint32_t x = 12345;
    for (int i = 0; i < 4096; ++i) {
      x = x * 1664525u + 1013904223u;
      out.put(static_cast<char>(x >> 24));
    }
  }
  check_one_line_error(run_frost("run " + quote(noise)), {"noise.pb"});
  std::filesystem::remove_all(dir);
}

TEST_CASE("cli: a tensor whose bytes don't match its shape, and absurd dimensions") {
  const auto dir = temp_dir("bad");
  tensorflow::GraphDef g = good_graph();
  tensorflow::NodeDef* c = add_node(g, "weights", "Const");
  auto* t = (*c->mutable_attr())["value"].mutable_tensor();
  t->set_dtype(tensorflow::DT_FLOAT);
  t->mutable_tensor_shape()->add_dim()->set_size(10);
  t->set_tensor_content(std::string(12, '\0'));  // 3 floats, not 10
  check_one_line_error(run_frost("inspect " + quote(write_graph(dir, "short.pb", g))), {"short.pb", "weights"});

  t->mutable_tensor_shape()->mutable_dim(0)->set_size(int64_t{1} << 50);
  check_one_line_error(run_frost("inspect " + quote(write_graph(dir, "huge.pb", g))), {"huge.pb", "weights"});

  t->mutable_tensor_shape()->mutable_dim(0)->set_size(-7);
  check_one_line_error(run_frost("inspect " + quote(write_graph(dir, "negative.pb", g))), {"negative.pb", "weights"});
  std::filesystem::remove_all(dir);
}

TEST_CASE("cli: dangling input, cycle, unknown op") {
  const auto dir = temp_dir("bad");
  tensorflow::GraphDef dangling = good_graph();
  add_node(dangling, "broken", "Identity", {"ghost"});
  check_one_line_error(run_frost("inspect " + quote(write_graph(dir, "dangling.pb", dangling))),
                       {"dangling.pb", "broken", "ghost"});

  tensorflow::GraphDef cycle = good_graph();
  add_node(cycle, "a", "Identity", {"b"});
  add_node(cycle, "b", "Relu", {"a"});
  check_one_line_error(run_frost("inspect " + quote(write_graph(dir, "cycle.pb", cycle))), {"cycle.pb", "cycle"});

  tensorflow::GraphDef unknown = good_graph();
  add_node(unknown, "mystery", "TotallyNewOp", {"out"});
  const std::string path = write_graph(dir, "unknown.pb", unknown);
  const CommandResult inspected = run_frost("inspect " + quote(path));
  CHECK(inspected.exit_code == 0);  // inspecting an unsupported graph works
  check_one_line_error(run_frost("run " + quote(path) + " --random-inputs 1"),
                       {"unknown.pb", "mystery", "TotallyNewOp", "frost ops"});
  std::filesystem::remove_all(dir);
}

TEST_CASE("cli: missing feed, wrong dtype in a fed .npy, bad .npy, unknown output name") {
  const auto dir = temp_dir("bad");
  const std::string graph = write_graph(dir, "good.pb", good_graph());
  check_one_line_error(run_frost("run " + quote(graph)), {"'x'", "--input x="});

  const auto int_npy = (dir / "ints.npy").string();
  write_npy(int_npy, Tensor::from_vector<int32_t>({1, 2, 3}, Shape{1, 3}));
  check_one_line_error(run_frost("run " + quote(graph) + " --input x=" + quote(int_npy)),
                       {"ints.npy", "int32", "float"});

  const auto junk_npy = (dir / "junk.npy").string();
  std::ofstream(junk_npy, std::ios::binary) << "\x93NUMPY\x01\x00garbage";
  check_one_line_error(run_frost("run " + quote(graph) + " --input x=" + quote(junk_npy)), {"junk.npy"});

  check_one_line_error(run_frost("run " + quote(graph) + " --random-inputs 3 --output outt"), {"outt", "out"});
  check_one_line_error(run_frost("run " + quote(graph) + " --bogus-flag 1"), {"--bogus-flag"});
  std::filesystem::remove_all(dir);
}

TEST_CASE("cli: run writes outputs and prints statistics") {
  const auto dir = temp_dir("good");
  const std::string graph = write_graph(dir, "good.pb", good_graph());
  const auto x = (dir / "x.npy").string();
  write_npy(x, Tensor::from_vector<float>({1, 5, 3, 0, -2, 4}, Shape{2, 3}));
  const CommandResult r =
      run_frost("run " + quote(graph) + " --input x:0=" + quote(x) + " --save " + quote((dir / "out").string()));
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.out.find("out: float [2,3]") != std::string::npos);
  CHECK(r.out.find("argmax per row: 1 2") != std::string::npos);
  const Tensor saved = read_npy((dir / "out" / "out.npy").string());
  CHECK(saved.shape() == Shape{2, 3});
  CHECK(saved.data<float>()[4] == -2.0f);
  std::filesystem::remove_all(dir);
}
