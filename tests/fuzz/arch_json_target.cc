// The FPGA backend's DPU architecture file (`--arch FILE`): the JSON reader
// (src/io/json_reader.*) and the arch rules read from its tree.
#include "fuzz_target.h"
#include "runtime/fpga/dpu_arch.h"
#include "scratch_file.h"

namespace frost::fuzz {

void arch_json(const std::string& bytes) { fpga::load_dpu_arch(write_scratch("arch.json", bytes)); }

}  // namespace frost::fuzz
