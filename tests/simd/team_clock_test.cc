// Reading the team's per-thread counters (kernels/simd/team_clock.h): the
// caller and as many started workers as asked for are read, and their
// counters only grow. No timings are asserted (a loaded machine may give
// any amount of CPU time).
#include <doctest/doctest.h>

#include <atomic>

#include "kernels/simd/team_clock.h"
#include "kernels/simd/worker_team.h"

namespace frost::kernels::simd {

TEST_CASE("team clock: reads the caller and the started workers, whose counters only grow") {
  // A team of its own with 3 threads, so that at least two workers exist;
  // never destroyed (its workers sleep on it until the process ends).
  WorkerTeam& team = *new WorkerTeam;
  std::atomic<int> ran{0};
  auto task = [](void* c, int, int) {
    volatile double x = 0;
    for (int i = 0; i < 200000; ++i) x = x + 1.0;
    static_cast<std::atomic<int>*>(c)->fetch_add(1);
  };
  REQUIRE(team.run(3, task, &ran));
  CHECK(ran.load() == 3);

  const TeamClockSample a = read_team_clock(3);
  REQUIRE(a.valid());
  CHECK(a.threads == 3);
  CHECK(read_team_clock(2).threads == 2);  // only as many as asked for
  CHECK(read_team_clock(1).threads == 1);
  REQUIRE(team.run(3, task, &ran));
  const TeamClockSample b = read_team_clock(3);
  REQUIRE(b.valid());
  CHECK(b.threads == 3);
  CHECK(b.cpu_ns >= a.cpu_ns);
  CHECK(b.cpu_ns > 0);
  CHECK(a.waited_ns >= 0);
  if (a.waits_known && b.waits_known) CHECK(b.waited_ns >= a.waited_ns);
}

}  // namespace frost::kernels::simd
