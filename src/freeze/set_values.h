// `--set name=value`: the text a user types, turned into a tensor of the
// placeholder's dtype (bool: true/false/1/0; floats and ints in C syntax).
#pragma once

#include <string>

#include "graph/tensor.h"

namespace frost {

// A scalar of `dtype` parsed from `text`; throws an Error naming `what` (the
// placeholder) when the text is not a value of that dtype.
Tensor scalar_from_text(DType dtype, const std::string& text, const std::string& what);

}  // namespace frost
