#include "kernels/simd/team_share_policy.h"

#include <algorithm>

namespace frost::kernels::simd {
namespace {

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

bool window_contended_early(const ShareWindow& w) {
  if (waited_long(w) && w.waited_seconds >= kConclusiveWaitSeconds) return true;
  return w.threads >= 2 && workers_missing(w.regions, w.regions_missing);
}

WindowRead window_read(const OpenWindow& w) {
  if (w.runs == 1 && w.sampled_threads < w.threads && !w.restarted) return WindowRead::kRestart;
  if (w.wall_seconds >= kShareWindowSeconds) return WindowRead::kFull;
  // Without the wait (CPU time against wall time instead), a worker asleep
  // between runs looks like a lack of cores: only whole windows are judged.
  if (w.waits_known && w.wall_seconds - w.checked_seconds >= kCheckpointSeconds) return WindowRead::kCheckpoint;
  if (w.threads >= 2 && workers_missing(w.regions, w.regions_missing)) return WindowRead::kCheckpoint;
  return WindowRead::kNone;
}

bool runs_solo(const ShareState& s, double now) {
  return s.solo_runs_left > 0 || now < s.solo_until;
}

ShareState after_solo_run(ShareState s, double seconds) {
  if (s.solo_runs_left > 0) --s.solo_runs_left;
  s.solo_seconds += seconds;
  ++s.solo_runs;
  if (s.first_backoff && s.solo_runs_left == 0) {
    s.first_backoff = false;
    if (team_beats_solo(s)) s.solo_until = 0;  // the probe comes next
  }
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
    if (!contended) {  // the cores are back: from the start
      s.level = 0;
      s.tolerance = 1;
      return s;
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
