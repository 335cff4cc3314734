#include <omp.h>

#include "fuzz_target.h"
#include "graph/tensor_limit.h"

namespace frost::fuzz {

void prepare_process() {
  set_tensor_byte_limit(kFuzzTensorBytes);
  // One thread: runs are reproducible and parallel fuzzing jobs share the cores.
  omp_set_num_threads(1);
}

}  // namespace frost::fuzz
