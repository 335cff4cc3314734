// The per-run choice between the worker team and one thread
// (kernels/simd/team_share_policy.h): which windows count as contended, the
// back-off and its probe. Pure state; the times are made up, none measured.
#include <doctest/doctest.h>

#include <algorithm>

#include "kernels/simd/team_share_policy.h"

namespace frost::kernels::simd {
namespace {

ShareWindow window(double wall, double waited, int64_t runs = 1, int threads = 2) {
  ShareWindow w;
  w.wall_seconds = wall;
  w.waited_seconds = waited;
  w.runs = runs;
  w.threads = threads;
  return w;
}

// Runs the back-off to its end from `now` with 1-thread runs of `run`
// seconds; returns the time after the last solo run and counts them.
double run_backoff(ShareState& s, double now, double run, int64_t* solo_runs) {
  *solo_runs = 0;
  while (runs_solo(s, now)) {
    s = after_solo_run(s, run, now + run);
    now += run;
    ++*solo_runs;
  }
  return now;
}

// `count` team runs of `run` seconds from `now`; returns the time after them.
double run_team(ShareState& s, double now, double run, int64_t count) {
  for (int64_t i = 0; i < count; ++i) s = after_team_run(s, run, now += run);
  return now;
}

// The comparison's 1-thread runs (s.comparing) of `run` seconds from `now`.
double run_comparison(ShareState& s, double now, double run) {
  REQUIRE(s.comparing);
  for (int64_t i = 0; i < kCompareSoloRuns; ++i) {
    REQUIRE(runs_solo(s, now));
    s = after_solo_run(s, run, now += run);
  }
  CHECK_FALSE(s.comparing);
  return now;
}

}  // namespace

TEST_CASE("team share: a window is contended when a thread lacked a core for a fifth of it") {
  CHECK_FALSE(window_contended(window(1e-3, 0.0)));
  CHECK_FALSE(window_contended(window(1e-3, 0.19e-3)));
  CHECK(window_contended(window(1e-3, 0.21e-3)));
  CHECK(window_contended(window(1e-3, 0.8e-3)));
  // Four threads: the share is per thread beyond the first.
  CHECK_FALSE(window_contended(window(1e-3, 0.5e-3, 1, 4)));
  CHECK(window_contended(window(1e-3, 0.7e-3, 1, 4)));
  // One thread, or nothing measured, is never contended.
  CHECK_FALSE(window_contended(window(1e-3, 0.9e-3, 1, 1)));
  CHECK_FALSE(window_contended(window(0.0, 1e-3)));
}

TEST_CASE("team share: a window is judged early only on a wait of a whole time slice") {
  // A preempted thread's wait lands in one lump when it runs again: a few
  // milliseconds with another program on its core.
  CHECK(window_contended_early(window(2e-3, 4e-3, 6)));
  CHECK(window_contended_early(window(4e-3, kConclusiveWaitSeconds * 1.01, 12)));
  // Contended by share but short of a time slice: an idle virtual CPU
  // waking, or too little seen yet.
  CHECK(window_contended(window(1e-3, 0.5e-3, 3)));
  CHECK_FALSE(window_contended_early(window(1e-3, 0.5e-3, 3)));
  // A slice's wait within a long stretch of runs is not contended by share.
  CHECK_FALSE(window_contended_early(window(9e-3, 1.5e-3, 30)));
  CHECK_FALSE(window_contended_early(window(3e-3, 4e-3, 6, 1)));
}

TEST_CASE("team share: a worker missing most regions of a time slice's runs judges a window early") {
  ShareWindow w = window(4.5e-3, 0.0, 30);  // the team's own counters show nothing yet
  w.regions = 30;
  w.regions_missing = 20;
  CHECK(window_contended_early(w));
  // Missed for less than a time slice: a sleeping worker coming back
  // (0.5-1.2 ms), not yet a judgment.
  ShareWindow waking = w;
  waking.wall_seconds = 1.2e-3;
  CHECK_FALSE(window_contended_early(waking));
  CHECK(window_contended(waking));  // a whole window still counts them
  CHECK(window_contended(w));  // also as a whole window: the back-off starts
  ShareState s;
  s = after_window(s, w, 1.0);
  CHECK(runs_solo(s, 1.0));
  w.regions_missing = 15;  // half: not most
  CHECK_FALSE(window_contended_early(w));
  w.regions = kMinMissRegions - 1;  // too few regions to tell
  w.regions_missing = kMinMissRegions - 1;
  CHECK_FALSE(window_contended_early(w));
  CHECK(workers_missing(kMinMissRegions, kMinMissRegions));
  CHECK_FALSE(workers_missing(kMinMissRegions - 1, kMinMissRegions - 1));
  ShareWindow one = window(2e-3, 0.0, 8, 1);  // one thread is never contended
  one.regions = 40;
  one.regions_missing = 40;
  CHECK_FALSE(window_contended_early(one));
}

namespace {
OpenWindow open_window(double wall, double checked, int64_t runs, int sampled = 2) {
  OpenWindow w;
  w.wall_seconds = wall;
  w.checked_seconds = checked;
  w.runs = runs;
  w.sampled_threads = sampled;
  return w;
}
}  // namespace

TEST_CASE("team share: the open window is read at its checkpoints and its end only") {
  // Short runs: nothing until a checkpoint's worth of them.
  CHECK(window_read(open_window(0.3e-3, 0, 1)) == WindowRead::kNone);
  CHECK(window_read(open_window(0.9e-3, 0, 3)) == WindowRead::kNone);
  CHECK(window_read(open_window(1.2e-3, 0, 4)) == WindowRead::kCheckpoint);
  CHECK(window_read(open_window(1.5e-3, 1.2e-3, 5)) == WindowRead::kNone);
  CHECK(window_read(open_window(2.2e-3, 1.2e-3, 7)) == WindowRead::kCheckpoint);
  CHECK(window_read(open_window(kShareWindowSeconds, 9.5e-3, 33)) == WindowRead::kFull);
  // Workers missing from most regions of a time slice's runs: read at
  // once, checkpoint or not.
  OpenWindow missing = open_window(4.1e-3, 4.0e-3, 80);
  missing.regions = 40;
  missing.regions_missing = 36;
  CHECK(window_read(missing) == WindowRead::kCheckpoint);
  missing.regions_missing = 2;
  CHECK(window_read(missing) == WindowRead::kNone);
  missing.regions_missing = 36;
  missing.wall_seconds = 1.2e-3;
  missing.checked_seconds = 0.9e-3;
  CHECK(window_read(missing) == WindowRead::kNone);
  // Counted in runs, a 10 µs model's window reads about once per 100 runs.
  int64_t reads = 0;
  double checked = 0;
  for (int64_t run = 1; run <= 1000; ++run) {
    const WindowRead r = window_read(open_window(1e-5 * static_cast<double>(run), checked, run));
    if (r == WindowRead::kNone) continue;
    ++reads;
    checked = 1e-5 * static_cast<double>(run);
  }
  CHECK(reads >= 9);
  CHECK(reads <= 11);
  // Without the wait known, only whole windows.
  OpenWindow cpu_only = open_window(5e-3, 0, 20);
  cpu_only.waits_known = false;
  CHECK(window_read(cpu_only) == WindowRead::kNone);
  cpu_only.wall_seconds = kShareWindowSeconds;
  CHECK(window_read(cpu_only) == WindowRead::kFull);
}

TEST_CASE("team share: a window opened before the workers started restarts once, after its first run") {
  CHECK(window_read(open_window(0.2e-3, 0, 1, 1)) == WindowRead::kRestart);
  CHECK(window_read(open_window(20e-3, 0, 1, 1)) == WindowRead::kRestart);
  OpenWindow again = open_window(0.2e-3, 0, 1, 1);
  again.restarted = true;  // the workers still missing (fewer started than asked for): no read every run
  CHECK(window_read(again) == WindowRead::kNone);
  CHECK(window_read(open_window(0.4e-3, 0, 2, 1)) == WindowRead::kNone);
  CHECK(window_read(open_window(0.2e-3, 0, 1, 2)) == WindowRead::kNone);
}

TEST_CASE("team share: a window opened before any worker joined a region is judged only once one has, or whole") {
  OpenWindow w = open_window(5.4e-3, 0, 1);
  w.joined_at_open = false;
  w.joined_now = false;
  w.regions = 20;
  w.regions_missing = 20;  // the new worker still waits for its first time slice
  CHECK(window_read(w) == WindowRead::kNone);
  w.runs = 30;
  w.wall_seconds = kShareWindowSeconds;  // none joined in a whole window: judged
  CHECK(window_read(w) == WindowRead::kFull);
  w.wall_seconds = 5.4e-3;
  w.joined_now = true;  // the worker has run: measure from here
  CHECK(window_read(w) == WindowRead::kRestart);
  w.restarted = true;
  CHECK(window_read(w) == WindowRead::kRestart);
}

TEST_CASE("team share: quiet windows never leave the team") {
  ShareState s;
  double now = 0;
  for (int i = 0; i < 1000; ++i) {
    s = after_window(s, window(2e-3, 0.1e-3), now += 2e-3);
    CHECK_FALSE(runs_solo(s, now));
  }
  CHECK(s.level == 0);
}

TEST_CASE("team share: a contended window backs off for runs and time, then probes once") {
  ShareState s;
  s = after_window(s, window(8e-3, 5e-3), 1.0);
  CHECK(runs_solo(s, 1.0));
  // Long runs: the run count rules (kSoloRuns outlasts kSoloSeconds).
  int64_t solo = 0;
  double now = run_backoff(s, 1.0, 0.02, &solo);
  CHECK(solo == kSoloRuns);
  CHECK_FALSE(runs_solo(s, now));
  CHECK(s.probing);
  // Short runs: the time rules.
  ShareState t;
  t = after_window(t, window(1e-3, 0.6e-3, 10), 1.0);
  now = run_backoff(t, 1.0, 1e-4, &solo);
  CHECK(solo >= static_cast<int64_t>(kSoloSeconds / 1e-4) - 1);  // (the sum of 1e-4 steps rounds)
  CHECK(solo <= static_cast<int64_t>(kSoloSeconds / 1e-4) + 1);
  CHECK(now >= 1.0 + kSoloSeconds);
}

TEST_CASE("team share: a probe still contended and slower doubles the back-off, up to the cap") {
  ShareState s;
  double now = 1.0;
  s = after_window(s, window(24e-3, 14e-3), now);  // 2 threads slower than one (20 ms a run below)
  int64_t solo = 0;
  for (int level = 1; level <= kMaxShareLevel + 2; ++level) {
    now = run_backoff(s, now, 0.02, &solo);
    // 2 threads took 24 ms a run against 20 ms on one.
    s = after_window(s, window(24e-3, 14e-3), now += 0.024);
    CHECK(s.level == (level < kMaxShareLevel ? level : kMaxShareLevel));
    CHECK(runs_solo(s, now));
  }
  now = run_backoff(s, now, 0.02, &solo);
  CHECK(solo == kSoloRuns << kMaxShareLevel);
}

TEST_CASE("team share: a quiet probe resumes the team and forgets the back-off") {
  ShareState s;
  double now = 1.0;
  s = after_window(s, window(24e-3, 14e-3), now);  // 2 threads slower than one (20 ms a run below)
  int64_t solo = 0;
  now = run_backoff(s, now, 0.02, &solo);
  s = after_window(s, window(24e-3, 14e-3), now);  // still busy: level 1
  now = run_backoff(s, now, 0.02, &solo);
  CHECK(solo == 2 * kSoloRuns);
  s = after_window(s, window(6e-3, 0.1e-3), now += 0.006);  // the other program has gone
  CHECK_FALSE(runs_solo(s, now));
  CHECK(s.level == 0);
  CHECK_FALSE(s.probing);
  // The next contended window backs off from the first step again (once
  // the 1-thread time is no longer trusted: team_pays).
  now += kSoloReferenceSeconds;
  s = after_window(s, window(8e-3, 5e-3), now += 0.008);
  now = run_backoff(s, now, 0.02, &solo);
  CHECK(solo == kSoloRuns);
}

TEST_CASE("team share: when 2 threads are faster despite contention, they stay and more is tolerated") {
  // Every core busy: each thread waits, yet two shares beat one.
  ShareState s;
  double now = 1.0;
  s = after_window(s, window(8e-3, 5e-3), now);
  int64_t solo = 0;
  now = run_backoff(s, now, 0.016, &solo);  // 16 ms a run on one thread
  s = after_window(s, window(10e-3, 6e-3), now += 0.01);
  CHECK_FALSE(runs_solo(s, now));
  CHECK(s.tolerance == 2);
  // Contended windows whose runs still beat one thread's stay on the team.
  for (int i = 0; i < 50; ++i) {
    s = after_window(s, window(10e-3, 6e-3), now += 0.01);
    CHECK(team_pays(s, now));
    CHECK_FALSE(runs_solo(s, now));
  }
  // Slower ones move the team's recent time until it no longer beats one
  // thread's; then the tolerance counts: one window more, the next backs off.
  int slower = 0;
  while (!runs_solo(s, now) && slower < 20) {
    s = after_window(s, window(20e-3, 12e-3), now += 0.02);
    ++slower;
  }
  CHECK(slower >= 3);
  CHECK(slower <= 6);
  CHECK(runs_solo(s, now));
  // A clean window between contended ones starts the count again.
  ShareState t;
  t.tolerance = 2;
  t = after_window(t, window(10e-3, 6e-3), 1.0);
  t = after_window(t, window(10e-3, 0.0), 1.01);
  t = after_window(t, window(10e-3, 6e-3), 1.02);
  CHECK_FALSE(runs_solo(t, 1.02));
  // A probe that finds 2 threads slower again tolerates one window as at first.
  now = run_backoff(s, now, 0.016, &solo);
  s = after_window(s, window(20e-3, 12e-3), now += 0.02);
  CHECK(s.tolerance == 1);
  CHECK(runs_solo(s, now));
  // The tolerance is capped.
  ShareState u;
  u.tolerance = kMaxShareTolerance;
  u.probing = true;
  u.solo_seconds = 1.0;
  u.solo_runs = 10;
  u = after_window(u, window(10e-3, 6e-3), 1.0);
  CHECK(u.tolerance == kMaxShareTolerance);
}

TEST_CASE("team share: a lump of waiting in one window does not leave a team that pays") {
  // A worker preempted for a 4 ms tick now and then by a program of lower
  // priority: the windows holding the lump are contended and slower than
  // one thread, the team's runs around them much faster.
  ShareState s;
  double now = 1.0;
  s = after_window(s, window(8e-3, 5e-3, 10), now);
  int64_t solo = 0;
  now = run_backoff(s, now, 0.8e-3, &solo);             // 0.8 ms a run on one thread
  s = after_window(s, window(10e-3, 0.0, 22), now += 0.01);  // the probe: quiet, 0.45 ms a run
  CHECK_FALSE(runs_solo(s, now));
  for (int lump = 0; lump < 20; ++lump) {
    for (int quiet = 0; quiet < 3; ++quiet) s = after_window(s, window(10e-3, 0.0, 22), now += 0.01);
    s = after_window(s, window(14e-3, 4e-3, 21), now += 0.014);  // 0.67 ms a run: contended
    CHECK_FALSE(runs_solo(s, now));
  }
  // Every kSoloReferenceSeconds the 1-thread time is measured again.
  now += kSoloReferenceSeconds;
  CHECK_FALSE(team_pays(s, now));
  s = after_window(s, window(14e-3, 4e-3, 21), now += 0.014);
  CHECK(runs_solo(s, now));
  // A lump in the probe: the team's recent runs still pay.
  now = run_backoff(s, now, 0.8e-3, &solo);
  s = after_window(s, window(14e-3, 4e-3, 21), now += 0.014);
  CHECK_FALSE(runs_solo(s, now));
  CHECK(s.level == 0);
  // Without 1-thread runs to compare with, the team never pays.
  ShareState fresh;
  fresh.team_seconds = 1e-3;
  fresh.team_runs = 10;
  CHECK_FALSE(team_pays(fresh, 0.0));
}

TEST_CASE("team share: a core busy for good after quiet runs climbs the back-offs within a few windows") {
  ShareState s;
  double now = 1.0;
  s = after_window(s, window(8e-3, 5e-3, 10), now);
  int64_t solo = 0;
  now = run_backoff(s, now, 0.8e-3, &solo);
  for (int quiet = 0; quiet < 20; ++quiet) s = after_window(s, window(10e-3, 0.0, 22), now += 0.01);
  // Now another program holds one core: 2 threads take 1 ms a run, one 0.8.
  int windows = 0;
  while (s.level < 2 && windows < 100) {
    if (runs_solo(s, now)) {
      now = run_backoff(s, now, 0.8e-3, &solo);
    }
    s = after_window(s, window(10e-3, 5e-3, 10), now += 0.01);
    ++windows;
  }
  CHECK(s.level == 2);
  CHECK(windows <= 12);
}

TEST_CASE("team share: the first back-off ends after its runs when the team's runs beat them") {
  // A lump of waiting (4 ms) after a quiet window: the team's recent runs,
  // the lump included, still beat one thread's 0.8 ms.
  ShareState s;
  double now = 1.0;
  s = after_window(s, window(10e-3, 0.0, 20), now += 0.01);
  s = after_window(s, window(7.5e-3, 4.1e-3, 7), now += 0.0075);
  REQUIRE(runs_solo(s, now));
  int64_t solo = 0;
  double end = run_backoff(s, now, 0.8e-3, &solo);
  CHECK(solo == kSoloRuns);
  CHECK(end < now + kSoloSeconds);
  CHECK(s.probing);
  // The next back-off lasts its time too, whatever the team's runs did.
  now = end;
  s = after_window(s, window(10e-3, 0.0, 20), now += 0.01);  // a quiet probe
  now += kSoloReferenceSeconds;
  s = after_window(s, window(7.5e-3, 4.1e-3, 7), now += 0.0075);
  REQUIRE(runs_solo(s, now));
  CHECK(run_backoff(s, now, 0.8e-3, &solo) >= now + kSoloSeconds);
  // A first window slower than one thread (a core busy from the start):
  // the first back-off lasts its time as the others.
  ShareState busy;
  busy = after_window(busy, window(8e-3, 4e-3, 7), 1.0);
  CHECK(run_backoff(busy, 1.0, 0.8e-3, &solo) >= 1.0 + kSoloSeconds);
}

TEST_CASE("team share: the first back-off ends after its runs when the team's typical run beats them") {
  // A fresh process's first window: one run with a 4.3 ms lump of waiting,
  // after runs of 0.028 ms; one thread takes 0.038.
  ShareState s;
  s.compare_at = 100.0;  // no comparison meanwhile
  double now = run_team(s, 1.0, 0.028e-3, 3);
  s = after_team_run(s, 4.4e-3, now += 4.4e-3);
  s = after_window(s, window(4.4e-3, 4.3e-3, 1), now);
  REQUIRE(runs_solo(s, now));
  int64_t solo = 0;
  const double end = run_backoff(s, now, 0.038e-3, &solo);
  CHECK(solo == kSoloRuns);
  CHECK(end < now + kSoloSeconds);
  // A core busy for good: most team runs slower than one thread's.
  ShareState busy;
  busy.compare_at = 100.0;
  now = 1.0;
  for (double run : {0.050e-3, 0.045e-3, 0.060e-3, 3.0e-3}) busy = after_team_run(busy, run, now += run);
  busy = after_window(busy, window(3.2e-3, 3.0e-3, 4), now);
  REQUIRE(runs_solo(busy, now));
  CHECK(run_backoff(busy, now, 0.038e-3, &solo) >= now + kSoloSeconds);
}

TEST_CASE("team share: after a comparison the team won clearly, one contended window alone does not back off") {
  ShareState s;
  double now = run_team(s, 1.0, 0.40e-3, kCompareTeamRuns);
  now = run_comparison(s, now, 0.63e-3);
  REQUIRE_FALSE(runs_solo(s, now));
  s = after_window(s, window(3.9e-3, 3.5e-3, 5), now += 3.9e-3);  // a lump
  CHECK_FALSE(runs_solo(s, now));
  s = after_window(s, window(4e-3, 3.0e-3, 5), now += 4e-3);  // two in a row: the core is taken
  CHECK(runs_solo(s, now));
  // A comparison won narrowly changes nothing: one contended window backs off.
  ShareState narrow;
  now = run_team(narrow, 1.0, 0.60e-3, kCompareTeamRuns);
  now = run_comparison(narrow, now, 0.63e-3);
  REQUIRE_FALSE(runs_solo(narrow, now));
  narrow = after_window(narrow, window(3.9e-3, 3.5e-3, 5), now += 3.9e-3);
  CHECK(runs_solo(narrow, now));
}

TEST_CASE("team share: a probe without 1-thread runs to compare with needs the cores back") {
  ShareState s;
  s.probing = true;  // a back-off whose time ran out before any run was on one thread
  s = after_window(s, window(10e-3, 6e-3), 1.0);
  CHECK(runs_solo(s, 1.0));
  CHECK(s.level == 1);
}

TEST_CASE("team share: a typical run is the median of the last few") {
  RecentRuns r;
  CHECK(r.typical() == 0.0);
  r.add(3.0);
  CHECK(r.typical() == 3.0);
  r.add(1.0);
  r.add(100.0);  // a lump
  CHECK(r.typical() == 3.0);
  r.add(2.0);
  CHECK(r.typical() == doctest::Approx(2.5));
  for (int i = 0; i < kRecentRuns; ++i) r.add(5.0);  // the oldest go first
  CHECK(r.typical() == 5.0);
  r.clear();
  CHECK(r.typical() == 0.0);
}

TEST_CASE("team share: one thread is faster only by the margin, and only when both are known") {
  CHECK(solo_beats_team(0.99 - kSoloFasterMargin, 1.0));
  CHECK_FALSE(solo_beats_team(1.01 - kSoloFasterMargin, 1.0));
  CHECK_FALSE(solo_beats_team(1.2, 1.0));
  CHECK_FALSE(solo_beats_team(0.0, 1.0));
  CHECK_FALSE(solo_beats_team(0.5, 0.0));
}

TEST_CASE("team share: after a plan's first team runs, a comparison on one thread") {
  ShareState s;
  double now = run_team(s, 1.0, 0.03e-3, kCompareTeamRuns - 1);
  CHECK_FALSE(runs_solo(s, now));
  now = run_team(s, now, 0.03e-3, 1);
  CHECK(runs_solo(s, now));
  // The team is faster: back to it; the next comparison after
  // kFirstCompareSeconds, then twice as long each time, up to the cap.
  now = run_comparison(s, now, 0.04e-3);
  CHECK_FALSE(runs_solo(s, now));
  CHECK_FALSE(s.probing);
  CHECK(s.level == 0);
  double interval = kFirstCompareSeconds;
  for (int i = 0; i < 8; ++i) {
    const double compared = now;
    now = run_team(s, now, 0.03e-3, 2 * kCompareTeamRuns);
    CHECK_FALSE(s.comparing);
    now = compared + interval;
    now = run_team(s, now, 0.03e-3, 1);
    REQUIRE(s.comparing);
    now = run_comparison(s, now, 0.04e-3);
    interval = std::min(2 * interval, kMaxCompareSeconds);
  }
  CHECK(s.compare_at == doctest::Approx(now + kMaxCompareSeconds));
}

TEST_CASE("team share: no comparison for a plan whose team runs take milliseconds") {
  ShareState s;
  const double now = run_team(s, 1.0, 2.1e-3, 4 * kCompareTeamRuns);
  CHECK_FALSE(s.comparing);
  CHECK_FALSE(runs_solo(s, now));
}

TEST_CASE("team share: where one thread is faster, the plan backs off, and its slower probe climbs") {
  // The team's cores its own (no window contended), but 2 threads take
  // 0.047 ms a run and one 0.040.
  ShareState s;
  double now = run_team(s, 1.0, 0.047e-3, kCompareTeamRuns);
  now = run_comparison(s, now, 0.040e-3);
  REQUIRE(runs_solo(s, now));
  CHECK(s.probing);
  int64_t solo = 0;
  now = run_backoff(s, now, 0.040e-3, &solo);
  CHECK(solo >= kSoloRuns);
  CHECK(now >= 1.0 + kSoloSeconds);  // not the first back-off's early end
  // The probe: still slower after its first runs, without waiting for
  // the window.
  for (int level = 1; level <= kMaxShareLevel + 1; ++level) {
    now = run_team(s, now, 0.047e-3, kCompareTeamRuns);
    REQUIRE(runs_solo(s, now));
    CHECK(s.level == std::min(level, kMaxShareLevel));
    now = run_backoff(s, now, 0.040e-3, &solo);
  }
  // The team faster again: its probe resumes it, from the start.
  now = run_team(s, now, 0.030e-3, kCompareTeamRuns);
  CHECK_FALSE(runs_solo(s, now));
  s = after_window(s, window(10e-3, 0.0, 300), now);
  CHECK_FALSE(s.probing);
  CHECK(s.level == 0);
}

TEST_CASE("team share: the typical runs decide, not a lump or a process's first runs") {
  ShareState s;
  double now = 1.0;
  s = after_team_run(s, 0.25e-3, now += 0.25e-3);  // cold: the first runs of a process
  s = after_team_run(s, 4.1e-3, now += 4.1e-3);    // another program's time slice
  now = run_team(s, now, 0.03e-3, kCompareTeamRuns - 2);
  now = run_comparison(s, now, 0.04e-3);
  CHECK_FALSE(runs_solo(s, now));
  // And a lump in one of the 1-thread runs makes the team no slower.
  now = run_team(s, now + kFirstCompareSeconds, 0.047e-3, kCompareTeamRuns);
  REQUIRE(s.comparing);
  for (int64_t i = 0; i < kCompareSoloRuns - kRecentRuns; ++i) s = after_solo_run(s, 0.060e-3, now += 0.060e-3);  // cold
  s = after_solo_run(s, 0.040e-3, now += 0.040e-3);
  s = after_solo_run(s, 3e-3, now += 3e-3);
  s = after_solo_run(s, 0.041e-3, now += 0.041e-3);
  s = after_solo_run(s, 0.042e-3, now += 0.042e-3);
  CHECK_FALSE(s.comparing);
  CHECK(runs_solo(s, now));  // 0.0415 beats 0.047 by more than the margin
  CHECK(s.probing);
}

TEST_CASE("team share: a quiet probe window whose runs are slower than one thread's climbs the back-off") {
  ShareState s;
  s.probing = true;
  for (int i = 0; i < kRecentRuns; ++i) {
    s.solo_recent.add(0.040e-3);
    s.team_recent.add(0.047e-3);
  }
  s = after_window(s, window(10e-3, 0.0, 210), 1.0);
  CHECK(runs_solo(s, 1.0));
  CHECK(s.level == 1);
  CHECK(s.probing);
}

}  // namespace frost::kernels::simd
