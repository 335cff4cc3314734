// Feeding labelled images (io/datasets.h) to a model: the image placeholder
// and float batches scaled as the bundled models were trained (pixel / 255).
// Shared by `eval` and the FPGA backend's calibration.
#pragma once

#include <cstdint>

#include "cli/args.h"
#include "io/datasets.h"
#include "runtime/session.h"

namespace frost::cli {

// The one input to feed images into: --input, or the only required placeholder.
GraphInput image_input(const Session& model, const Args& args);

// A float batch of images [first, first + count) scaled to [0, 1], shaped
// like the placeholder with the batch dimension filled.
Tensor image_batch(const LabelledImages& data, int64_t first, int64_t count, const GraphInput& input);

// The batch size to feed: the placeholder's fixed batch, else `preferred`.
int64_t image_batch_size(const GraphInput& input, int64_t preferred);

}  // namespace frost::cli
