// The tensor types of the SDK: float32 xtensor containers and row-major matrix views.
#pragma once

#include <cstddef>
#include <xtensor/xadapt.hpp>
#include <xtensor/xtensor.hpp>

namespace seqlab {

// Shapes are documented where they are used; sequences are (batch, steps, features).
using Tensor1 = xt::xtensor<float, 1>;
using Tensor2 = xt::xtensor<float, 2>;
using Tensor3 = xt::xtensor<float, 3>;

// A (rows x cols) row-major window onto memory owned elsewhere: how kernels hand
// slices of a larger buffer to BLAS without copying. The memory must outlive it.
inline auto matrix_view(float* data, std::size_t rows, std::size_t cols) {
  return xt::adapt(data, rows * cols, xt::no_ownership(), std::array<std::size_t, 2>{rows, cols});
}

inline auto matrix_view(const float* data, std::size_t rows, std::size_t cols) {
  // xt::adapt needs a mutable pointer; the view is only ever read through.
  return matrix_view(const_cast<float*>(data), rows, cols);
}

}  // namespace seqlab
