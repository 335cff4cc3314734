// Every real graph of the corpus: GraphDef -> IR -> GraphDef gives back the
// original (tensors compared after re-encoding, since export writes
// tensor_content where the file may have used *_val), also through a file.
// The corpus .meta files parse as MetaGraphDef, the SavedModel as SavedModel.
#include <doctest/doctest.h>

#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <filesystem>

#include "graph/graphdef_convert.h"
#include "io/graph_file.h"
#include "io/tensor_proto.h"
#include "io_test_util.h"

using namespace frost;
using frost::testing::TempDir;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> corpus_files(const std::string& dir, const std::vector<std::string>& extensions) {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string ext = entry.path().extension().string();
    if (std::find(extensions.begin(), extensions.end(), ext) != extensions.end()) out.push_back(entry.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Replaces each decodable tensor by its re-encoding (tensor_content), as the
// exporter writes it; everything else is compared as read.
void canonicalise_tensors(tensorflow::AttrValue& attr) {
  if (!attr.GetReflection()->GetUnknownFields(attr).empty()) return;  // kept verbatim
  if (attr.has_tensor() && tensor_proto_dtype_decodable(attr.tensor().dtype())) {
    *attr.mutable_tensor() = tensor_to_proto(tensor_from_proto(attr.tensor()));
  } else if (attr.has_list() && attr.list().tensor_size() > 0) {
    auto& list = *attr.mutable_list();
    if (list.s_size() || list.i_size() || list.f_size() || list.b_size() || list.type_size() ||
        list.shape_size() || list.func_size())
      return;
    for (const auto& t : list.tensor())
      if (!tensor_proto_dtype_decodable(t.dtype())) return;
    for (auto& t : *list.mutable_tensor()) t = tensor_to_proto(tensor_from_proto(t));
  }
}

tensorflow::GraphDef canonical(tensorflow::GraphDef g) {
  for (auto& node : *g.mutable_node())
    for (auto& [key, value] : *node.mutable_attr()) canonicalise_tensors(value);
  return g;
}

void check_equal(const tensorflow::GraphDef& want, const tensorflow::GraphDef& got) {
  google::protobuf::util::MessageDifferencer differ;
  std::string diff;
  differ.ReportDifferencesToString(&diff);
  const bool same = differ.Compare(want, got);
  if (!same && diff.size() > 2000) diff.resize(2000);
  CHECK_MESSAGE(same, diff);
}

}  // namespace

TEST_CASE("corpus: every graph imports and exports back to the same GraphDef") {
  const std::string dir = frost::testing::corpus_or_skip();
  if (dir.empty()) return;
  const auto files = corpus_files(dir, {".pb", ".pbtxt"});
  CHECK(files.size() >= 20);
  TempDir tmp;
  int checked = 0;
  for (const auto& path : files) {
    if (path.find("saved_model") != std::string::npos) continue;  // a SavedModel, below
    CAPTURE(path);
    const tensorflow::GraphDef original = read_graph_def(path);
    const Graph graph = graph_from_graph_def(original, path);
    CHECK(graph.size() == static_cast<size_t>(original.node_size()));
    CHECK(graph.source == path);
    const tensorflow::GraphDef want = canonical(original);
    check_equal(want, graph_to_graph_def(graph));

    // Through a file, binary and (for text originals) text.
    const std::string out = tmp.file("out.pb");
    save_graph(load_graph(path), out);
    check_equal(want, read_graph_def(out));
    if (fs::path(path).extension() == ".pbtxt") {
      const std::string out_text = tmp.file("out.pbtxt");
      save_graph(graph, out_text);
      check_equal(want, read_graph_def(out_text));
    }
    ++checked;
  }
  MESSAGE("round-tripped " << checked << " corpus graphs");
}

TEST_CASE("corpus: node counts and inputs of known graphs") {
  const std::string dir = frost::testing::corpus_or_skip();
  if (dir.empty()) return;
  // Counts from the corpus MANIFEST.
  const std::vector<std::pair<std::string, size_t>> expected = {
      {"opencv_face_detector_uint8.pb", 570}, {"chaow94_mnist.pb", 21},  {"har_srijannadas.pb", 186},
      {"har_srijannadas.pbtxt", 186},         {"ultraface_frozen.pb", 3893}, {"tf2onnx_regression.pb", 8},
      {"opencv_face_detector_uint8.pbtxt", 145}, {"signlang_tf_complete_model.pb", 2604},
  };
  for (const auto& entry : expected) {
    const std::string& name = entry.first;  // not a structured binding: CAPTURE's lambda cannot take one in clang 14
    const size_t count = entry.second;
    CAPTURE(name);
    const Graph g = load_graph(dir + "/" + name);
    CHECK(g.size() == count);
  }
  // chaow94_mnist: Placeholder float [100,784]; its weights decode as float tensors.
  const Graph mnist = load_graph(dir + "/chaow94_mnist.pb");
  int placeholders = 0;
  for (const Node* n : mnist.nodes()) {
    if (n->op == "Placeholder") {
      ++placeholders;
      CHECK(n->attr_type("dtype") == DType::Float);
      CHECK(n->attr("shape").shape() == PartialShape{100, 784});
    }
    if (n->op == "Const") CHECK(n->attr_tensor("value").valid());
  }
  CHECK(placeholders == 1);
  // The quantised MobileNet keeps quint8 weights.
  const Graph mobilenet = load_graph(dir + "/mobilenet_v1_025_128_quantized.pb");
  bool has_quint8 = false;
  for (const Node* n : mobilenet.nodes())
    if (n->op == "Const" && n->attr_tensor("value").dtype() == DType::QUInt8) has_quint8 = true;
  CHECK(has_quint8);
}

TEST_CASE("corpus: .meta files parse as MetaGraphDef, the SavedModel as SavedModel") {
  const std::string dir = frost::testing::corpus_or_skip();
  if (dir.empty()) return;
  const auto metas = corpus_files(dir, {".meta"});
  CHECK(metas.size() >= 5);
  for (const auto& path : metas) {
    CAPTURE(path);
    const auto meta = read_meta_graph_def(path);
    CHECK(meta.graph_def().node_size() > 0);
    CHECK(!meta.meta_info_def().tensorflow_version().empty());
    const Graph g = load_graph(path);
    CHECK(g.size() == static_cast<size_t>(meta.graph_def().node_size()));
    check_equal(canonical(meta.graph_def()), graph_to_graph_def(g));
  }
  // MANIFEST: chaow94's training graph has 227 nodes, tf2onnx_regression's 128.
  CHECK(read_meta_graph_def(dir + "/chaow94_mnist_ckpt.meta").graph_def().node_size() == 227);
  CHECK(read_meta_graph_def(dir + "/tf2onnx_regression_ckpt.meta").graph_def().node_size() == 128);

  const std::string saved = dir + "/tf2onnx_regression_savedmodel.saved_model.pb";
  const auto model = read_saved_model(saved);
  REQUIRE(model.meta_graphs_size() >= 1);
  CHECK(model.meta_graphs(0).graph_def().node_size() > 0);
  CHECK_THROWS_AS(read_graph_def(saved), Error);  // not a GraphDef
  const Graph g = load_graph(saved);
  CHECK(g.size() == static_cast<size_t>(model.meta_graphs(0).graph_def().node_size()));
}
