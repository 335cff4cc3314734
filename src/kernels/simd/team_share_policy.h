// Whether a model's runs use the worker team, decided per run from whether
// the team actually had its cores (issue 14: where another program keeps one
// core busy, 2 threads must never be slower than 1).
//
// Why per run: the per-region signals (a region's overhead, a stall waiting
// for a preempted worker, thread_policy.h) see a busy core only in pieces.
// A worker that shares its core with another program runs half the time, so
// each region waits 100-300 µs for its last chunk, below any stall threshold
// that the quiet VM does not also cross now and then (its host preempts our
// spinners too), and whole models ran 8-34% slower on 2 threads than on 1.
// Summed over a run the signal is plain: the time the team's threads spent
// runnable but waiting for a core (schedstat's run_delay, which the host's
// own preemptions do not raise) was 0% of the run's wall time in every
// window of large/mobilenet_v2_224 at 2 threads with the cores to itself
// (62 windows, under chrt), and 99-171% with a busy loop on one core while
// other programs ran too.
//
// So a plan's 2-thread runs are measured in windows of at least
// kShareWindowSeconds of run time: long enough to span several of the
// scheduler's time slices (1.5-3 ms here), since a thread's wait is counted
// only when it runs again, in one lump; in 1 ms windows a thread sharing a
// core with a busy loop showed 0% in most windows and 50-1000% in the
// others. A 10 µs model pays the system calls once per ~1000 runs. A
// contended window starts a back-off: the plan runs on one thread for
// kSoloRuns runs and kSoloSeconds (both), then probes one window on 2
// threads. The probe resumes 2 threads if the team had its cores again, or
// if the team's recent runs, the probe's included, beat the back-off's
// 1-thread runs (team_beats_solo: every core busy, e.g. a loaded build
// machine, where 2 threads get two shares of the machine and 1 thread one);
// otherwise the back-off doubles, up to 2^kMaxShareLevel times. After a
// probe that resumed 2 threads only because they were faster, contention is
// expected: the plan tolerates twice as many contended windows before the
// next back-off.
//
// A contended window also costs no strike while the team's recent runs beat
// the 1-thread runs (team_pays). Contention alone was the wrong signal where
// other programs run at a lower priority (a nice-19 build beside a
// benchmark): there the tick preempts a worker for 4 ms now and then, a
// window holding such a lump is contended (and slower than one thread), and
// the back-off held 30-70% of teachable_handwriting's runs to one thread
// although its 2-thread runs, lumps included, took 0.46 ms against 0.77 ms
// on one (AVX-512, Zen 5). So the team's time is a mean over its recent
// windows (kTeamMemory), kept across back-offs: a window is read contended
// just when a lump fell in it, and a probe's first run pays the wake-up of
// a worker that slept through the back-off. The 1-thread time is the last
// back-off's, trusted for kSoloReferenceSeconds after its probe; then a
// contended window strikes again and the next back-off measures it anew, so
// that load that changes does not leave the plan comparing with a 1-thread
// time of another machine state. Where one core is busy for good, the
// team's recent time soon exceeds the 1-thread time and the back-offs climb
// as before.
//
// A process's first back-off ends after its kSoloRuns runs, without
// waiting out kSoloSeconds, when the team's runs so far beat them (their
// mean over windows, or their typical run: the median of the last few,
// which a single lump does not move; team_share_policy.cc): until
// then nothing said what one thread costs, and a benchmark that starts a
// process for 2 warm-up and 30 timed runs (the peers tables) ran all of them
// on one thread when a lump of waiting (a build's tick, 1.2 ms) fell in its
// first window: teachable_handwriting's 40 ms back-off outlasted its 30 runs
// of 0.8 ms (AVX-512, Zen 5). Where a core is busy for good the team's runs
// were slower than one thread's and the back-off lasts as before (ending
// it after its runs regardless, with a probe on a busy core, cost 5-10% of
// throughput beside a busy loop).
//
// A window's verdict may be certain before its end: a model of 0.1-0.3 ms
// ended a benchmark batch of 30 runs (3-9 ms) before its first 10 ms
// window did, and ran all of it on a team that lacked a core (models/
// unet_small 1.47x, mobilenet_v2 1.17x its 1-thread time with one core
// busy). So the open window is also read after every kCheckpointSeconds of
// its runs, and judged at once when its threads have already waited a whole
// scheduler time slice (kConclusiveWaitSeconds) beyond the contended share:
// a lump that size is another program holding the core, not the tens of µs
// of an idle virtual CPU waking. A window is never judged quiet early (a
// thread's wait is counted only when it runs again). Or, without a system
// call, as soon as a worker has missed more than kMissingShare of at least
// kMinMissRegions regions (team_misses.h): a worker spinning through a held
// run joins each within a microsecond, one queued behind another program
// joins none. The reads cost ~3 µs per millisecond of team runs.
//
// Whether 2 threads are faster at all is measured too, not assumed: with
// the cores to itself and no wait for them, a plan's 2-thread runs were at
// times steadily slower than its 1-thread runs for minutes (AVX-512, Zen 5,
// other programs at a lower priority: fresh processes of models/fashion_cnn
// 0.047 ms against 0.040 on one thread, resnet_small 0.166 against 0.150,
// where a few minutes earlier they ran 0.028 and 0.114), and every window
// read quiet. So after kCompareTeamRuns team runs a plan runs
// kCompareSoloRuns on one thread (a comparison) and compares the typical
// runs of both: the median of the last kRecentRuns of each, which one lump
// of waiting or a cold first run does not move; the first two of the
// 1-thread runs are left out that way, being slower than the later ones
// (fashion_cnn: 0.095, 0.047, 0.041, 0.039 ms after team runs, 0.038
// steady, AVX-512, Zen 5) and making the team look faster than it was
// (the fastest of each, tried
// first, was the team's best moment: fresh fashion_cnn processes under a
// load of 14 kept the team at 0.045 ms a run against 0.040 on one thread).
// Where one thread is faster by kSoloFasterMargin, the plan backs off as
// from a contended window; its probe climbs the back-off as soon as its
// last runs are still slower than the back-off's, or is judged by its
// window as before. Where the team is faster, the next comparison comes
// after kFirstCompareSeconds, doubling up to kMaxCompareSeconds: with 2
// threads 30% faster, 4 runs on one thread every 8 s cost a few runs in a
// thousand.
// Pure; times in seconds on any monotonic clock.
#pragma once

#include <cstdint>

namespace frost::kernels::simd {

inline constexpr double kShareWindowSeconds = 0.01;
// Contended: the threads waited for a core more than this share of the
// window's wall time per thread beyond the first (for 2 threads, 20% of the
// wall: one thread missed a fifth of the run). A thread sharing its core
// with one busy program misses about half.
inline constexpr double kContendedShare = 0.2;
inline constexpr int64_t kSoloRuns = 4;
inline constexpr double kSoloSeconds = 0.04;
inline constexpr int kMaxShareLevel = 5;      // back-offs up to 32× (128 runs and 1.28 s)
inline constexpr int kMaxShareTolerance = 64;  // contended windows tolerated at most
// Each window's weight in the team's running time, relative to the next
// one's: a lump is averaged over about four windows.
inline constexpr double kTeamMemory = 0.75;
// Team runs must beat the 1-thread runs by this share to pay for contention.
inline constexpr double kTeamPaysMargin = 0.05;
inline constexpr double kSoloReferenceSeconds = 1.0;

// A stretch of a plan's runs on the team: their summed wall time, the time
// the team's threads waited for a core meanwhile, the runs, and the threads.
struct ShareWindow {
  double wall_seconds = 0;
  double waited_seconds = 0;
  int64_t runs = 0;
  int threads = 2;
  // For an early verdict: the team's regions meanwhile, and those a worker
  // had not joined when the caller had done its part (team_misses.h).
  int64_t regions = 0;
  int64_t regions_missing = 0;
};

// Contended: the threads waited for a core beyond kContendedShare, or a
// worker missed most regions (workers_missing).
bool window_contended(const ShareWindow& w);

inline constexpr double kCheckpointSeconds = 0.001;
inline constexpr double kConclusiveWaitSeconds = 0.001;
inline constexpr double kMissingShare = 0.5;
inline constexpr int64_t kMinMissRegions = 16;
// Whether a window not yet kShareWindowSeconds long is contended already.
bool window_contended_early(const ShareWindow& w);
bool workers_missing(int64_t regions, int64_t regions_missing);

// The open window after a team run: its runs' summed wall time and the part
// of it already read at a checkpoint, its runs, the threads read at its
// start against the threads the runs use, whether its counters include the
// run-queue wait, and whether it already restarted once.
struct OpenWindow {
  double wall_seconds = 0;
  double checked_seconds = 0;
  int64_t runs = 0;
  int64_t regions = 0;  // and missing workers, as in ShareWindow
  int64_t regions_missing = 0;
  int sampled_threads = 2;
  int threads = 2;
  bool waits_known = true;
  bool restarted = false;
  // Whether a worker had joined a region of this process (every worker of
  // it: team_misses.h) when the window opened, and by now.
  bool joined_at_open = true;
  bool joined_now = true;
};
// A window opened before any worker had joined a region is not judged
// early: a new thread's first wait for a core (a whole time slice of a
// program on its CPU, 4-5 ms seen on the 2-core VM under other programs'
// builds) says nothing about the cores later, and judged early it held
// whole fresh benchmark processes to one thread (models/fashion_cnn: 200
// of 200 runs; AVX-512, Zen 5). It restarts once a worker has joined, and
// is judged as a whole if none joins within kShareWindowSeconds.
enum class WindowRead {
  kNone,        // not yet: no system call
  kRestart,     // opened before the workers had started or joined (a plan's first run starts them): it cannot be judged, and starts again now
  kCheckpoint,  // read, and judged only if contended already (window_contended_early); also at once when workers were missing
  kFull,        // read and judged (window_contended)
};
WindowRead window_read(const OpenWindow& w);

inline constexpr int64_t kCompareTeamRuns = 8;
inline constexpr int64_t kCompareSoloRuns = 6;
inline constexpr double kSoloFasterMargin = 0.02;
inline constexpr double kFirstCompareSeconds = 0.25;
inline constexpr double kMaxCompareSeconds = 8.0;

// The last few runs' times, for their median.
inline constexpr int kRecentRuns = 4;
struct RecentRuns {
  double seconds[kRecentRuns] = {};
  int64_t count = 0;  // runs added since the last clear()
  void add(double run_seconds) { seconds[count++ % kRecentRuns] = run_seconds; }
  void clear() { count = 0; }
  double typical() const;  // the median of those kept (0: none)
};

struct ShareState {
  int strikes = 0;             // contended windows in a row
  int tolerance = 1;           // contended windows that start a back-off
  int level = 0;               // the back-off lasts kSoloRuns << level runs and kSoloSeconds << level
  int64_t solo_runs_left = 0;  // of the back-off: 1-thread runs still to do
  double solo_until = 0;       // and until when
  bool probing = false;        // a back-off started: the first window after it (its probe) decides
  double solo_seconds = 0;     // the back-off's 1-thread runs: their time and number, which the probe must beat
  int64_t solo_runs = 0;
  double solo_trusted_until = 0;  // and until when contended windows are compared with them (team_pays)
  double team_seconds = 0;        // the team's recent windows (kTeamMemory): their runs' time and number
  double team_runs = 0;
  bool backed_off = false;     // a back-off has started in this state's life
  bool first_backoff = false;  // this back-off is the first: its end may come early (above)
  // Comparisons (above): the last team runs (kept when a back-off starts,
  // for the first back-off's end) and the team runs since the last
  // comparison or back-off; the last 1-thread runs of the back-off or
  // comparison under way.
  RecentRuns team_recent;
  int64_t team_runs_since = 0;
  RecentRuns solo_recent;
  bool comparing = false;  // the 1-thread runs under way are a comparison
  double compare_at = 0;
  double compare_interval = 0;
};

// Whether a typical 1-thread run beats a typical team run by
// kSoloFasterMargin (false when either is not known).
bool solo_beats_team(double solo_seconds, double team_seconds);

// Whether the team's recent runs beat the last back-off's 1-thread runs by
// kTeamPaysMargin (team_beats_solo), and while those are trusted (at `now`:
// team_pays).
bool team_beats_solo(const ShareState& s);
bool team_pays(const ShareState& s, double now);

// Whether the run starting at `now` runs on one thread.
bool runs_solo(const ShareState& s, double now);
// After a run on one thread that took `seconds`, ending at `now`.
ShareState after_solo_run(ShareState s, double seconds, double now);
// After a run that used the team, took `seconds` and ended at `now`.
ShareState after_team_run(ShareState s, double seconds, double now);
// After a window of 2-thread runs ending at `now`.
ShareState after_window(ShareState s, const ShareWindow& w, double now);

}  // namespace frost::kernels::simd
