#include "io/graphdef_convert.h"

#include <filesystem>
#include <type_traits>

#include "io/graph_file.h"
#include "io/tensor_proto.h"

namespace frost {

namespace {

using google::protobuf::Message;

// Whether `m` has anything besides the fields numbered in `modelled`: another
// set field or unknown fields. Checked through reflection so a field added to
// the schema later is preserved without touching this file.
bool has_unmodelled_fields(const Message& m, std::initializer_list<int> modelled) {
  const auto* reflection = m.GetReflection();
  if (!reflection->GetUnknownFields(m).empty()) return true;
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  reflection->ListFields(m, &fields);
  for (const auto* f : fields)
    if (std::find(modelled.begin(), modelled.end(), f->number()) == modelled.end()) return true;
  return false;
}

// A shape attr is mapped to PartialShape only when nothing is lost: no dim
// names, no unknown fields, no dims beside unknown_rank.
bool shape_is_plain(const tensorflow::TensorShapeProto& s) {
  if (!s.GetReflection()->GetUnknownFields(s).empty()) return false;
  if (s.unknown_rank()) return s.dim_size() == 0;
  for (const auto& d : s.dim())
    if (!d.name().empty() || !d.GetReflection()->GetUnknownFields(d).empty()) return false;
  return true;
}

PartialShape partial_shape_from_proto(const tensorflow::TensorShapeProto& s) {
  if (s.unknown_rank()) return PartialShape::unknown();
  std::vector<int64_t> dims;
  dims.reserve(static_cast<size_t>(s.dim_size()));
  for (const auto& d : s.dim()) {
    FROST_CHECK(d.size() >= PartialShape::kUnknown, "shape has an invalid dimension " + std::to_string(d.size()));
    dims.push_back(d.size());
  }
  return PartialShape(std::move(dims));
}

void partial_shape_to_proto(const PartialShape& shape, tensorflow::TensorShapeProto* out) {
  if (!shape.known_rank()) {
    out->set_unknown_rank(true);
    return;
  }
  for (int64_t d : shape.dims()) out->add_dim()->set_size(d);
}

OpaqueAttr opaque(const tensorflow::AttrValue& proto) {
  return OpaqueAttr{proto.SerializeAsString()};
}

AttrValue list_from_proto(const tensorflow::AttrValue& proto) {
  const auto& list = proto.list();
  const int kinds = (list.s_size() > 0) + (list.i_size() > 0) + (list.f_size() > 0) + (list.b_size() > 0) +
                    (list.type_size() > 0) + (list.shape_size() > 0) + (list.tensor_size() > 0) +
                    (list.func_size() > 0);
  if (kinds == 0 && list.GetReflection()->GetUnknownFields(list).empty()) return EmptyList{};
  // Mixed lists, function lists and lists with unknown fields are kept as bytes.
  if (kinds != 1 || list.func_size() > 0 || !list.GetReflection()->GetUnknownFields(list).empty())
    return opaque(proto);
  if (list.s_size()) return std::vector<std::string>(list.s().begin(), list.s().end());
  if (list.i_size()) return std::vector<int64_t>(list.i().begin(), list.i().end());
  if (list.f_size()) return std::vector<float>(list.f().begin(), list.f().end());
  if (list.b_size()) return std::vector<bool>(list.b().begin(), list.b().end());
  if (list.type_size()) {
    std::vector<DType> types;
    for (int t : list.type()) types.push_back(static_cast<DType>(t));
    return types;
  }
  if (list.shape_size()) {
    std::vector<PartialShape> shapes;
    for (const auto& s : list.shape()) {
      if (!shape_is_plain(s)) return opaque(proto);
      shapes.push_back(partial_shape_from_proto(s));
    }
    return shapes;
  }
  std::vector<Tensor> tensors;
  for (const auto& t : list.tensor()) {
    if (!tensor_proto_dtype_decodable(t.dtype())) return opaque(proto);
    tensors.push_back(tensor_from_proto(t));
  }
  return tensors;
}

}  // namespace

AttrValue attr_from_proto(const tensorflow::AttrValue& proto) {
  if (!proto.GetReflection()->GetUnknownFields(proto).empty()) return opaque(proto);
  switch (proto.value_case()) {
    case tensorflow::AttrValue::kS: return std::string(proto.s());
    case tensorflow::AttrValue::kI: return int64_t{proto.i()};
    case tensorflow::AttrValue::kF: return proto.f();
    case tensorflow::AttrValue::kB: return proto.b();
    // The raw enum value is kept, including reference types (value + 100).
    case tensorflow::AttrValue::kType: return static_cast<DType>(proto.type());
    case tensorflow::AttrValue::kShape:
      if (!shape_is_plain(proto.shape())) return opaque(proto);
      return partial_shape_from_proto(proto.shape());
    case tensorflow::AttrValue::kTensor:
      // complex/resource/variant values Frost cannot hold stay as bytes.
      if (!tensor_proto_dtype_decodable(proto.tensor().dtype())) return opaque(proto);
      return tensor_from_proto(proto.tensor());
    case tensorflow::AttrValue::kList: return list_from_proto(proto);
    default: return opaque(proto);  // func, placeholder, or no value at all
  }
}

tensorflow::AttrValue attr_to_proto(const AttrValue& attr) {
  tensorflow::AttrValue out;
  std::visit(
      [&out](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        auto list = [&out] { return out.mutable_list(); };
        if constexpr (std::is_same_v<T, std::string>) out.set_s(v);
        else if constexpr (std::is_same_v<T, int64_t>) out.set_i(v);
        else if constexpr (std::is_same_v<T, float>) out.set_f(v);
        else if constexpr (std::is_same_v<T, bool>) out.set_b(v);
        else if constexpr (std::is_same_v<T, DType>) out.set_type(static_cast<tensorflow::DataType>(v));
        else if constexpr (std::is_same_v<T, PartialShape>) partial_shape_to_proto(v, out.mutable_shape());
        else if constexpr (std::is_same_v<T, Tensor>) *out.mutable_tensor() = tensor_to_proto(v);
        else if constexpr (std::is_same_v<T, std::vector<std::string>>) for (const auto& x : v) list()->add_s(x);
        else if constexpr (std::is_same_v<T, std::vector<int64_t>>) for (auto x : v) list()->add_i(x);
        else if constexpr (std::is_same_v<T, std::vector<float>>) for (auto x : v) list()->add_f(x);
        else if constexpr (std::is_same_v<T, std::vector<bool>>) for (bool x : v) list()->add_b(x);
        else if constexpr (std::is_same_v<T, std::vector<DType>>)
          for (auto x : v) list()->add_type(static_cast<tensorflow::DataType>(x));
        else if constexpr (std::is_same_v<T, std::vector<PartialShape>>)
          for (const auto& x : v) partial_shape_to_proto(x, list()->add_shape());
        else if constexpr (std::is_same_v<T, std::vector<Tensor>>)
          for (const auto& x : v) *list()->add_tensor() = tensor_to_proto(x);
        else if constexpr (std::is_same_v<T, EmptyList>) list();
        else if constexpr (std::is_same_v<T, OpaqueAttr>) {
          if (!out.ParseFromString(v.serialized)) throw Error("kept attr bytes are not a valid AttrValue");
        } else static_assert(!sizeof(T), "attr kind without an export rule");
      },
      attr.value());
  return out;
}

Graph graph_from_graph_def(const tensorflow::GraphDef& graph_def, const std::string& source_file) {
  Graph graph;
  graph.source = source_file;

  // versions and library move into their own members unless present but
  // empty: then they stay in `preserved`, so that presence survives export.
  const bool take_versions = graph_def.has_versions() && graph_def.versions().ByteSizeLong() > 0;
  const bool take_library = graph_def.has_library() && graph_def.library().ByteSizeLong() > 0;
  if (take_versions) {
    const auto& v = graph_def.versions();
    graph.versions.producer = v.producer();
    graph.versions.min_consumer = v.min_consumer();
    graph.versions.bad_consumers.assign(v.bad_consumers().begin(), v.bad_consumers().end());
    // VersionDef's own unknown fields would be lost: keep them via preserved.
  }
  if (take_library) graph.library = graph_def.library().SerializeAsString();

  constexpr int kNode = tensorflow::GraphDef::kNodeFieldNumber;
  constexpr int kLibrary = tensorflow::GraphDef::kLibraryFieldNumber;
  constexpr int kVersions = tensorflow::GraphDef::kVersionsFieldNumber;
  const bool versions_lossy =
      take_versions && !graph_def.versions().GetReflection()->GetUnknownFields(graph_def.versions()).empty();
  if (has_unmodelled_fields(graph_def, {kNode, take_library ? kLibrary : kNode, take_versions ? kVersions : kNode}) ||
      versions_lossy) {
    tensorflow::GraphDef rest;
    rest.CopyFrom(graph_def);
    rest.clear_node();
    if (take_library) rest.clear_library();
    if (take_versions && !versions_lossy) rest.clear_versions();
    graph.preserved = rest.SerializeAsString();
  }

  for (const auto& nd : graph_def.node()) {
    Node node;
    node.name = nd.name();
    node.op = nd.op();
    node.inputs.assign(nd.input().begin(), nd.input().end());
    node.device = nd.device();
    for (const auto& [key, value] : nd.attr()) {
      try {
        node.attrs.emplace(key, attr_from_proto(value));
      } catch (Error& e) {
        e.file(source_file).node(nd.name()).op(nd.op()).item("attr '" + key + "'");
        throw;
      }
    }
    using N = tensorflow::NodeDef;
    if (has_unmodelled_fields(nd, {N::kNameFieldNumber, N::kOpFieldNumber, N::kInputFieldNumber,
                                   N::kDeviceFieldNumber, N::kAttrFieldNumber})) {
      N rest(nd);
      rest.clear_name();
      rest.clear_op();
      rest.clear_input();
      rest.clear_device();
      rest.clear_attr();
      node.preserved = rest.SerializeAsString();
    }
    try {
      graph.add(std::move(node));
    } catch (Error& e) {
      e.file(source_file);
      throw;
    }
  }
  return graph;
}

tensorflow::GraphDef graph_to_graph_def(const Graph& graph) {
  tensorflow::GraphDef out;
  if (!graph.preserved.empty() && !out.ParseFromString(graph.preserved))
    throw std::move(Error("kept GraphDef fields are not a valid GraphDef").file(graph.source));
  if (!graph.library.empty() && !out.mutable_library()->ParseFromString(graph.library))
    throw std::move(Error("kept function library is not a valid FunctionDefLibrary").file(graph.source));
  const auto& v = graph.versions;
  if (v.producer != 0 || v.min_consumer != 0 || !v.bad_consumers.empty()) {
    auto* versions = out.mutable_versions();
    versions->set_producer(v.producer);
    versions->set_min_consumer(v.min_consumer);
    versions->clear_bad_consumers();
    for (int b : v.bad_consumers) versions->add_bad_consumers(b);
  }
  for (const Node* node : graph.nodes()) {
    auto* nd = out.add_node();
    if (!node->preserved.empty() && !nd->ParseFromString(node->preserved))
      throw node->error("kept NodeDef fields are not a valid NodeDef");
    nd->set_name(node->name);
    nd->set_op(node->op);
    for (const auto& input : node->inputs) nd->add_input(input);
    nd->set_device(node->device);
    auto& attrs = *nd->mutable_attr();
    for (const auto& [key, value] : node->attrs) {
      try {
        attrs[key] = attr_to_proto(value);
      } catch (Error& e) {
        e.file(graph.source).node(node->name).op(node->op).item("attr '" + key + "'");
        throw;
      }
    }
  }
  return out;
}

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The meta graph a SavedModel serves: the one tagged "serve", else the first.
Graph graph_from_saved_model(const tensorflow::SavedModel& model, const std::string& path) {
  if (model.meta_graphs_size() == 0) throw std::move(Error("SavedModel has no meta graph").file(path));
  for (const auto& meta_graph : model.meta_graphs())
    for (const auto& tag : meta_graph.meta_info_def().tags())
      if (tag == "serve") return graph_from_graph_def(meta_graph.graph_def(), path);
  return graph_from_graph_def(model.meta_graphs(0).graph_def(), path);
}

bool named_like_saved_model(const std::string& path) {
  return ends_with(path, "saved_model.pb") || ends_with(path, "saved_model.pbtxt");
}

}  // namespace

Graph load_graph(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return graph_from_saved_model(read_saved_model(path), path);
  if (ends_with(path, ".meta")) return graph_from_graph_def(read_meta_graph_def(path).graph_def(), path);
  tensorflow::GraphDef graph_def;
  try {
    graph_def = read_graph_def(path);
  } catch (const Error& as_graph_def) {
    // A file named saved_model.pb is usually a SavedModel (though some repos
    // name a plain GraphDef so): try that reading, else report the first error.
    if (!named_like_saved_model(path)) throw;
    tensorflow::SavedModel model;
    try {
      model = read_saved_model(path);
    } catch (const Error&) {
      throw as_graph_def;
    }
    return graph_from_saved_model(model, path);
  }
  return graph_from_graph_def(graph_def, path);
}

void save_graph(const Graph& graph, const std::string& path) {
  write_graph_def(graph_to_graph_def(graph), path);
}

}  // namespace frost
