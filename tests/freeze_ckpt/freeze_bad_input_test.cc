// Freezing bad inputs: each failure is one frost::Error that names the file,
// variable or tensor, and through the CLI one line on stderr with exit code 2.
#include <doctest/doctest.h>

#include <fstream>

#include "freeze/rewrite_util.h"
#include "freeze/set_values.h"
#include "freeze_ckpt_util.h"
#include "io/checkpoint/tensor_bundle.h"

using namespace frost;
using namespace frost::testing;

namespace {

namespace fs = std::filesystem;

Node make_node(const std::string& name, const std::string& op, std::vector<std::string> inputs = {}) {
  Node n;
  n.name = name;
  n.op = op;
  n.inputs = std::move(inputs);
  return n;
}

// x * var -> out, with `var` a VariableV2 (or VarHandleOp + ReadVariableOp)
// of the given name, dtype and shape, saved as a GraphDef in `dir`.
std::string variable_graph(const fs::path& dir, const std::string& var, DType dtype, PartialShape shape,
                           bool resource = false) {
  Graph g;
  Node x = make_node("x", "Placeholder");
  x.attrs["dtype"] = DType::Float;
  x.attrs["shape"] = PartialShape{-1};
  g.add(x);
  Node v = make_node(var, resource ? "VarHandleOp" : "VariableV2");
  v.attrs["dtype"] = dtype;
  v.attrs["shape"] = shape;
  if (resource) v.attrs["shared_name"] = var;
  g.add(v);
  Node read = make_node(var + "/read", resource ? "ReadVariableOp" : "Identity", {var});
  read.attrs[resource ? "dtype" : "T"] = dtype;
  g.add(read);
  Node mul = make_node("out", "Mul", {"x", var + "/read"});
  mul.attrs["T"] = DType::Float;
  g.add(mul);
  // Training machinery that must not survive.
  Node init = make_node(var + "/Assign", resource ? "AssignVariableOp" : "Assign", {var, "x"});
  g.add(init);
  const std::string path = (dir / "graph.pb").string();
  save_graph(g, path);
  return path;
}

FreezeOptions out_option() {
  FreezeOptions o;
  o.outputs = {"out"};
  return o;
}

// Copies PREFIX.* of the corpus checkpoint `name` into `dir`; returns the new prefix.
std::string copy_checkpoint(const std::string& corpus, const std::string& name, const fs::path& dir,
                            bool with_data = true) {
  for (const char* ext : {".index", ".data-00000-of-00001", ".meta"}) {
    if (!with_data && std::string(ext) == ".data-00000-of-00001") continue;
    const fs::path from = fs::path(corpus) / "graphs" / (name + ext);
    if (fs::exists(from)) fs::copy_file(from, dir / (name + ext));
  }
  return (dir / name).string();
}

void check_cli_error(const std::string& arguments, std::initializer_list<std::string> must_mention) {
  const CommandResult r = run_frost("freeze " + arguments);
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK_MESSAGE(std::count(r.err.begin(), r.err.end(), '\n') == 1, "stderr is not one line: " << r.err);
  for (const std::string& m : must_mention) CHECK_MESSAGE(r.err.find(m) != std::string::npos, r.err << " lacks " << m);
}

}  // namespace

TEST_CASE("freeze: a small VariableV2 graph and a VarHandleOp graph freeze to the checkpoint's value") {
  const std::string corpus = corpus_dir();
  if (corpus.empty()) return;
  const std::string ckpt = corpus_file(corpus, "tf2onnx_regression_ckpt");
  const CheckpointReader reader(ckpt);
  const Tensor w = reader.read("W");
  for (bool resource : {false, true}) {
    CAPTURE(resource);
    const auto dir = temp_dir("var");
    const std::string graph = variable_graph(dir, "W", DType::Float, w.shape(), resource);
    const FreezeResult r = freeze_with_report(graph_input(graph, ckpt), out_option());
    CHECK(r.report.variables_frozen == 1);
    REQUIRE(r.graph.find("W") != nullptr);
    CHECK(r.graph.at("W").op == "Const");
    CHECK(same_bytes(r.graph.at("W").attr_tensor("value"), w));
    CHECK(r.graph.at("W/read").op == "Identity");  // ReadVariableOp -> Identity
    CHECK(r.graph.find("W/Assign") == nullptr);
    const Tensor x = Tensor::from_vector<float>({2.f, -1.f});
    const Tensor y = run_reference(r.graph, {{TensorId::parse("x"), x}}, {TensorId::parse("out")})[0];
    CHECK(y.as_double(0) == doctest::Approx(2.0 * w.as_double(0)));
    CHECK(y.as_double(1) == doctest::Approx(-1.0 * w.as_double(0)));
    fs::remove_all(dir);
  }
}

TEST_CASE("freeze: --set values parse per dtype") {
  CHECK(scalar_from_text(DType::Bool, "false", "p").data<bool>()[0] == false);
  CHECK(scalar_from_text(DType::Bool, "True", "p").data<bool>()[0] == true);
  CHECK(scalar_from_text(DType::Float, "1.0", "keep_prob").data<float>()[0] == 1.0f);
  CHECK(scalar_from_text(DType::Int32, "-3", "n").data<int32_t>()[0] == -3);
  CHECK_THROWS_WITH_AS(scalar_from_text(DType::Bool, "maybe", "is_training"), doctest::Contains("is_training"), Error);
  CHECK_THROWS_AS(scalar_from_text(DType::Float, "1.0x", "keep_prob"), Error);
  CHECK_THROWS_AS(scalar_from_text(DType::Int32, "99999999999", "n"), Error);
}

TEST_CASE("freeze bad input: missing data shard names the file") {
  const std::string corpus = corpus_dir();
  if (corpus.empty()) return;
  const auto dir = temp_dir("noshard");
  const std::string prefix = copy_checkpoint(corpus, "chaow94_mnist_ckpt", dir, /*with_data=*/false);
  const FreezeInput in = meta_input(prefix + ".meta");
  FreezeOptions o;
  o.outputs = {"softmax_linear/add"};
  CHECK_THROWS_WITH_AS(freeze(in, o), doctest::Contains("chaow94_mnist_ckpt.data-00000-of-00001"), Error);
  check_cli_error("--meta " + quote(in.path) + " --outputs softmax_linear/add -o " + quote((dir / "f.pb").string()),
                  {"chaow94_mnist_ckpt.data-00000-of-00001", "not found"});
  CHECK_FALSE(fs::exists(dir / "f.pb"));
  fs::remove_all(dir);
}

TEST_CASE("freeze bad input: a flipped byte in the data shard is a CRC mismatch naming the tensor") {
  const std::string corpus = corpus_dir();
  if (corpus.empty()) return;
  const auto dir = temp_dir("crc");
  const std::string prefix = copy_checkpoint(corpus, "chaow94_mnist_ckpt", dir);
  const std::string data = prefix + ".data-00000-of-00001";
  fs::permissions(data, fs::perms::owner_write, fs::perm_options::add);
  {
    std::fstream f(data, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(0, std::ios::end);
    const std::streamoff middle = f.tellg() / 2;
    f.seekg(middle);
    char c = 0;
    f.get(c);
    f.seekp(middle);
    f.put(static_cast<char>(c ^ 0x5a));
  }
  const FreezeInput in = meta_input(prefix + ".meta");
  FreezeOptions o;
  o.outputs = {"softmax_linear/add"};
  CHECK_THROWS_WITH_AS(freeze(in, o), doctest::Contains("CRC32C checksum mismatch"), Error);
  // The 784x128 hidden1 weights fill most of the 419,756-byte shard.
  CHECK_THROWS_WITH_AS(freeze(in, o), doctest::Contains("hidden1/weights"), Error);
  check_cli_error("--meta " + quote(in.path) + " --outputs softmax_linear/add --output-file " +
                      quote((dir / "f.pb").string()),
                  {"CRC32C", "hidden1/weights", "chaow94_mnist_ckpt.data-00000-of-00001"});
  fs::remove_all(dir);
}

TEST_CASE("freeze bad input: a variable the checkpoint lacks, with close keys") {
  const std::string corpus = corpus_dir();
  if (corpus.empty()) return;
  const auto dir = temp_dir("novar");
  const std::string ckpt = corpus_file(corpus, "tf2onnx_regression_ckpt");
  const std::string graph = variable_graph(dir, "Wx", DType::Float, PartialShape{}, false);
  try {
    freeze(graph_input(graph, ckpt), out_option());
    FAIL("no error");
  } catch (const Error& e) {
    const std::string what = e.what();
    CHECK(what.find("'Wx'") != std::string::npos);
    CHECK(what.find("closest keys: W") != std::string::npos);
    CHECK(what.find("tf2onnx_regression_ckpt.index") != std::string::npos);
  }
  check_cli_error("--graph " + quote(graph) + " --checkpoint " + quote(ckpt) + " --outputs out -o " +
                      quote((dir / "f.pb").string()),
                  {"Wx", "closest keys: W"});
  // A graph with variables and no checkpoint says to give one.
  CHECK_THROWS_WITH_AS(freeze(graph_input(graph, ""), out_option()), doctest::Contains("give the checkpoint"), Error);
  fs::remove_all(dir);
}

TEST_CASE("freeze bad input: dtype and shape mismatches between graph and checkpoint") {
  const std::string corpus = corpus_dir();
  if (corpus.empty()) return;
  const std::string ckpt = corpus_file(corpus, "tf2onnx_regression_ckpt");
  const Shape w_shape = CheckpointReader(ckpt).entry("W").shape;
  const auto dir = temp_dir("mismatch");
  SUBCASE("dtype") {
    const std::string graph = variable_graph(dir, "W", DType::Int32, w_shape);
    CHECK_THROWS_WITH_AS(freeze(graph_input(graph, ckpt), out_option()),
                         doctest::Contains("'W' is int32 in the graph but float in the checkpoint"), Error);
    check_cli_error("--graph " + quote(graph) + " --checkpoint " + quote(ckpt) + " --outputs out -o " +
                        quote((dir / "f.pb").string()),
                    {"'W'", "int32", "float"});
  }
  SUBCASE("shape") {
    const std::string graph = variable_graph(dir, "W", DType::Float, PartialShape{3, 3}, true);
    CHECK_THROWS_WITH_AS(freeze(graph_input(graph, ckpt), out_option()), doctest::Contains("[3,3] in the graph"),
                         Error);
  }
  fs::remove_all(dir);
}

TEST_CASE("freeze bad input: unknown output names suggest close names; several plausible outputs are listed") {
  const std::string corpus = corpus_dir();
  if (corpus.empty()) return;
  const FreezeInput in = meta_input(corpus_file(corpus, "chaow94_mnist_ckpt.meta"));
  FreezeOptions o;
  o.outputs = {"softmax_linear/ad"};
  CHECK_THROWS_WITH_AS(freeze(in, o), doctest::Contains("softmax_linear/add"), Error);
  // Without outputs: the loss and the eval count are both unconsumed.
  CHECK_THROWS_WITH_AS(freeze(in, {}), doctest::Contains("plausible outputs"), Error);
  CHECK_THROWS_WITH_AS(freeze(in, {}), doctest::Contains("sparse_softmax_cross_entropy_loss/value"), Error);
  o.outputs = {"softmax_linear/add"};
  o.set = {{"no_such_placeholder", "1"}};
  CHECK_THROWS_WITH_AS(freeze(in, o), doctest::Contains("no_such_placeholder"), Error);

  const auto dir = temp_dir("noout");
  check_cli_error("--meta " + quote(in.path) + " --outputs softmax_linear/ad -o " + quote((dir / "f.pb").string()),
                  {"softmax_linear/ad", "softmax_linear/add"});
  check_cli_error("--meta " + quote(in.path) + " --graph x.pb -o f.pb", {"exactly one"});
  check_cli_error("--meta " + quote(in.path), {"-o"});
  check_cli_error("--meta " + quote(in.path) + " --set keep_prob -o f.pb", {"NAME=VALUE"});
  fs::remove_all(dir);
}

TEST_CASE("freeze CLI: writes a standard GraphDef and prints a summary") {
  const std::string corpus = corpus_dir();
  if (corpus.empty()) return;
  const auto dir = temp_dir("cli");
  const std::string out = (dir / "frozen.pb").string();
  const CommandResult r = run_frost("freeze --meta " + quote(corpus_file(corpus, "chaow94_mnist_ckpt.meta")) +
                                    " --outputs softmax_linear/add:0 -o " + quote(out));
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.out.find("variables frozen: 6") != std::string::npos);
  CHECK(r.out.find("nodes: 227 -> ") != std::string::npos);
  CHECK(r.out.find("outputs: softmax_linear/add") != std::string::npos);
  const Graph g = load_graph(out);
  CHECK(count_op(g, "VariableV2") == 0);
  const CommandResult inspect = run_frost("inspect " + quote(out));
  CHECK(inspect.out.find(", frozen") != std::string::npos);
  fs::remove_all(dir);
}
