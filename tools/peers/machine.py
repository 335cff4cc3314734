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


def cpu_field(name: str) -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.split(":", 1)[0].strip() == name:
            return line.split(":", 1)[1].strip()
    return ""


def amd_core(family: int, model: int) -> str:
    """The core generation of an AMD family/model, where it matters to the
    kernels: Zen 4 runs a 512-bit FMA as two 256-bit halves, Zen 5 (server
    parts) at full width, twice Zen 4's peak per clock."""
    if family == 26:
        return "Zen 5"
    if family == 25:
        return "Zen 4" if 0x10 <= model <= 0x1f or 0x60 <= model <= 0x7f or 0xa0 <= model <= 0xaf else "Zen 3"
    return ""


def cpu_model() -> str:
    """The model name with its family and model numbers (virtual machines
    often show only "AMD EPYC"), e.g. "AMD EPYC (family 26, model 2: Zen 5)"."""
    name = cpu_field("model name") or platform.processor() or "unknown"
    family, model = cpu_field("cpu family"), cpu_field("model")
    if not family.isdigit() or not model.isdigit():
        return name
    core = amd_core(int(family), int(model)) if "AMD" in cpu_field("vendor_id") + name else ""
    return f"{name} (family {family}, model {model}{': ' + core if core else ''})"


def isa() -> str:
    flags = cpu_flags()
    avx512 = [f.removeprefix("avx512") for f in ("avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512_vnni",
                                                 "avx512_bf16") if f in flags]
    if "avx512f" in flags:
        return "AVX-512 (" + "/".join(a.lstrip("_") for a in avx512) + ")" + (" + AMX" if "amx_tile" in flags else "")
    return "AVX2 + FMA" if "avx2" in flags else "SSE only"
