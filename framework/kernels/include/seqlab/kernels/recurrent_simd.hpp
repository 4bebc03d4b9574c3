// Elementwise maths for the fast recurrent kernels, written once for a SIMD batch and for the scalar tail.
//
// A cell's per-row pass calls these with V = xsimd::batch<float> for whole batches of columns and with
// V = float for the columns left (for_columns), and gets the same bits either way: the activations are
// fast_activations.hpp's branch-free ones, the same FMA chain on every lane and on the tail.
#pragma once

#include <cstddef>
#include <seqlab/kernels/fast_activations.hpp>
#include <xsimd/xsimd.hpp>

namespace seqlab::recurrent {

namespace simd {
using Batch = xsimd::batch<float>;
inline constexpr std::size_t kWidth = Batch::size;

inline Batch load(const float* p, Batch) { return Batch::load_unaligned(p); }
inline float load(const float* p, float) { return *p; }
inline void store(float* p, const Batch& v) { v.store_unaligned(p); }
inline void store(float* p, float v) { *p = v; }
// Branch-free and the same on every lane and the tail (fast_activations.hpp).
// Always inlined, as fast::tanh and fast::sigmoid are (a call per vector costs more than either).
template <class V>
[[gnu::always_inline]] inline V tanh(const V& v) {
  return fast::tanh(v);
}
template <class V>
[[gnu::always_inline]] inline V sigmoid(const V& v) {
  return fast::sigmoid(v);
}

// Calls kernel(k, Batch{}) for k = 0, W, 2W, ... while a whole batch fits in
// [0, n), then kernel(k, float{}) for the rest.
template <class Kernel>
inline void for_columns(std::size_t n, Kernel&& kernel) {
  std::size_t k = 0;
  for (; k + kWidth <= n; k += kWidth) kernel(k, Batch{});
  for (; k < n; ++k) kernel(k, 0.0f);
}
}  // namespace simd

}  // namespace seqlab::recurrent
