#!/usr/bin/env python3
"""The coefficients of src/kernels/simd/sigmoid_impl.h: e^r on
[-ln2/(2L), ln2/(2L)] as 1 + r + c2*r^2 + c3*r^3, minimax in relative error
(Lawson's iteratively reweighted least squares on a dense grid), for the
table sizes L = 16 (AVX-512) and 8 (AVX2); and the table of fraction bits
of 2^(i/L). Needs numpy only (tools/ venv or system).

    python3 tools/fit_exp_polynomial.py
"""
import numpy as np


def fit(table_size: int, degree: int = 3):
    half = np.log(2.0) / (2 * table_size)
    r = np.linspace(-half * 1.02, half * 1.02, 20001)  # a little past the ends
    f = np.exp(r)
    # p(r)/e^r - 1 = (sum_k c_k r^k - (e^r - 1 - r)) / e^r: linear in c_k.
    a = np.stack([r**k for k in range(2, degree + 1)], axis=1) / f[:, None]
    b = 1.0 - (1.0 + r) / f
    w = np.full_like(r, 1.0 / r.size)
    for _ in range(300):
        sw = np.sqrt(w)
        c, *_ = np.linalg.lstsq(a * sw[:, None], b * sw, rcond=None)
        err = np.abs(a @ c - b)
        w = w * err
        w /= w.sum()
    c32 = c.astype(np.float32)
    p = 1.0 + r + sum(float(c32[k - 2]) * r**k for k in range(2, degree + 1))
    return c32, float(np.max(np.abs(p / f - 1.0)))


def main():
    for table_size in (16, 8):
        coefficients, err = fit(table_size)
        print(f"L = {table_size}: c2 = {float(coefficients[0])!r}f, c3 = {float(coefficients[1])!r}f, "
              f"max relative error {err:.3g} (float coefficients)")
        bits = [int(np.float32(2.0 ** (i / table_size)).view(np.uint32)) - 0x3F800000 for i in range(table_size)]
        print("  fraction bits of 2^(i/L):", ", ".join(f"0x{b:06x}" for b in bits))


if __name__ == "__main__":
    main()
