// Regions whose workers were missing: an early sign, for the per-run choice
// of threads (team_share.h), that the team lacks a core.
//
// Why: a thread's run-queue wait (team_clock.h) is added to its counter only
// when it runs again, in one lump of a whole time slice (4 ms on the 2-core
// VM), so a worker queued behind another program shows nothing until then,
// and a 0.1-0.3 ms model's 30-run benchmark batch was half over before its
// plan saw it. The caller sees at once that a worker did not come: in a
// region where the caller finished its own part before every worker had
// joined. With the workers spinning through a held run (worker_team.h) a
// worker joins within a microsecond, and a region is split only when each
// part is worth several (thread_policy.h); one that cannot get a core
// misses most regions. (Counting it through the kernel's own PSI account,
// /proc/pressure/cpu, failed: its totals advance in whole jiffies of
// non-idle time per read, so reads a millisecond apart see nothing.)
#pragma once

#include <cstdint>

namespace frost::kernels::simd {

struct TeamMisses {
  uint64_t regions = 0;  // regions run on several threads, by any team of the process
  uint64_t missing = 0;  // of them, those a worker had not joined when the caller finished its part
};
TeamMisses team_misses();

}  // namespace frost::kernels::simd
