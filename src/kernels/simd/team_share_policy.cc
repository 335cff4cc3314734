#include "kernels/simd/team_share_policy.h"

#include <algorithm>

namespace frost::kernels::simd {
namespace {

ShareState forget_team_runs(ShareState s) {
  s.team_recent.clear();
  s.team_runs_since = 0;
  return s;
}

ShareState start_backoff(ShareState s, double now) {
  s.strikes = 0;
  s.probing = true;
  s.solo_runs_left = kSoloRuns << s.level;
  s.solo_until = now + kSoloSeconds * static_cast<double>(int64_t{1} << s.level);
  s.solo_seconds = 0;
  s.solo_runs = 0;
  s.solo_trusted_until = 0;
  s.first_backoff = !s.backed_off;
  s.backed_off = true;
  s.solo_recent.clear();
  s.team_runs_since = 0;  // the team's last runs are kept for the first back-off's end
  s.comparing = false;
  return s;
}

ShareState with_team_window(ShareState s, const ShareWindow& w) {
  s.team_seconds = kTeamMemory * s.team_seconds + w.wall_seconds;
  s.team_runs = kTeamMemory * s.team_runs + static_cast<double>(w.runs);
  return s;
}

}  // namespace

namespace {

bool waited_long(const ShareWindow& w) {
  if (w.wall_seconds <= 0 || w.threads < 2) return false;
  return w.waited_seconds > kContendedShare * w.wall_seconds * static_cast<double>(w.threads - 1);
}

}  // namespace

bool workers_missing(int64_t regions, int64_t regions_missing) {
  return regions >= kMinMissRegions && static_cast<double>(regions_missing) > kMissingShare * static_cast<double>(regions);
}

bool window_contended(const ShareWindow& w) {
  return waited_long(w) || (w.threads >= 2 && workers_missing(w.regions, w.regions_missing));
}

// Workers missing from most regions of at least kMissingSpanSeconds of
// runs: one queued behind another program on its core misses a whole time
// slice, and one that never gets a core (a real-time program on it) all of
// them. Fewer runs than that missed are a sleeping worker coming back: 0.5
// to 1.2 ms on the 2-core VM, traced in fresh resnet_small and
// mobilenet_v2 processes (16-70 regions missed in 2-7 runs, none of that
// time spent waiting for a core), whose early verdict held 94-99 of 100
// runs to one thread in 4 of 8 processes (AVX-512, Zen 5). Kept here, not
// in the header, so that changing it rebuilds one file.
constexpr double kMissingSpanSeconds = 4e-3;

bool missing_for_a_slice(double wall_seconds, int threads, int64_t regions, int64_t regions_missing) {
  return threads >= 2 && wall_seconds >= kMissingSpanSeconds && workers_missing(regions, regions_missing);
}

bool window_contended_early(const ShareWindow& w) {
  if (waited_long(w) && w.waited_seconds >= kConclusiveWaitSeconds) return true;
  return missing_for_a_slice(w.wall_seconds, w.threads, w.regions, w.regions_missing);
}

WindowRead window_read(const OpenWindow& w) {
  if (!w.joined_at_open) {
    if (w.joined_now) return WindowRead::kRestart;
    return w.wall_seconds >= kShareWindowSeconds ? WindowRead::kFull : WindowRead::kNone;
  }
  if (w.runs == 1 && w.sampled_threads < w.threads && !w.restarted) return WindowRead::kRestart;
  if (w.wall_seconds >= kShareWindowSeconds) return WindowRead::kFull;
  // Without the wait (CPU time against wall time instead), a worker asleep
  // between runs looks like a lack of cores: only whole windows are judged.
  if (w.waits_known && w.wall_seconds - w.checked_seconds >= kCheckpointSeconds) return WindowRead::kCheckpoint;
  if (missing_for_a_slice(w.wall_seconds, w.threads, w.regions, w.regions_missing)) return WindowRead::kCheckpoint;
  return WindowRead::kNone;
}

bool runs_solo(const ShareState& s, double now) {
  return s.solo_runs_left > 0 || now < s.solo_until;
}

double RecentRuns::typical() const {
  const int n = static_cast<int>(std::min<int64_t>(count, kRecentRuns));
  if (n == 0) return 0;
  double kept[kRecentRuns];
  std::copy(seconds, seconds + n, kept);
  std::sort(kept, kept + n);
  return n % 2 == 1 ? kept[n / 2] : 0.5 * (kept[n / 2 - 1] + kept[n / 2]);
}

bool solo_beats_team(double solo_seconds, double team_seconds) {
  return solo_seconds > 0 && team_seconds > 0 && solo_seconds < (1 - kSoloFasterMargin) * team_seconds;
}

namespace {

// Whether the team's last runs before the back-off beat its 1-thread runs
// by kTeamPaysMargin, for the first back-off's end: a lump of another
// program's time slice (4 ms) falls in one run, and in a window of a few
// runs judged early it outweighed all the others in the mean: a fresh
// fashion_cnn process whose first window held a 4.3 ms lump (1 run) ran all
// of its 100 runs on one thread (AVX-512, Zen 5). A core busy for good
// slows most of the team's runs, and the back-off lasts as before.
bool typical_team_beats_solo(const ShareState& s) {
  const double team = s.team_recent.typical(), solo = s.solo_recent.typical();
  return team > 0 && solo > 0 && team < (1 - kTeamPaysMargin) * solo;
}

// Whether the back-off's or comparison's last 1-thread runs beat the
// team's last runs.
bool solo_faster(const ShareState& s) { return solo_beats_team(s.solo_recent.typical(), s.team_recent.typical()); }

// A back-off begun because one thread was faster (not for lack of a core):
// never the first back-off's early end, which trusts the team's mean time.
ShareState backoff_for_speed(ShareState s, double now) {
  s = start_backoff(s, now);
  s.first_backoff = false;
  return s;
}

// A comparison the team won by this share: one contended window alone
// (a lump of another program's time slice) no longer starts a back-off,
// two in a row do. Traced (AVX-512, Zen 5, fresh corpus
// teachable_handwriting processes, 2T, 60 runs): after a comparison of
// 0.39-0.41 ms team runs against 0.63-0.65 on one thread, a single window
// with a 3-4 ms lump started a 40 ms back-off, and 47-58 of 62 runs ran on
// one thread. On a busy core the team's runs are about as slow as one
// thread's and a comparison seldom shows this; when one does (its runs fell
// in the worker's share of the core), it costs one more window.
constexpr double kClearWinShare = 0.2;

// No comparison for a plan whose team runs take longer than this: its
// layers are large enough to split well (large/mobilenet_v2_224: 2.0-2.5
// ms a team run against 3.0-4.0 on one thread in every comparison traced,
// AVX-512, Zen 5), and 6 runs on one thread out of a benchmark batch of 30
// moved its median from 2.30 to 2.50 ms (8 interleaved fresh processes).
// The team was slower than one thread on models of 0.04-0.7 ms.
constexpr double kCompareMaxRunSeconds = 1e-3;

// The end of a comparison's 1-thread runs.
ShareState after_comparison(ShareState s, double now) {
  s.comparing = false;
  s.solo_trusted_until = now + kSoloReferenceSeconds;
  const bool one_thread_faster = solo_faster(s);
  const double team = s.team_recent.typical();
  if (team > 0 && team < (1 - kClearWinShare) * s.solo_recent.typical()) s.tolerance = std::max(s.tolerance, 2);
  s = forget_team_runs(s);
  if (one_thread_faster) {
    s.compare_interval = 0;
    return backoff_for_speed(s, now);
  }
  s.compare_interval = s.compare_interval > 0 ? std::min(2 * s.compare_interval, kMaxCompareSeconds) : kFirstCompareSeconds;
  s.compare_at = now + s.compare_interval;
  return s;
}

}  // namespace

ShareState after_solo_run(ShareState s, double seconds, double now) {
  if (s.solo_runs_left > 0) --s.solo_runs_left;
  s.solo_seconds += seconds;
  ++s.solo_runs;
  s.solo_recent.add(seconds);
  if (s.comparing) return s.solo_runs_left == 0 ? after_comparison(s, now) : s;
  if (s.first_backoff && s.solo_runs_left == 0) {
    s.first_backoff = false;
    if (team_beats_solo(s) || typical_team_beats_solo(s)) s.solo_until = 0;  // the probe comes next
  }
  return s;
}

ShareState after_team_run(ShareState s, double seconds, double now) {
  s.team_recent.add(seconds);
  ++s.team_runs_since;
  if (s.team_runs_since < kCompareTeamRuns) return s;
  if (s.probing) {
    // A probe after a back-off: still slower than its 1-thread runs, the
    // back-off climbs without waiting for the window's verdict.
    if (!solo_faster(s)) return s;
    s.probing = false;
    s.level = std::min(s.level + 1, kMaxShareLevel);
    return backoff_for_speed(s, now);
  }
  if (now < s.compare_at || runs_solo(s, now) || s.team_recent.typical() > kCompareMaxRunSeconds) return s;
  s.comparing = true;
  s.solo_runs_left = kCompareSoloRuns;
  s.solo_seconds = 0;
  s.solo_runs = 0;
  s.solo_recent.clear();
  return s;
}

bool team_beats_solo(const ShareState& s) {
  if (s.solo_runs <= 0 || s.team_runs <= 0) return false;
  const double team = s.team_seconds / s.team_runs;
  const double solo = s.solo_seconds / static_cast<double>(s.solo_runs);
  return team < (1 - kTeamPaysMargin) * solo;
}

bool team_pays(const ShareState& s, double now) { return now < s.solo_trusted_until && team_beats_solo(s); }

ShareState after_window(ShareState s, const ShareWindow& w, double now) {
  const bool contended = window_contended(w);
  s = with_team_window(s, w);
  if (s.probing) {
    s.probing = false;
    s.strikes = 0;
    s.solo_trusted_until = now + kSoloReferenceSeconds;
    const bool one_thread_faster = solo_faster(s);
    s = forget_team_runs(s);
    if (!contended && !one_thread_faster) {  // the cores are back: from the start
      s.level = 0;
      s.tolerance = 1;
      return s;
    }
    if (!contended) {  // the cores, but one thread is still faster
      s.level = std::min(s.level + 1, kMaxShareLevel);
      return backoff_for_speed(s, now);
    }
    // Faster: every core is busy, and two shares beat one; or a lump of
    // waiting fell in the probe of a team whose runs around it pay.
    if (team_beats_solo(s)) {
      s.level = 0;
      s.tolerance = std::min(2 * s.tolerance, kMaxShareTolerance);
      return s;
    }
    s.level = std::min(s.level + 1, kMaxShareLevel);
    s.tolerance = 1;
    return start_backoff(s, now);
  }
  if (!contended || team_pays(s, now)) {
    s.strikes = 0;
    return s;
  }
  if (++s.strikes < s.tolerance) return s;
  return start_backoff(s, now);
}

}  // namespace frost::kernels::simd
