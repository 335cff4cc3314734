#!/usr/bin/env python3
"""Run Frost's GEMM benchmark and write a markdown report (plus a PNG chart
when matplotlib is importable).

    tools/bench_report.py --binary build/bench/bench_gemm --out docs/bench/gemm.md

The binary is a Google Benchmark program (bench/gemm_bench.cc) whose
benchmarks are named gemm/<shape>/<library>/threads:<t> and peak/fma/threads:<t>
and carry GFLOP/s and pct_peak counters. Every benchmark is repeated and the
median is reported. The machine's load (1-minute load average) before and
after the run is written into the report, because other processes on a small
machine move these numbers a lot.

With --openblas-coretype NAME the OpenBLAS benchmarks are run a second time
with OPENBLAS_CORETYPE=NAME and reported as the library "openblas_NAME"
(Debian's OpenBLAS picks its kernels by CPU model; a forced core type shows
what a better-matched kernel would do; only force one the CPU can run).

Uses only the standard library; matplotlib is optional.
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peers.machine import cpu_model  # noqa: E402

LIB_ORDER = ["frost", "frost_unpacked", "onednn", "openblas", "eigen",
             "im2col_onednn_sgemm", "im2col_openblas", "im2col_eigen"]


def load_avg():
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def run_binary(binary, repetitions, min_time, bench_filter, env_extra=None, aggregates_only=True):
    """Runs a Google Benchmark binary and returns its JSON output; with
    aggregates_only=False every repetition is kept (for a best-of report)."""
    cmd = [binary, "--benchmark_format=json", f"--benchmark_repetitions={repetitions}"]
    if aggregates_only:
        cmd.append("--benchmark_report_aggregates_only=true")
    cmd.append(f"--benchmark_min_time={min_time}")
    if bench_filter:
        cmd.append(f"--benchmark_filter={bench_filter}")
    env = dict(os.environ)
    env.update(env_extra or {})
    print("running:", " ".join(cmd), "with", env_extra or {}, file=sys.stderr)
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    return json.loads(out.stdout)


def parse(doc, rename=None):
    """Returns {(shape, threads): {lib: {gflops, pct, time_us}}} and peaks {threads: gflops}."""
    rows = defaultdict(dict)
    peaks = {}
    benches = doc.get("benchmarks", [])
    has_aggregates = any(b.get("run_type") == "aggregate" for b in benches)
    for b in benches:
        if has_aggregates and b.get("aggregate_name") != "median":
            continue
        parts = b["run_name"].split("/")
        threads = int(next(p.split(":")[1] for p in parts if p.startswith("threads:")))
        gflops = b.get("GFLOP/s", 0.0)
        pct = b.get("pct_peak", 0.0)
        if parts[0] == "peak":
            cpu_ratio = b["real_time"] / b["cpu_time"] if b.get("cpu_time") else 1.0
            peaks[threads] = gflops
            peaks[("cpu", threads)] = gflops * cpu_ratio
            continue
        shape, lib = parts[1], parts[2]
        if rename:
            lib = rename(lib)
        unit = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}[b.get("time_unit", "ns")]
        # CPU time of the benchmark's main thread: with one thread it is the
        # time the work actually had a core, so it stays meaningful on a
        # loaded machine where wall time does not.
        cpu_ratio = b["real_time"] / b["cpu_time"] if b.get("cpu_time") else 1.0
        rows[(shape, threads)][lib] = {"gflops": gflops, "pct": pct, "time_us": b["real_time"] * unit,
                                       "gflops_cpu": gflops * cpu_ratio, "cpu_us": b["cpu_time"] * unit}
    return rows, peaks


def shape_dims(shape):
    """(M, N, K) of a GEMM shape label, or None for other benchmarks (conv)."""
    if not shape.startswith(("square_", "im2col_", "fc_")):
        return None
    try:
        if shape.startswith("square_"):
            s = int(shape.split("_")[1])
            return s, s, s
        m, n, k = shape.split("_", 1)[1].split("x")
        return int(m), int(n), int(k)
    except ValueError:
        return None


def shape_key(s):
    dims = shape_dims(s)
    return (not s.startswith("square"), not s.startswith("im2col"), dims or (0, 0, 0), s)


def shape_title(s):
    dims = shape_dims(s)
    return f"{s} ({dims[0]}×{dims[1]}×{dims[2]})" if dims else s


def ratio(a, b):
    return f"{a / b:.2f}" if a and b else "–"


def targets(rows, libs, peaks, loaded):
    """The issue's targets, checked on this run. On a busy machine the
    one-thread targets use CPU time (fair there) and the two-thread ones are
    reported as not measurable."""
    lines = []
    metric = "gflops_cpu" if loaded else "gflops"
    time_key = "cpu_us" if loaded else "time_us"
    peak1 = peaks.get(("cpu", 1)) if loaded else peaks.get(1)
    basis = "CPU time" if loaded else "wall"

    def get(shape, t, lib, key):
        return rows.get((shape, t), {}).get(lib, {}).get(key)

    shapes = sorted({s for s, _ in rows if shape_dims(s)}, key=shape_key)
    for s in [s for s in shapes if min(shape_dims(s)) >= 256]:
        f = get(s, 1, "frost", metric)
        if f and peak1:
            pct = 100.0 * f / peak1
            lines.append(f"| 1 thread ≥ 90 % of peak ({basis}) | {s} | {pct:.1f} % | {'met' if pct >= 90 else 'missed'} |")
    if "onednn" in libs:
        for s in [s for s in shapes if s.startswith("im2col")]:
            f, d = get(s, 1, "frost", metric), get(s, 1, "onednn", metric)
            if f and d:
                lines.append(f"| 1 thread ≥ oneDNN ({basis}) | {s} | {f / d:.2f}× | {'met' if f >= d else 'missed'} |")
        for s in [s for s in shapes if s.startswith("fc")]:
            f, d = get(s, 1, "frost", time_key), get(s, 1, "onednn", time_key)
            if f and d:
                lines.append(f"| time ≤ oneDNN's, 1 thread ({basis}) | {s} | {f:.0f} vs {d:.0f} µs | "
                             f"{'met' if f <= d else 'missed'} |")
    for s in [s for s in shapes if min(shape_dims(s)) >= 512]:
        f1, f2 = get(s, 1, "frost", "gflops"), get(s, 2, "frost", "gflops")
        if loaded:
            lines.append(f"| 2 threads ≥ 1.85× 1 thread | {s} | – | not measurable: machine busy |")
        elif f1 and f2:
            lines.append(f"| 2 threads ≥ 1.85× 1 thread | {s} | {f2 / f1:.2f}× | {'met' if f2 / f1 >= 1.85 else 'missed'} |")
    return lines


def table(out, rows, t, libs, shapes, metric, peak):
    """One markdown table for thread count t; metric 'gflops' (wall) or 'gflops_cpu'."""
    head = "| shape | " + " | ".join(f"{l}" for l in libs) + " | frost % peak | vs oneDNN | vs OpenBLAS | vs Eigen |"
    out.append(head)
    out.append("|" + "---|" * (head.count("|") - 1))
    ref = {"onednn": ["onednn"], "openblas": ["openblas", "im2col_openblas"], "eigen": ["eigen", "im2col_eigen"]}
    for s in shapes:
        r = rows.get((s, t))
        if not r:
            continue
        cells = [f"{r[l][metric]:.1f}" if l in r else "–" for l in libs]
        f = r.get("frost", {}).get(metric)
        pct = f"{100.0 * f / peak:.1f}" if f and peak else "–"
        ratios = []
        for key in ("onednn", "openblas", "eigen"):
            other = next((r[l][metric] for l in ref[key] if l in r), None)
            ratios.append(ratio(f, other))
        out.append(f"| {shape_title(s)} | " + " | ".join(cells) + f" | {pct} | " + " | ".join(ratios) + " |")
    out.append("")


def write_markdown(path, title, rows, peaks, context, load_before, load_after, args, png_note):
    libs = [l for l in LIB_ORDER if any(l in v for v in rows.values())]
    libs += sorted({l for v in rows.values() for l in v} - set(libs))
    shapes = sorted({s for s, _ in rows}, key=shape_key)
    # The benchmark's own threads raise the load average while it runs, so
    # the load before the run is what tells whether others were busy.
    loaded = load_before > 1.0
    out = []
    out.append(f"# {title}\n")
    out.append(f"Generated by `tools/bench_report.py` on {datetime.date.today().isoformat()} "
               f"from `{os.path.basename(args.binary)}`, median of {args.repetitions} repetitions "
               f"(min time {args.min_time} s each). Numbers are GFLOP/s (2 per multiply-add).\n")
    out.append(f"- CPU: {cpu_model()}, {os.cpu_count()} logical CPUs")
    out.append(f"- 1-minute load average: {load_before:.2f} before, {load_after:.2f} after the run "
               f"(the run itself adds up to 2)"
               + (" — **the machine was busy**: wall-clock numbers are shared with other processes and "
                  "2-thread numbers are not meaningful; the CPU-time table (1 thread) is the fair comparison."
                  if loaded else "."))
    out.append(f"- Frost kernels: `{context.get('frost_kernel', '?')}`"
               + (f", `{context['frost_depthwise_kernel']}`" if "frost_depthwise_kernel" in context else "")
               + f"; OpenBLAS core: `{context.get('openblas_core', '?')}`")
    pk = [t for t in peaks if isinstance(t, int)]
    out.append(f"- Measured peak (FMA loop, {context.get('peak_isa', '?')}): "
               + ", ".join(f"{peaks[t]:.1f} GFLOP/s wall with {t} thread{'s' if t > 1 else ''}" for t in sorted(pk))
               + (f"; {peaks[('cpu', 1)]:.1f} GFLOP/s per CPU-second with 1 thread" if ("cpu", 1) in peaks else ""))
    if any(l.startswith("frost_unpacked") for l in libs):
        out.append("- `frost` multiplies by a B prepacked once (constant weights, as planned by the runtime); "
                   "`frost_unpacked` and the other libraries take B as stored on every call.")
    out.append(f"- {png_note}\n")
    out.append("Ratios are Frost's GFLOP/s over the other library's (above 1: Frost is faster).\n")
    if ("cpu", 1) in peaks:
        out.append("## 1 thread, by CPU time\n")
        table(out, rows, 1, libs, shapes, "gflops_cpu", peaks[("cpu", 1)])
    for t in sorted({t for _, t in rows}):
        out.append(f"## {t} thread{'s' if t > 1 else ''}, by wall-clock time\n")
        table(out, rows, t, libs, shapes, "gflops", peaks.get(t))
    tl = targets(rows, libs, peaks, loaded)
    if tl:
        out.append("## Targets of issue 8 on this run\n")
        out.append("| target | shape | measured | |")
        out.append("|---|---|---|---|")
        out.extend(tl)
        out.append("")
    write_lines(path, out)


def write_lines(path, lines):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(lines))
    print("wrote", path, file=sys.stderr)


def write_png(path, rows, threads=1):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    libs = [l for l in LIB_ORDER if any(l in v for v in rows.values())]
    shapes = sorted({s for s, t in rows if t == threads}, key=shape_key)
    fig, axes = plt.subplots(2, 1, figsize=(14, 9))
    for ax, t in zip(axes, (1, 2)):
        width = 0.8 / max(1, len(libs))
        for i, lib in enumerate(libs):
            vals = [rows.get((s, t), {}).get(lib, {}).get("gflops", 0.0) for s in shapes]
            ax.bar([x + i * width for x in range(len(shapes))], vals, width, label=lib)
        ax.set_xticks([x + 0.4 - width / 2 for x in range(len(shapes))])
        ax.set_xticklabels(shapes, rotation=30, ha="right", fontsize=8)
        ax.set_ylabel("GFLOP/s")
        ax.set_title(f"{t} thread{'s' if t > 1 else ''}")
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    print("wrote", path, file=sys.stderr)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default="build/bench/bench_gemm")
    ap.add_argument("--out", default="docs/bench/gemm.md")
    ap.add_argument("--png", default="docs/bench/gemm.png")
    ap.add_argument("--repetitions", type=int, default=3)
    ap.add_argument("--min-time", default="0.2")
    ap.add_argument("--filter", default="")
    ap.add_argument("--openblas-coretype", default="", help="also run OpenBLAS with OPENBLAS_CORETYPE=this")
    ap.add_argument("--json-out", default="", help="also save the raw benchmark JSON here")
    ap.add_argument("--json-in", default="", help="report on a saved JSON instead of running the binary")
    ap.add_argument("--title", default="")
    ap.add_argument("--load-before", type=float, default=float("nan"), help="with --json-in and an old JSON")
    ap.add_argument("--load-after", type=float, default=float("nan"), help="with --json-in and an old JSON")
    args = ap.parse_args()

    load_before = load_avg()
    if args.json_in:
        with open(args.json_in) as f:
            doc = json.load(f)
    else:
        doc = run_binary(args.binary, args.repetitions, args.min_time, args.filter)
    rows, peaks = parse(doc)
    if args.openblas_coretype:
        flt = "peak|openblas" if not args.filter else args.filter
        doc2 = run_binary(args.binary, args.repetitions, args.min_time, flt,
                          {"OPENBLAS_CORETYPE": args.openblas_coretype})
        rows2, _ = parse(doc2, rename=lambda l: f"{l}_{args.openblas_coretype}" if l == "openblas" else None)
        for key, libs in rows2.items():
            for lib, v in libs.items():
                if lib and lib.startswith("openblas_"):
                    rows[key][lib] = v
    load_after = load_avg()
    if args.json_in:
        # Loads of the run that produced the JSON, when it recorded them.
        load_before, load_after = doc.get("frost_load", [args.load_before, args.load_after])
    doc["frost_load"] = [load_before, load_after]
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(doc, f, indent=1)
    context = doc.get("context", {})
    png_ok = write_png(args.png, rows) if args.png else False
    png_note = (f"Chart: `{os.path.basename(args.png)}`." if png_ok else
                "No chart: matplotlib is not importable by the Python that ran this script.")
    title = args.title or ("Convolution benchmark (NHWC, batch 1, single precision)" if "conv" in args.binary
                           else "GEMM benchmark (single precision, row-major C = A·B)")
    write_markdown(args.out, title, rows, peaks, context, load_before, load_after, args, png_note)


if __name__ == "__main__":
    main()
