#include "cli/inspect_json.h"

#include "cli/json_writer.h"

namespace frost::cli {

std::string dtype_or_unknown(DType t) { return t == DType::Invalid ? "?" : dtype_name(t); }

void write_inspect_json(std::ostream& out, const std::string& path, const GraphSummary& s) {
  JsonWriter j(out);
  j.begin_object();
  j.key("file").value(path);
  j.key("nodes").value(static_cast<int64_t>(s.node_count));
  j.key("producer").value(s.producer);
  j.key("frozen").value(s.frozen);
  j.key("while_loops").value(s.has_while_loops);
  j.key("inputs").begin_array();
  for (const GraphInput& in : s.inputs) {
    j.begin_object().key("name").value(in.name).key("dtype").value(dtype_or_unknown(in.dtype));
    j.key("shape");
    if (in.shape.known_rank()) {
      j.begin_array();
      for (int64_t d : in.shape.dims()) j.value(d);
      j.end_array();
    } else {
      j.null();
    }
    j.key("has_default").value(in.has_default);
    if (!in.pipeline.empty()) j.key("pipeline").value(in.pipeline);
    j.end_object();
  }
  j.end_array();
  j.key("not_inputs").begin_array();
  for (const UnusedInput& u : s.unused_inputs)
    j.begin_object()
        .key("name").value(u.input.name)
        .key("dtype").value(dtype_or_unknown(u.input.dtype))
        .key("shape").value(u.input.shape.to_string())
        .key("reason").value(u.reason)
        .end_object();
  j.end_array();
  j.key("loss_heads").begin_array();
  for (const GraphOutput& h : s.loss_heads) j.begin_object().key("name").value(h.name).key("reason").value(h.reason).end_object();
  j.end_array();
  j.key("unused_placeholders").begin_array();
  for (const std::string& p : s.unused_placeholders) j.value(p);
  j.end_array();
  j.key("outputs").begin_array();
  for (const OutputSummary& o : s.outputs)
    j.begin_object()
        .key("name").value(o.output.name)
        .key("dtype").value(dtype_or_unknown(o.tensor.dtype))
        .key("shape").value(o.tensor.shape.to_string())
        .key("reason").value(o.output.reason)
        .end_object();
  j.end_array();
  j.key("ops").begin_object();
  for (const auto& [op, count] : s.op_histogram) j.key(op).value(count);
  j.end_object();
  j.key("parameters").begin_object();
  for (const auto& [dtype, p] : s.parameters)
    j.key(dtype_name(dtype)).begin_object().key("elements").value(p.elements).key("bytes").value(p.bytes).end_object();
  j.end_object();
  j.key("leftovers").begin_array();
  for (const Leftover& l : s.leftovers)
    j.begin_object()
        .key("kind").value(l.kind)
        .key("count").value(l.count)
        .key("example").value(l.example)
        .key("hint").value(l.hint)
        .end_object();
  j.end_array();
  j.end_object();
}

}  // namespace frost::cli
