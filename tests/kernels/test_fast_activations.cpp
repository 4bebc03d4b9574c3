// seqlab/kernels/fast_activations.hpp: the fast kernels' branch-free tanh and sigmoid against double precision.
//
// tools/activation_error measures every float32 input (docs/performance.md); this test takes every 257th bit
// pattern (16.7 million inputs, all exponents and signs) and holds it to the worst errors that full run measured:
//   tanh:    4.03e-7 absolute (at x = 7.709), 4.06e-7 relative, 7 ulp
//   sigmoid: 1.48e-7 absolute, 3.98e-6 relative where the exact value is a normal float (at x = -86.95:
//            the rounding of -x log2 e, whose 2^ it takes, grows with |x|)
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <seqlab/kernels/fast_activations.hpp>

#include "activation_error.hpp"  // tools/: the measurement seqlab_activation_error makes over every input

namespace {

using seqlab::activation_error::Function;
using seqlab::activation_error::measure;
namespace fast = seqlab::recurrent::fast;

constexpr std::uint64_t kStride = 257;  // prime: every mantissa residue shows up across exponents

}  // namespace

TEST_CASE("fast tanh: worst error over float32 inputs within the measured 4.03e-7 (7 ulp), never past +-1") {
  const auto worst = measure(Function::tanh, 0, 0xffffffffull, kStride);
  CAPTURE(worst.abs_at);
  CAPTURE(worst.ulps_at);
  CHECK(worst.inputs == 0xffffffffull / kStride + 1);
  CHECK(worst.abs <= 4.03e-7);
  CHECK(worst.rel <= 4.06e-7);
  CHECK(worst.ulps <= 7);
  CHECK_FALSE(worst.out_of_range);
  CHECK_FALSE(worst.nan_lost);
}

TEST_CASE("fast sigmoid: worst error over float32 inputs within the measured 1.48e-7 absolute, 3.98e-6 relative") {
  const auto worst = measure(Function::sigmoid, 0, 0xffffffffull, kStride);
  CAPTURE(worst.abs_at);
  CAPTURE(worst.rel_at);
  CHECK(worst.abs <= 1.48e-7);
  CHECK(worst.rel <= 3.98e-6);
  CHECK_FALSE(worst.out_of_range);
  CHECK_FALSE(worst.nan_lost);
}

TEST_CASE("fast tanh and sigmoid: limits, signed zero, NaN, and the scalar tail equal to the SIMD lanes") {
  const float inf = std::numeric_limits<float>::infinity();
  CHECK(fast::tanh(inf) == 1.0f);
  CHECK(fast::tanh(-inf) == -1.0f);
  CHECK(fast::sigmoid(inf) == 1.0f);
  CHECK(fast::sigmoid(-inf) >= 0.0f);
  CHECK(fast::sigmoid(-inf) <= 2.4e-38f);  // about 2^-126: the clamp keeps 1 + 2^t finite
  CHECK(fast::tanh(0.0f) == 0.0f);
  CHECK(std::signbit(fast::tanh(-0.0f)));
  CHECK(fast::sigmoid(0.0f) == 0.5f);
  CHECK(std::isnan(fast::tanh(std::nanf(""))));
  CHECK(std::isnan(fast::sigmoid(std::nanf(""))));
  // A column computes the same value in a SIMD batch and in the scalar tail.
  using V = xsimd::batch<float>;
  alignas(64) float in[V::size], vt[V::size], vs[V::size];
  for (float start = -20.0f; start < 20.0f; start += 0.37f) {
    for (std::size_t j = 0; j < V::size; ++j) in[j] = start + 0.0123f * static_cast<float>(j);
    fast::tanh(V::load_aligned(in)).store_aligned(vt);
    fast::sigmoid(V::load_aligned(in)).store_aligned(vs);
    for (std::size_t j = 0; j < V::size; ++j) {
      CAPTURE(in[j]);
      CHECK(fast::tanh(in[j]) == vt[j]);
      CHECK(fast::sigmoid(in[j]) == vs[j]);
    }
  }
}
