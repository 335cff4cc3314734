"""What machine a benchmark ran on, for the reports' headers: numbers from an
AVX-512 host and an AVX2-only one are not comparable, so every table names
the CPU and the ISA it was measured with."""

from __future__ import annotations

import platform
from pathlib import Path


def cpu_flags() -> set[str]:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def isa() -> str:
    flags = cpu_flags()
    avx512 = [f.removeprefix("avx512") for f in ("avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512_vnni",
                                                 "avx512_bf16") if f in flags]
    if "avx512f" in flags:
        return "AVX-512 (" + "/".join(a.lstrip("_") for a in avx512) + ")" + (" + AMX" if "amx_tile" in flags else "")
    return "AVX2 + FMA" if "avx2" in flags else "SSE only"
