// The kernels' worker team (kernels/simd/worker_team.h): every thread id runs
// once per region, barriers order the phases of a region, a region started
// inside a region or while another thread holds the team runs nothing, and
// the workers wake up after sleeping, also into a hold; new workers take
// their creator's CPU mask. No timings are
// asserted.
#include <doctest/doctest.h>
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <thread>
#include <vector>

#include "kernels/simd/team_misses.h"
#include "kernels/simd/worker_team.h"

namespace frost::kernels::simd {
namespace {

// Calls f(tid, nth) through the team's plain function-pointer interface.
template <class F>
bool run_on(WorkerTeam& team, int nth, F& f) {
  return team.run(nth, [](void* c, int tid, int n) { (*static_cast<F*>(c))(tid, n); }, &f);
}

}  // namespace

TEST_CASE("worker team: each thread id runs once per region, many regions in a row") {
  WorkerTeam& team = worker_team();
  for (int nth : {2, 3, 2, 4}) {
    for (int region = 0; region < 200; ++region) {
      std::vector<std::atomic<int>> seen(static_cast<size_t>(nth));
      std::atomic<int> wrong_nth{0};
      auto f = [&](int tid, int n) {
        if (n != nth) wrong_nth++;
        seen[static_cast<size_t>(tid)]++;
      };
      REQUIRE(run_on(team, nth, f));
      CHECK(wrong_nth.load() == 0);
      for (int t = 0; t < nth; ++t) CHECK(seen[static_cast<size_t>(t)].load() == 1);
    }
  }
}

// The CPU mask of the calling thread.
cpu_set_t own_cpus() {
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  pthread_getaffinity_np(pthread_self(), sizeof(cpus), &cpus);
  return cpus;
}

TEST_CASE("worker team: new workers end up with their creator's CPU mask, also when it has one CPU") {
  // Workers start away from the creator's CPU, then take back its mask.
  // New teams (leaked: their workers wait on them for good) so that the
  // workers are started here; the second from a thread pinned to one CPU,
  // where there is no other CPU to start on.
  auto worker_cpus_match = [] {
    auto* team = new WorkerTeam;
    const cpu_set_t creator = own_cpus();
    std::atomic<bool> same{false};
    auto f = [&](int tid, int) {
      if (tid != 1) return;
      const cpu_set_t mine = own_cpus();
      same = CPU_EQUAL(&mine, &creator) != 0;
    };
    for (int region = 0; region < 3; ++region) {
      CHECK(run_on(*team, 2, f));  // CHECK: this also runs on a std::thread
      CHECK(same.load());
    }
  };
  worker_cpus_match();
  std::thread pinned([&] {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(sched_getcpu(), &one);
    CHECK(pthread_setaffinity_np(pthread_self(), sizeof(one), &one) == 0);
    worker_cpus_match();
  });
  pinned.join();
}

TEST_CASE("worker team: one thread runs nothing, and the caller runs tid 0") {
  WorkerTeam& team = worker_team();
  int calls = 0;
  auto one = [&](int, int) { ++calls; };
  CHECK_FALSE(run_on(team, 1, one));
  CHECK(calls == 0);
  const std::thread::id me = std::this_thread::get_id();
  std::thread::id tid0;
  auto f = [&](int tid, int) {
    if (tid == 0) tid0 = std::this_thread::get_id();
  };
  REQUIRE(run_on(team, 2, f));
  CHECK(tid0 == me);
}

TEST_CASE("worker team: a barrier separates the phases of a region") {
  WorkerTeam& team = worker_team();
  constexpr int kPhases = 50;
  for (int nth : {2, 3}) {
    std::vector<int> slot(static_cast<size_t>(nth), -1);
    std::atomic<int> mismatches{0};
    auto f = [&](int tid, int n) {
      for (int phase = 0; phase < kPhases; ++phase) {
        slot[static_cast<size_t>(tid)] = phase;  // plain writes: the barrier must order them
        team_barrier();
        for (int t = 0; t < n; ++t)
          if (slot[static_cast<size_t>(t)] != phase) mismatches++;
        team_barrier();
      }
    };
    REQUIRE(run_on(team, nth, f));
    CHECK(mismatches.load() == 0);
  }
}

TEST_CASE("worker team: team_misses counts the regions, and none whose workers met the caller at a barrier") {
  WorkerTeam& team = worker_team();
  auto f = [](int, int) { team_barrier(); };  // the caller cannot finish before every worker has joined
  const TeamMisses before = team_misses();
  constexpr int kRegions = 20;
  team.hold();  // the workers spin between the regions (or, preempted, count their wake-ups)
  for (int i = 0; i < kRegions; ++i) REQUIRE(run_on(team, 2, f));
  team.release();
  const TeamMisses after = team_misses();
  CHECK(after.missing == before.missing);
  // Every region counts but the first if it woke a worker asleep after the
  // previous test (a pause).
  CHECK(after.regions > before.regions);
  CHECK(after.regions <= before.regions + kRegions);
}

TEST_CASE("worker team: no nested regions, no sharing with another thread's region") {
  WorkerTeam& team = worker_team();
  std::atomic<int> nested_ran{0}, inside{0};
  auto inner = [&](int, int) { nested_ran++; };
  auto outer = [&](int, int) {
    if (in_worker_region()) inside++;
    if (run_on(team, 2, inner)) nested_ran += 100;
  };
  REQUIRE(run_on(team, 2, outer));
  CHECK(nested_ran.load() == 0);
  CHECK(inside.load() == 2);
  CHECK_FALSE(in_worker_region());

  // While one thread's region runs, another thread's call returns false.
  std::atomic<bool> holding{false}, release{false};
  auto hold = [&](int tid, int) {
    if (tid != 0) return;
    holding = true;
    while (!release) std::this_thread::yield();
  };
  std::thread owner([&] { run_on(team, 2, hold); });
  while (!holding) std::this_thread::yield();
  int ran = 0;
  auto other = [&](int, int) { ++ran; };
  CHECK_FALSE(run_on(team, 2, other));
  CHECK(ran == 0);
  release = true;
  owner.join();
  CHECK(run_on(team, 2, other));
  CHECK(ran == 2);
}

TEST_CASE("worker team: workers that went to sleep wake up for the next region") {
  WorkerTeam& team = worker_team();
  const double spin = team.spin_seconds();
  team.set_spin_seconds(0.0);  // sleep at once: every region wakes the workers through the futex
  for (int region = 0; region < 100; ++region) {
    std::atomic<int> count{0};
    auto f = [&](int, int) {
      count++;
      team_barrier();
    };
    REQUIRE(run_on(team, 3, f));
    CHECK(count.load() == 3);
    if (region % 10 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  team.set_spin_seconds(spin);
}

TEST_CASE("worker team: a hold keeps regions right, wakes sleeping workers, and regions() counts the regions") {
  WorkerTeam& team = worker_team();
  const double spin = team.spin_seconds();
  for (const double s : {0.0, 2e-4}) {  // workers that sleep at once, and spinning ones
    team.set_spin_seconds(s);
    {
      std::atomic<int> warm{0};
      auto start = [&](int, int) { warm++; };
      REQUIRE(run_on(team, 3, start));  // the workers exist
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // and sleep
    const uint32_t before = team.regions();
    {
      const TeamHold hold(true);
      const TeamHold nested(true);
      for (int region = 0; region < 20; ++region) {
        std::vector<std::atomic<int>> seen(3);
        auto f = [&](int tid, int) {
          seen[static_cast<size_t>(tid)]++;
          team_barrier();
        };
        REQUIRE(run_on(team, 3, f));
        for (auto& n : seen) CHECK(n.load() == 1);
        if (region % 5 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
    CHECK(team.regions() - before == 20u);
    const TeamHold inactive(false);  // holds nothing, runs nothing
    CHECK(team.regions() - before == 20u);
  }
  team.set_spin_seconds(spin);
}

TEST_CASE("worker team: a region outside a model's run never reports its wake-up as one after a pause") {
  // Unheld calls (a loop program's) pay a wake-up each time: the overhead
  // estimate must learn it (thread_policy.h), so the report must not exempt
  // it, also when every region finds the workers asleep.
  WorkerTeam& team = worker_team();
  const double spin = team.spin_seconds();
  team.set_spin_seconds(0.0);  // sleep at once
  for (int region = 0; region < 20; ++region) {
    std::atomic<int> count{0};
    auto f = [&](int, int) { count++; };
    WorkerTeam::RegionReport report;
    report.woke_after_pause = true;  // run() must overwrite it
    REQUIRE(team.run(2, [](void* c, int tid, int n) { (*static_cast<decltype(f)*>(c))(tid, n); }, &f,
                     WorkerTeam::Join::kEveryThread, &report));
    CHECK(count.load() == 2);
    CHECK_FALSE(report.woke_after_pause);
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  team.set_spin_seconds(spin);
}

TEST_CASE("worker team: the spin budget shrinks when spinners are preempted and recovers") {
  SpinBudget b;
  constexpr int64_t kLimit = 200'000;
  int64_t now = 1'000'000'000;
  CHECK(b.allowed(kLimit, now) == kLimit);  // nothing seen yet: the whole setting
  b.preempted(kLimit, now);
  CHECK(b.allowed(kLimit, now) == kLimit / 2);
  b.preempted(kLimit, now);
  b.preempted(kLimit, now);
  CHECK(b.allowed(kLimit, now) == kLimit / 8);
  for (int i = 0; i < 20; ++i) b.preempted(kLimit, now);
  CHECK(b.allowed(kLimit, now) == 0);  // a busy machine: sleep at once
  b.succeeded(kLimit);
  CHECK(b.allowed(kLimit, now) == SpinBudget::kMinNs);
  b.succeeded(kLimit);
  CHECK(b.allowed(kLimit, now) == 2 * SpinBudget::kMinNs);
  for (int i = 0; i < 20; ++i) b.succeeded(kLimit);
  CHECK(b.allowed(kLimit, now) == kLimit);
  b.preempted(kLimit, now);
  CHECK(b.allowed(kLimit, now + SpinBudget::kRecoverNs - 1) == kLimit / 2);
  CHECK(b.allowed(kLimit, now + SpinBudget::kRecoverNs) == kLimit);  // quiet again for a while
  CHECK(b.allowed(kLimit / 4, now) == kLimit / 4);                   // never above the setting
}

}  // namespace frost::kernels::simd
