// The worst error of the fast kernels' tanh and sigmoid (seqlab/kernels/fast_activations.hpp) against
// double precision, over float32 inputs: every one (tools/activation_error) or a strided subset (the test).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <seqlab/kernels/fast_activations.hpp>

namespace seqlab::activation_error {

struct Worst {
  double abs = 0;    // largest |fast - exact|
  float abs_at = 0;  // the input that gave it
  double ulps = 0;   // largest distance from the correctly rounded float, in units in the last place
  float ulps_at = 0;
  double rel = 0;  // largest |fast - exact| / |exact|, over inputs whose exact value is a normal float
  float rel_at = 0;
  bool out_of_range = false;  // a result outside [-1, 1] (tanh) or [0, 1] (sigmoid)
  bool nan_lost = false;      // a NaN input that did not give NaN
  std::uint64_t inputs = 0;

  void merge(const Worst& o) {
    if (o.abs > abs) abs = o.abs, abs_at = o.abs_at;
    if (o.ulps > ulps) ulps = o.ulps, ulps_at = o.ulps_at;
    if (o.rel > rel) rel = o.rel, rel_at = o.rel_at;
    out_of_range |= o.out_of_range;
    nan_lost |= o.nan_lost;
    inputs += o.inputs;
  }
};

// Floats as integers ordered like the values they encode (for distances in ulps).
inline std::int64_t ordered(float v) {
  std::int32_t i;
  std::memcpy(&i, &v, sizeof i);
  return i < 0 ? -static_cast<std::int64_t>(i & 0x7fffffff) : i;
}

enum class Function { tanh, sigmoid };

inline double exact(Function f, double x) { return f == Function::tanh ? std::tanh(x) : 1.0 / (1.0 + std::exp(-x)); }

// Every input whose bit pattern is first, first + stride, ... up to last (inclusive), in SIMD batches
// as the kernels evaluate them.
inline Worst measure(Function f, std::uint64_t first, std::uint64_t last, std::uint64_t stride) {
  using V = xsimd::batch<float>;
  constexpr std::size_t W = V::size;
  Worst worst;
  alignas(64) float in[W], out[W];
  const double low = f == Function::tanh ? -1.0 : 0.0;
  for (std::uint64_t bits = first; bits <= last;) {
    std::size_t n = 0;
    for (; n < W && bits <= last; ++n, bits += stride) {
      const auto b = static_cast<std::uint32_t>(bits);
      std::memcpy(&in[n], &b, sizeof b);
    }
    for (std::size_t j = n; j < W; ++j) in[j] = 0;
    const V x = V::load_aligned(in);
    (f == Function::tanh ? recurrent::fast::tanh(x) : recurrent::fast::sigmoid(x)).store_aligned(out);
    for (std::size_t j = 0; j < n; ++j) {
      ++worst.inputs;
      if (std::isnan(in[j])) {
        worst.nan_lost |= !std::isnan(out[j]);
        continue;
      }
      if (out[j] < low || out[j] > 1.0f || std::isnan(out[j])) worst.out_of_range = true;
      const double e = exact(f, in[j]);
      const double abs = std::abs(out[j] - e);
      const double ulps = static_cast<double>(std::llabs(ordered(out[j]) - ordered(static_cast<float>(e))));
      if (abs > worst.abs) worst.abs = abs, worst.abs_at = in[j];
      if (ulps > worst.ulps) worst.ulps = ulps, worst.ulps_at = in[j];
      if (std::abs(e) >= std::numeric_limits<float>::min() && abs / std::abs(e) > worst.rel)
        worst.rel = abs / std::abs(e), worst.rel_at = in[j];
    }
  }
  return worst;
}

}  // namespace seqlab::activation_error
