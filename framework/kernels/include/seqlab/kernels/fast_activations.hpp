// Branch-free tanh and sigmoid for the fast recurrent kernels (the reference kernels keep libm's).
//
// Why: the cells' activations were a third of an LSTM epoch's elementwise time; xsimd's tanh picks
// between two formulas per lane and divides, its exp-based sigmoid branches too. Here:
//   tanh(x)    = x * P(x^2) / Q(x^2) on x clamped to [-9, 9]   (P degree 5, Q degree 3)
//   sigmoid(x) = 1 / (1 + 2^(-x log2 e)), 2^t as 2^round(t) times a polynomial (exp2 below)
// tanh(9) rounds to 1 in float, so the clamp changes no result; P and Q were fitted for relative
// error by tools/fit_tanh.py (5.9e-8 in exact arithmetic). (sigmoid was 0.5 + 0.5 tanh(x / 2): 5 more
// operations, and only absolute-accurate below 0.) No division (see reciprocal below). The same FMA chain runs
// on every lane and on the scalar tail, so a column's value does not depend on whether it fell in a SIMD batch. NaN
// stays NaN (a diverging run must still be seen to diverge). Worst error over every float32 input, measured by
// tools/activation_error against double precision, is in tests/kernels/test_fast_activations.cpp and
// docs/performance.md.
#pragma once

#include <cmath>
#include <immintrin.h>
#include <seqlab/kernels/register_gemm.hpp>
#include <xsimd/xsimd.hpp>

namespace seqlab::recurrent::fast {

inline constexpr float kTanhClamp = 9.0f;
inline constexpr float kP[] = {0.9999999412655823f,   0.12919197504813482f,     0.0029207289918905858f,
                               9.26713302347627e-06f, -1.2779628389355764e-08f, 1.82533009219047e-11f};
inline constexpr float kQ[] = {1.0f, 0.46252481368863896f, 0.02376303292978079f, 0.00022809573528324736f};

// The same operations for a SIMD batch and for one float.
inline xsimd::batch<float> fma(const xsimd::batch<float>& a, const xsimd::batch<float>& b,
                               const xsimd::batch<float>& c) {
  return register_gemm_detail::fma(a, b, c);  // always fused (xsimd's is not, on AVX-512)
}
inline float fma(float a, float b, float c) { return std::fma(a, b, c); }
// x limited to [-limit, limit], NaN passed through. (x86's max/min return their second
// operand when either is NaN: x goes second.)
inline xsimd::batch<float> clamp(const xsimd::batch<float>& x, float limit) {
  using V = xsimd::batch<float>;
  return xsimd::min(V(limit), xsimd::max(V(-limit), x));
}
inline float clamp(float x, float limit) { return x > limit ? limit : x < -limit ? -limit : x; }

// 1 / q. With AVX-512: rcp14 (relative error below 2^-14) and one Newton step, which leaves about
// 2^-28: a few cheap instructions instead of a division, whose unit would otherwise bound the cells
// (five activations per unit per step). The scalar tail uses the scalar form of the same instruction.
inline xsimd::batch<float> reciprocal(const xsimd::batch<float>& q) {
#ifdef __AVX512F__
  using V = xsimd::batch<float>;
  const V r = _mm512_rcp14_ps(q);
  return r * V(_mm512_fnmadd_ps(q, r, V(2.0f)));
#else
  return xsimd::batch<float>(1.0f) / q;
#endif
}
inline float reciprocal(float q) {
#ifdef __AVX512F__
  const float r = _mm_cvtss_f32(_mm_rcp14_ss(_mm_setzero_ps(), _mm_set_ss(q)));
  return r * std::fma(-q, r, 2.0f);
#else
  return 1.0f / q;
#endif
}

// Always inlined: a call per vector (GCC's choice in some builds of the rnn plugin) measured 3% of its epoch.
template <class V>
[[gnu::always_inline]] inline V tanh(const V& v) {
  const V x = fast::clamp(v, kTanhClamp);
  // P and Q in Estrin's form: independent halves, so the chain of dependent FMAs is 3 long, not 5.
  const V s = x * x, s2 = s * s;
  const V p01 = fast::fma(V(kP[1]), s, V(kP[0])), p23 = fast::fma(V(kP[3]), s, V(kP[2]));
  const V p45 = fast::fma(V(kP[5]), s, V(kP[4]));
  const V p = fast::fma(fast::fma(p45, s2, p23), s2, p01);
  const V q = fast::fma(fast::fma(V(kQ[3]), s, V(kQ[2])), s2, fast::fma(V(kQ[1]), s, V(kQ[0])));
  // Rounding in P, Q and 1/Q puts results near |x| = 8 a few ulp past 1: limited to [-1, 1], so
  // that 1 - tanh^2 and sigmoid's 1 - s stay non-negative.
  return fast::clamp(x * p * fast::reciprocal(q), 1.0f);
}

// 2^t for t in [-126, 126]: 2^n * E(t - n) with n = t rounded to the nearest integer, E(f) ~ 2^f on
// [-1/2, 1/2] of degree 6 with E(0) = 1 (tools/fit_tanh.py: 2.0e-9 relative error in exact arithmetic).
// t - n is exact, and so is the scaling by 2^n but for results below 2^-126 (rounded once, the same way
// on both paths), so only E rounds. (t - floor(t) would not be exact for negative t.) With AVX-512,
// vscalefps does the scaling; elsewhere the exponent's bits (2^n is a normal float), with the same result.
inline constexpr float kE[] = {1.0f,
                               0.6931472028545264f,
                               0.2402264791311423f,
                               0.05550332471821634f,
                               0.009618437419466908f,
                               0.00133988742146145f,
                               0.00015353344912525296f};
// In Estrin's form, as tanh's P and Q: a chain of 3 dependent FMAs after f^2, where Horner's has 6 (the
// GRU's sigmoids are on its cell's critical path: Horner's form made its epoch 4% slower).
template <class V>
[[gnu::always_inline]] inline V exp2_poly(const V& f) {
  const V f2 = f * f, f4 = f2 * f2;
  const V p01 = fast::fma(V(kE[1]), f, V(kE[0])), p23 = fast::fma(V(kE[3]), f, V(kE[2]));
  const V p456 = fast::fma(V(kE[6]), f2, fast::fma(V(kE[5]), f, V(kE[4])));
  return fast::fma(p456, f4, fast::fma(p23, f2, p01));
}
[[gnu::always_inline]] inline xsimd::batch<float> exp2(const xsimd::batch<float>& t) {
  using V = xsimd::batch<float>;
#ifdef __AVX512F__
  const V n = _mm512_roundscale_ps(t, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  return _mm512_scalef_ps(exp2_poly(t - n), n);
#else
  using I = xsimd::batch<std::int32_t>;
  const V n = xsimd::nearbyint(t);
  const I bits = (xsimd::to_int(n) + I(127)) << 23;
  return exp2_poly(t - n) * xsimd::bitwise_cast<V>(bits);
#endif
}
[[gnu::always_inline]] inline float exp2(float t) {
  const float n = std::nearbyint(t);
  return std::ldexp(exp2_poly(t - n), static_cast<int>(n));
}

// sigmoid(x) = 1 / (1 + 2^(-x log2 e)), with -x log2 e clamped to [-126, 126]: 1 + 2^t stays finite, so
// its reciprocal is never 0 * inf. Below x = -87.34 the result stays near 2^-126, the smallest normal
// float (the exact value is smaller); far above 0, 1. Unlike 0.5 + 0.5 tanh(x / 2) it is accurate
// relative to the result below 0 too, where the gradient of a saturated gate is made of it.
inline constexpr float kLog2e = 1.4426950408889634f;
inline constexpr float kExp2Clamp = 126.0f;
template <class V>
[[gnu::always_inline]] inline V sigmoid(const V& v) {
  const V t = fast::clamp(v * V(-kLog2e), kExp2Clamp);
  return fast::reciprocal(V(1.0f) + fast::exp2(t));
}

}  // namespace seqlab::recurrent::fast
