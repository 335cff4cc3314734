// Options of the FPGA backend shared by compile, eval and check:
// `--arch FILE` (default: the built-in DPU description), `--calib
// DIR_OR_DATASET` (a folder of .npy inputs, or a dataset spec such as
// fashion-mnist:train) and `--calib-count N` (default 100).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/args.h"
#include "runtime/fpga/fpga_backend.h"
#include "runtime/session.h"

namespace frost::cli {

constexpr int64_t kDefaultCalibCount = 100;

// The model partitioned against --arch (not yet calibrated).
std::shared_ptr<fpga::FpgaBackend> fpga_plan(const Session& model, const Args& args,
                                             const std::vector<TensorId>& fetches);

// Calibration inputs from a spec: a folder of .npy files (one feed of the
// image/only input each, in name order) or a dataset spec; at most `count`
// samples.
std::vector<FeedMap> calibration_feeds(const Session& model, const Args& args, const std::string& spec, int64_t count);

// Calibrates `plan` on --calib, else on `fallback` feeds, else on
// `default_spec`; returns a line saying what was used. Throws when there is nothing to calibrate on.
std::string calibrate_fpga(fpga::FpgaBackend& plan, const Session& model, const Args& args,
                           const std::string& default_spec, const std::vector<FeedMap>& fallback);

// fpga_plan + calibrate_fpga, installed in `model` for Backend::Fpga.
std::string prepare_fpga(Session& model, const Args& args, const std::vector<TensorId>& fetches,
                         const std::string& default_spec, const std::vector<FeedMap>& fallback);

}  // namespace frost::cli
