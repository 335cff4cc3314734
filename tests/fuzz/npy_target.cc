// A NumPy .npy file as `--input NAME=X.npy` reads it; what decodes is written
// back and must read back to the same dtype and shape.
#include "fuzz_target.h"
#include "io/npy.h"

namespace frost::fuzz {

void npy(const std::string& bytes) {
  const Tensor t = npy_from_bytes(bytes, "fuzz.npy");
  if (t.dtype() == DType::String) return;  // .npy cannot hold strings
  const Tensor back = npy_from_bytes(npy_to_bytes(t), "fuzz-roundtrip.npy");
  if (back.dtype() != t.dtype() || back.shape() != t.shape()) __builtin_trap();
}

}  // namespace frost::fuzz
