"""Fits the polynomial coefficients of the vector exp (VectorMath) and of the GELU tail (Gelu).

Run with /usr/bin/python3 (numpy + mpmath); prints Java float literals. Relative minimax fits by Lawson's
iteratively reweighted least squares; each coefficient is rounded to float32 from the highest degree down and the
lower ones are refitted, so the rounding of one coefficient is absorbed by the rest.

  exp(r) = 1 + r + r^2 * P(r)                  |r| <= ln2/2, P of degree 4
  erfc(z) = exp(-z^2) * t * Q(t), t = 1/(1 + 0.4 z)   0 <= z <= 9.4, Q of degree 9
The GELU kernel uses Q/2 (exact in float: a power of two), i.e. Phi(-|x|) = exp(-x^2/2) * t * Q(t)/2.
"""
import mpmath as mp
import numpy as np

mp.mp.dps = 40


def lawson(xs, f, basis, fixed, iters=80):
    """Minimises max |sum_k c_k basis_k(x) / f(x) - 1| over the coefficients not in `fixed`."""
    free = [k for k in range(len(basis)) if k not in fixed]
    rhs = f.copy()
    for k, v in fixed.items():
        rhs = rhs - v * basis[k]
    a = np.stack([basis[k] for k in free], 1) / f[:, None]
    b = rhs / f
    w = np.ones(len(xs))
    for _ in range(iters):
        sw = np.sqrt(w)
        c, *_ = np.linalg.lstsq(a * sw[:, None], b * sw, rcond=None)
        err = a @ c - b
        w = w * np.abs(err) + 1e-300
        w /= w.sum()
    out = dict(fixed)
    out.update(zip(free, c))
    return out, np.max(np.abs(err))


def fit_rounded(xs, f, basis):
    fixed = {}
    err = None
    for k in range(len(basis) - 1, -1, -1):
        cs, err = lawson(xs, f, basis, fixed)
        fixed[k] = float(np.float32(cs[k]))
    return [fixed[k] for k in range(len(basis))], err


def chebyshev_nodes(lo, hi, n=4000):
    k = np.arange(n)
    x = (lo + hi) / 2 + (hi - lo) / 2 * np.cos(np.pi * (k + 0.5) / n)
    return x.astype(np.float32).astype(np.float64)


def exp_poly():
    r = chebyshev_nodes(-0.3467, 0.3467)
    f = np.array([float(mp.exp(mp.mpf(v))) for v in r])
    # e^r - 1 - r = r^2 P(r): fit c_k r^(k+2)
    g = f - 1 - r
    basis = [r ** (k + 2) for k in range(5)]
    c, err = fit_rounded(r, np.where(np.abs(g) > 0, g, 1e-300), basis)
    return c, err * np.max(np.abs(g / f))


def erfc_poly(p=0.4, zmax=9.4):
    t = chebyshev_nodes(1 / (1 + p * zmax), 1.0)
    f = []
    for tv in t:
        z = (1 / mp.mpf(tv) - 1) / p
        f.append(float(mp.erfc(z) * mp.exp(z * z) / tv))
    f = np.array(f)
    basis = [t ** k for k in range(10)]
    return fit_rounded(t, f, basis)


if __name__ == "__main__":
    c, err = exp_poly()
    print("exp: relative error %.3g" % err)
    for k, v in enumerate(c):
        print("  E%d = %.10ef" % (k + 2, v))
    q, err = erfc_poly()
    print("erfc tail: relative error %.3g; Q/2:" % err)
    for k, v in enumerate(q):
        print("  Q%d = %.10ef" % (k, v / 2))
