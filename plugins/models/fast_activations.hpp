// Branch-free tanh and sigmoid for the fast recurrent kernels (the reference kernels keep libm's).
//
// Why: the cells' activations were a third of an LSTM epoch's elementwise time; xsimd's tanh picks
// between two formulas per lane and divides, exp-based sigmoid needs range reduction. Here:
//   tanh(x)    = x * P(x^2) / Q(x^2) on x clamped to [-9, 9]   (P degree 5, Q degree 3)
//   sigmoid(x) = 0.5 + 0.5 * tanh(x / 2)
// tanh(9) rounds to 1 in float, so the clamp changes no result; P and Q were fitted for relative
// error by tools/fit_tanh.py (5.9e-8 in exact arithmetic). No division (see reciprocal below). The same FMA chain runs
// on every lane and on the scalar tail, so a column's value does not depend on whether it fell in a SIMD batch. NaN
// stays NaN (a diverging run must still be seen to diverge). Worst error over every float32 input, measured by
// tools/activation_error against double precision, is in tests/plugins/test_fast_activations.cpp and README's
// Performance section.
#pragma once

#include <cmath>
#include <immintrin.h>
#include <seqlab/register_gemm.hpp>
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

template <class V>
[[gnu::always_inline]] inline V sigmoid(const V& v) {
  // Qualified: unqualified, argument-dependent lookup would pick xsimd::tanh for a batch.
  return fast::fma(V(0.5f), fast::tanh(V(0.5f) * v), V(0.5f));
}

}  // namespace seqlab::recurrent::fast
