// Reading the team's per-thread counters (kernels/simd/team_clock.h): the
// caller and every started worker are read, their CPU time only grows, and
// the workers' ids are those of live threads of this process. No timings are
// asserted (a loaded machine may give any amount of CPU time).
#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <string>

#include "kernels/simd/team_clock.h"
#include "kernels/simd/worker_team.h"

namespace frost::kernels::simd {

TEST_CASE("team clock: reads the caller and the started workers, whose CPU time only grows") {
  // A team of its own, so that no worker has started yet; never destroyed
  // (its workers sleep on it until the process ends).
  WorkerTeam& team = *new WorkerTeam;
  // Before any region: no worker yet, the caller alone.
  const TeamClockSample alone = read_team_clock(team, 3);
  REQUIRE(alone.valid());
  CHECK(alone.threads == 1);
  CHECK(team.worker_ids(0).tid == 0);

  std::atomic<int> ran{0};
  auto task = [](void* c, int, int) {
    volatile double x = 0;
    for (int i = 0; i < 200000; ++i) x = x + 1.0;
    static_cast<std::atomic<int>*>(c)->fetch_add(1);
  };
  REQUIRE(team.run(3, task, &ran));
  CHECK(ran.load() == 3);
  for (int i = 0; i < 2; ++i) {
    const WorkerTeam::WorkerIds ids = team.worker_ids(i);
    REQUIRE(ids.tid > 0);
    CHECK(access(("/proc/self/task/" + std::to_string(ids.tid)).c_str(), F_OK) == 0);
  }
  CHECK(team.worker_ids(2).tid == 0);
  CHECK(team.worker_ids(-1).tid == 0);
  CHECK(team.worker_ids(WorkerTeam::kMaxWorkers).tid == 0);

  const TeamClockSample a = read_team_clock(team, 3);
  REQUIRE(a.valid());
  CHECK(a.threads == 3);
  CHECK(read_team_clock(team, 2).threads == 2);  // only as many as asked for
  REQUIRE(team.run(3, task, &ran));
  const TeamClockSample b = read_team_clock(team, 3);
  REQUIRE(b.valid());
  CHECK(b.cpu_ns >= a.cpu_ns);
  CHECK(b.cpu_ns > 0);
  CHECK(b.waited_ns >= a.waited_ns);
  CHECK(a.waited_ns >= 0);
}

}  // namespace frost::kernels::simd
