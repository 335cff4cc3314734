// Calibration: the float model runs (CPU backend) on a few representative
// inputs and the largest |value| of every float tensor is kept; from those
// ranges each tensor a DPU node reads or writes gets its fix position
// (fix_point.h, vai_q's "max" rule).
#pragma once

#include <map>
#include <vector>

#include "graph/graph.h"
#include "runtime/executor.h"
#include "runtime/fpga/partition.h"

namespace frost::fpga {

// max |x| per float tensor over all `batches` (every node that ran, loop bodies
// included). Throws what the run throws (an unfed input, a bad feed).
std::map<TensorId, double> calibrate_ranges(const Graph& g, const std::vector<FeedMap>& batches,
                                            const std::vector<TensorId>& fetches);

// Fix position of every activation tensor a DPU node reads or writes. Ops that
// only select or move values (MaxPool, Relu, Relu6, Pad, Reshape) keep their
// input's fix position, as the DPU does; the rest take their calibrated range.
// A tensor with no range (never computed, e.g. a dead branch) uses a Const's
// own values if it is one, else kDefaultFixPosition.
std::map<TensorId, int> activation_fix_positions(const Graph& g, const Partition& part,
                                                 const std::map<TensorId, double>& ranges);

}  // namespace frost::fpga
