#include "io/graph_file.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/text_format.h>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <system_error>

#include "graph/error.h"

namespace frost {

namespace fs = std::filesystem;

namespace {

Error file_error(const std::string& path, const std::string& message) {
  return std::move(Error(message).file(path));
}

// Text format is printable (no control bytes other than whitespace in the
// first few KiB) and starts with a field name or a '#' comment. A binary
// GraphDef has field tags (0x0a, 0x12, ...) and length bytes early, so it
// fails this test almost at once.
bool looks_like_text(const std::string& bytes) {
  const size_t n = std::min<size_t>(bytes.size(), 4096);
  for (size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c == 0x7f || (c < 0x20 && c != '\t' && c != '\n' && c != '\r')) return false;
  }
  const size_t first = bytes.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return false;
  const auto c = static_cast<unsigned char>(bytes[first]);
  return std::isalpha(c) || c == '_' || c == '#';
}

// Keeps the first problem the text parser reports (lines and columns 1-based).
class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column, const std::string& message) override {
    if (text.empty()) text = "line " + std::to_string(line + 1) + " column " + std::to_string(column + 1) + ": " + message;
  }
  std::string text;
};

// An unknown field whose number the schema knows arrived with the wrong wire
// type: the bytes were written as another message. Checked through every
// nested message (genuinely unknown fields, from newer writers, have numbers
// the schema lacks and are fine).
bool field_numbers_consistent(const google::protobuf::Message& m) {
  using google::protobuf::FieldDescriptor;
  const auto* reflection = m.GetReflection();
  const auto& unknown = reflection->GetUnknownFields(m);
  for (int i = 0; i < unknown.field_count(); ++i)
    if (m.GetDescriptor()->FindFieldByNumber(unknown.field(i).number()) != nullptr) return false;
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(m, &fields);
  for (const auto* f : fields) {
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (f->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(m, f); ++i)
        if (!field_numbers_consistent(reflection->GetRepeatedMessage(m, f, i))) return false;
    } else if (!field_numbers_consistent(reflection->GetMessage(m, f))) {
      return false;
    }
  }
  return true;
}

// Bytes that are not this message sometimes "parse": as nothing but unknown
// fields, or with known field numbers of the wrong wire type. Such a parse is
// not trusted.
bool plausible(const google::protobuf::Message& m) {
  const auto* reflection = m.GetReflection();
  if (!reflection->GetUnknownFields(m).empty()) {
    std::vector<const google::protobuf::FieldDescriptor*> fields;
    reflection->ListFields(m, &fields);
    if (fields.empty()) return false;
  }
  return field_numbers_consistent(m);
}

// protobuf logs its own complaints (invalid UTF-8 in a string field, a
// deprecated text field) to stderr while parsing; Frost reports failures as one
// Error instead, so only fatal messages are let through. Installed once, on
// the first parse, because protobuf's log handler is process-wide.
void quiet_protobuf_logging() {
  static std::once_flag once;
  std::call_once(once, [] {
    google::protobuf::SetLogHandler([](google::protobuf::LogLevel level, const char* file, int line,
                                       const std::string& message) {
      if (level == google::protobuf::LOGLEVEL_FATAL)
        std::fprintf(stderr, "[libprotobuf FATAL %s:%d] %s\n", file, line, message.c_str());
    });
  });
}

template <class M>
M parse_message(const std::string& bytes, const std::string& path, const std::string& what) {
  if (bytes.empty()) throw file_error(path, "empty file, expected a " + what);
  quiet_protobuf_logging();
  M message;
  std::string text_problem;
  if (looks_like_text(bytes)) {
    google::protobuf::TextFormat::Parser parser;
    FirstError errors;
    parser.RecordErrorsTo(&errors);
    if (parser.ParseFromString(bytes, &message)) {
      if (message.ByteSizeLong() == 0) throw file_error(path, "text file holds no " + what + " (only comments?)");
      return message;
    }
    text_problem = errors.text.empty() ? "parse error" : errors.text;
    message.Clear();
  }
  if (message.ParseFromString(bytes) && plausible(message)) return message;
  if (!text_problem.empty()) throw file_error(path, "not a valid " + what + " in text format: " + text_problem);
  throw file_error(path, "not a valid " + what + " (truncated or not a protobuf)");
}

void write_message(const google::protobuf::Message& message, const std::string& path, bool text) {
  std::string bytes;
  if (text) {
    if (!google::protobuf::TextFormat::PrintToString(message, &bytes))
      throw file_error(path, "cannot format the message as text");
  } else {
    FROST_CHECK(message.ByteSizeLong() <= static_cast<size_t>(kMaxProtoFileBytes),
                "message of " + std::to_string(message.ByteSizeLong()) + " bytes exceeds protobuf's 2 GiB limit");
    google::protobuf::io::StringOutputStream raw(&bytes);
    google::protobuf::io::CodedOutputStream coded(&raw);
    coded.SetSerializationDeterministic(true);  // map entries sorted: same graph, same bytes
    if (!message.SerializeToCodedStream(&coded)) throw file_error(path, "cannot serialize the message");
  }
  write_file_bytes(path, bytes);
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

tensorflow::GraphDef read_graph_def(const std::string& path) {
  return parse_message<tensorflow::GraphDef>(read_file_bytes(path), path, "GraphDef");
}

void write_graph_def(const tensorflow::GraphDef& graph, const std::string& path) {
  write_message(graph, path, ends_with(path, ".pbtxt") || ends_with(path, ".txt"));
}

tensorflow::MetaGraphDef read_meta_graph_def(const std::string& path) {
  return parse_message<tensorflow::MetaGraphDef>(read_file_bytes(path), path, "MetaGraphDef");
}

tensorflow::SavedModel read_saved_model(const std::string& path) {
  std::string file = path;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    const fs::path dir(path);
    if (fs::exists(dir / "saved_model.pb", ec)) file = (dir / "saved_model.pb").string();
    else if (fs::exists(dir / "saved_model.pbtxt", ec)) file = (dir / "saved_model.pbtxt").string();
    else throw file_error(path, "directory holds neither saved_model.pb nor saved_model.pbtxt");
  }
  return parse_message<tensorflow::SavedModel>(read_file_bytes(file), file, "SavedModel");
}

}  // namespace frost
