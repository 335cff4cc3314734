// Running one registered op's reference kernel on given inputs, for the
// reference kernels of fused ops, which compose the ops they stand for (so a
// fused graph computes exactly what the unfused one did).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "graph/op_registry.h"

namespace frost {

// Output 0 of `op` with `attrs` on `inputs`; errors name ctx's node.
Tensor run_reference_step(const OpContext& ctx, const std::string& op, std::map<std::string, AttrValue> attrs,
                          std::vector<Tensor> inputs);

}  // namespace frost
