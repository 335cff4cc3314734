// frost compile MODEL --backend fpga [--arch FILE] [--calib DIR_OR_DATASET
// --calib-count N] -o DIR: what a Vitis-AI-style compile would make of the
// model — the DPU subgraphs, their ops, MACs and int8 parameter bytes, the
// reason each other node stays on the CPU, and (when calibrated) every DPU
// tensor's fix position — written to DIR/partition.json with a summary on
// stdout. It describes the partition; it does not produce a Vitis xmodel.
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>

#include "cli/commands.h"
#include "cli/fpga_args.h"
#include "cli/json_writer.h"
#include "cli/model_args.h"
#include "runtime/fpga/fpga_backend.h"

namespace frost::cli {

namespace {

namespace fs = std::filesystem;

void write_ids(JsonWriter& w, const std::vector<TensorId>& ids) {
  w.begin_array();
  for (const TensorId& id : ids) w.value(id.to_string());
  w.end_array();
}

void write_partition_json(std::ostream& out, const std::string& model_path, const fpga::FpgaBackend& plan,
                          const std::string& calibration) {
  const fpga::Partition& part = plan.partition();
  JsonWriter w(out, 2);
  w.begin_object();
  w.key("format").value("frost-fpga-partition-1");
  w.key("note").value("a description of the DPU partition and quantisation; not a Vitis AI xmodel");
  w.key("model").value(model_path);
  w.key("arch").begin_object().key("name").value(plan.arch().name).key("source").value(plan.arch().source).end_object();
  w.key("calibration");
  if (calibration.empty())
    w.null();
  else
    w.value(calibration);
  int64_t dpu_nodes = 0, cpu_nodes = 0;
  for (const auto& [name, p] : part.nodes) (p.on_dpu ? dpu_nodes : cpu_nodes)++;
  w.key("summary").begin_object();
  w.key("subgraphs").value(static_cast<int64_t>(part.subgraphs.size()));
  w.key("dpu_nodes").value(dpu_nodes).key("cpu_nodes").value(cpu_nodes);
  w.key("total_macs").value(part.total_macs).key("dpu_macs").value(part.dpu_macs);
  w.key("dpu_mac_percent").value(part.dpu_mac_percent());
  w.end_object();

  w.key("subgraphs").begin_array();
  for (const fpga::DpuSubgraph& sg : part.subgraphs) {
    w.begin_object().key("id").value(sg.id);
    w.key("nodes").begin_array();
    for (const std::string& n : sg.nodes) w.value(n);
    w.end_array();
    w.key("ops").begin_object();
    for (const auto& [op, count] : sg.ops) w.key(op).value(count);
    w.end_object();
    w.key("macs").value(sg.macs).key("parameter_bytes").value(sg.param_bytes);
    w.key("inputs");
    write_ids(w, sg.inputs);
    w.key("outputs");
    write_ids(w, sg.outputs);
    w.end_object();
  }
  w.end_array();

  w.key("nodes").begin_array();
  for (const Node* n : plan.graph().nodes()) {
    const auto it = part.nodes.find(n->name);
    if (it == part.nodes.end()) continue;
    const fpga::NodePlacement& p = it->second;
    w.begin_object().key("name").value(n->name).key("op").value(n->op);
    w.key("device").value(p.on_dpu ? "dpu" : "cpu");
    if (p.on_dpu) w.key("subgraph").value(p.subgraph);
    w.key("macs").value(p.macs);
    if (!p.on_dpu) w.key("reason").value(p.reason);
    const auto q = plan.node_params().find(n->name);
    if (q != plan.node_params().end() && !q->second->weights.empty()) {
      w.key("weight_fix_position").value(q->second->weight_fp);
      if (!q->second->bias.empty()) w.key("bias_fix_position").value(q->second->bias_fp);
    }
    w.end_object();
  }
  w.end_array();

  w.key("fix_positions").begin_object();
  for (const auto& [id, fp] : plan.activation_fix_positions()) w.key(id.to_string()).value(fp);
  w.end_object();
  w.end_object();
  out << "\n";
}

void print_summary(const std::string& model_path, const fpga::FpgaBackend& plan) {
  const fpga::Partition& part = plan.partition();
  int64_t dpu_nodes = 0;
  for (const auto& [name, p] : part.nodes) dpu_nodes += p.on_dpu;
  std::cout << std::fixed << std::setprecision(1) << model_path << " on " << plan.arch().name << ": "
            << part.subgraphs.size() << " DPU subgraph(s), " << dpu_nodes << " of " << part.nodes.size()
            << " nodes and " << part.dpu_mac_percent() << "% of MACs (" << part.dpu_macs << " of " << part.total_macs
            << ") on the DPU\n";
  for (const fpga::DpuSubgraph& sg : part.subgraphs) {
    std::cout << "  subgraph " << sg.id << ": " << sg.nodes.size() << " nodes,";
    for (const auto& [op, count] : sg.ops) std::cout << " " << op << "x" << count;
    std::cout << "; " << sg.macs << " MACs, " << sg.param_bytes << " parameter bytes\n";
  }
  bool header = false;
  for (const Node* n : plan.graph().nodes()) {
    const auto it = part.nodes.find(n->name);
    if (it == part.nodes.end() || it->second.on_dpu) continue;
    if (!header) std::cout << "on the CPU:\n";
    header = true;
    std::cout << "  " << n->name << " (" << n->op << "): " << it->second.reason << "\n";
  }
}

}  // namespace

int compile_command(const Argv& argv) {
  Argv renamed;
  for (const std::string& a : argv) renamed.push_back(a == "-o" ? "--output-dir" : a);
  const Args args(renamed, {"backend", "arch", "calib", "calib-count", "output-dir", "output", "input", "set"},
                  {"no-optimize"});
  const std::string model_path = args.only_positional("model file");
  if (args.value("backend", "fpga") != "fpga")
    throw Error("frost compile targets the fpga backend only, got --backend " + args.value("backend"));
  if (!args.has("output-dir")) throw Error("give the output folder with -o DIR");
  const Session model = prepared_model(model_path, args);
  const std::vector<TensorId> fetches = fetches_from_args(model, args);
  std::shared_ptr<fpga::FpgaBackend> plan = fpga_plan(model, args, fetches);
  std::string calibration;
  if (args.has("calib")) calibration = calibrate_fpga(*plan, model, args, "", {});

  const fs::path dir = args.value("output-dir");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error("cannot create the folder: " + ec.message()).file(dir.string());
  const fs::path file = dir / "partition.json";
  std::ofstream out(file);
  if (!out) throw Error("cannot write the file").file(file.string());
  write_partition_json(out, model_path, *plan, calibration);
  if (!out) throw Error("write failed").file(file.string());

  print_summary(model_path, *plan);
  if (calibration.empty())
    std::cout << "not calibrated: give --calib DIR_OR_DATASET for the fix positions of activations\n";
  else
    std::cout << "calibrated on " << calibration << "\n";
  std::cout << "wrote " << file.string() << "\n";
  return 0;
}

}  // namespace frost::cli
