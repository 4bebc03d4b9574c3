#!/usr/bin/env python3
"""tools/fit_tanh.py: the coefficients of seqlab/kernels/fast_activations.hpp's tanh and of the 2^f
behind its sigmoid, fitted here.

    tanh(x) ~ x * P(x^2) / Q(x^2) on [0, 9], P of degree 5, Q of degree 3 with Q(0) = 1
    2^f     ~ E(f) on [-1/2, 1/2], E of degree 6 with E(0) = 1

Minimises the relative error: linearised least squares (each residual x P - y Q divided by y and by the
previous iteration's Q, Loeb's method) with Lawson's reweighting towards the minimax, on Chebyshev-spaced
points. Plain Python (no numpy). Prints the coefficients and the worst relative error in exact arithmetic;
what float32 evaluation adds is tools/activation_error's job.
"""
import math


def solve(a, b):
    """Gaussian elimination with partial pivoting."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(n):
            if r != c:
                f = m[r][c] / m[c][c]
                for k in range(c, n + 1):
                    m[r][k] -= f * m[c][k]
    return [m[i][n] / m[i][i] for i in range(n)]


def fit(p_degree=5, q_degree=3, clamp=9.0, points=3000, iterations=120):
    xs = [clamp * (0.5 - 0.5 * math.cos(math.pi * (i + 0.5) / points)) for i in range(points)]
    xs = [x for x in xs if x > 1e-4]
    ys = [math.tanh(x) for x in xs]
    weights, q_previous = [1.0] * len(xs), [1.0] * len(xs)
    for _ in range(iterations):
        rows, rhs = [], []
        for x, y, w, qp in zip(xs, ys, weights, q_previous):
            s, scale = x * x, math.sqrt(w) / (y * qp)
            rows.append([x * s ** j * scale for j in range(p_degree + 1)] +
                        [-y * s ** j * scale for j in range(1, q_degree + 1)])
            rhs.append(y * scale)
        n = len(rows[0])
        normal = [[sum(r[i] * r[j] for r in rows) for j in range(n)] for i in range(n)]
        coef = solve(normal, [sum(r[i] * v for r, v in zip(rows, rhs)) for i in range(n)])
        p, q = coef[:p_degree + 1], [1.0] + coef[p_degree + 1:]
        errors = []
        for i, x in enumerate(xs):
            s = x * x
            q_previous[i] = sum(c * s ** j for j, c in enumerate(q))
            errors.append((x * sum(c * s ** j for j, c in enumerate(p)) / q_previous[i] - ys[i]) / ys[i])
        total = sum(w * abs(e) for w, e in zip(weights, errors))
        weights = [w * abs(e) / total * len(weights) + 1e-300 for w, e in zip(weights, errors)]
    return p, q, max(abs(e) for e in errors)


def fit_exp2(degree=6, points=2000, iterations=100):
    """E(f) = 1 + sum_j c_j f^j for 2^f on [-1/2, 1/2]: relative least squares with Lawson's reweighting."""
    fs = [-0.5 * math.cos(math.pi * (i + 0.5) / points) for i in range(points)]
    fs = [f for f in fs if abs(f) > 1e-9]
    ys = [2.0 ** f for f in fs]
    weights = [1.0] * len(fs)
    for _ in range(iterations):
        rows = [[f ** j / y * math.sqrt(w) for j in range(1, degree + 1)] for f, y, w in zip(fs, ys, weights)]
        rhs = [(y - 1) / y * math.sqrt(w) for y, w in zip(ys, weights)]
        normal = [[sum(r[i] * r[j] for r in rows) for j in range(degree)] for i in range(degree)]
        c = solve(normal, [sum(r[i] * v for r, v in zip(rows, rhs)) for i in range(degree)])
        errors = [(1 + sum(cj * f ** (j + 1) for j, cj in enumerate(c)) - y) / y for f, y in zip(fs, ys)]
        total = sum(w * abs(e) for w, e in zip(weights, errors))
        weights = [w * abs(e) / total * len(weights) + 1e-300 for w, e in zip(weights, errors)]
    return [1.0] + c, max(abs(e) for e in errors)


if __name__ == "__main__":
    p, q, worst = fit()
    print("P:", ", ".join(repr(v) for v in p))
    print("Q:", ", ".join(repr(v) for v in q))
    print(f"worst relative error in exact arithmetic: {worst:.3g}")
    e, worst = fit_exp2()
    print("E:", ", ".join(repr(v) for v in e))
    print(f"worst relative error of E in exact arithmetic: {worst:.3g}")
