// The text of shapes and tensor ids appended to a string in place. The
// to_string()s are made of these, and plan_key (built on every run) calls
// them directly: a temporary string per piece costs an allocation each.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace frost {

struct TensorId;

void append_dims(std::string& s, const std::vector<int64_t>& dims);  // "[1,28,28,1]", "?" for an unknown dim
void append_tensor_id(std::string& s, const TensorId& id);           // "node", "node:1", "^node"

}  // namespace frost
