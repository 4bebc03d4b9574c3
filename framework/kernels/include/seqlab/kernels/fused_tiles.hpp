// The fused kernels' gate order and tile shapes, for recurrent_fast.hpp (rnn, lstm) and gru_fast.hpp.
//
// PyTorch keeps a layer's gates as Q blocks of H columns (lstm: i, f, g, o). A register tile of the
// recurrent product holds NB vectors of W = kWidth columns, so to finish a cell inside the tile
// (register_gemm.hpp's fused_rows) the tile must hold every gate of the units it covers.
// The fused kernels therefore store gates, their weights and dL/da in *unit-block order*: the
// columns of units [u W, u W + W) for gate 0, then gate 1, ..., then the next block of W units:
//   permuted column (u Q + q) W + j  <-  PyTorch's column q H + u W + j
// It exists only inside a shard's buffers and the transposed weight copies; parameters and
// gradients keep PyTorch's order (GateOrder converts). It needs H to be a multiple of W, and
// 512-bit SIMD for the register kernel: otherwise the kernels keep PyTorch's order (identity) and
// the unfused passes.
#pragma once

#include <seqlab/kernels/register_gemm.hpp>
#include <type_traits>
#include <vector>

namespace seqlab::recurrent {

inline constexpr std::size_t kLanes = register_gemm_detail::kWidth;

// Whether a layer of `hidden` units with `gates` gates runs fused.
// Only with 512-bit SIMD: a tile of every gate of a unit block needs 32 registers.
inline bool fuses_cell(std::size_t hidden, std::size_t gates) {
  return register_gemm_detail::kWide && register_gemm_fits(hidden) && register_gemm_nn_fits(hidden, gates * hidden);
}

// PyTorch's gate column -> the kernels' column.
class GateOrder {
 public:
  GateOrder(std::size_t hidden, std::size_t gates, bool unit_blocks) : columns_(gates * hidden) {
    for (std::size_t k = 0; k < columns_.size(); ++k) {
      const std::size_t q = k / hidden, unit = k % hidden;
      columns_[k] = unit_blocks ? ((unit / kLanes) * gates + q) * kLanes + unit % kLanes : k;
    }
  }
  std::size_t operator[](std::size_t k) const { return columns_[k]; }
  std::size_t size() const { return columns_.size(); }

  // to[columns_[k] * width + i] = from[k * width + i]: a (G x width) matrix's rows into the kernels' order.
  void rows_in(const float* from, std::size_t width, float* to) const {
    for (std::size_t k = 0; k < columns_.size(); ++k)
      for (std::size_t i = 0; i < width; ++i) to[columns_[k] * width + i] = from[k * width + i];
  }
  // to[k * width + i] = from[columns_[k] * width + i]: back into PyTorch's order.
  void rows_out(const float* from, std::size_t width, float* to) const {
    for (std::size_t k = 0; k < columns_.size(); ++k)
      for (std::size_t i = 0; i < width; ++i) to[k * width + i] = from[columns_[k] * width + i];
  }
  // to[i * G + columns_[k]] = from[k * width + i]: a (G x width) matrix transposed, columns in the kernels' order.
  void transpose_in(const float* from, std::size_t width, float* to) const {
    const std::size_t g = columns_.size();
    for (std::size_t k = 0; k < g; ++k)
      for (std::size_t i = 0; i < width; ++i) to[i * g + columns_[k]] = from[k * width + i];
  }
  // to[k * width + i] = from[i * G + columns_[k]]: back from transpose_in's layout.
  void transpose_out(const float* from, std::size_t width, float* to) const {
    const std::size_t g = columns_.size();
    for (std::size_t k = 0; k < g; ++k)
      for (std::size_t i = 0; i < width; ++i) to[k * width + i] = from[i * g + columns_[k]];
  }

 private:
  std::vector<std::size_t> columns_;
};

template <std::size_t N>
using Size = std::integral_constant<std::size_t, N>;

// f(R, NB) for a fused forward tile, which must cover whole unit blocks of Q gates (NB a multiple of Q):
// 4 gates in a 6 x 4 tile, 3 in an 8 x 3; one or two gates as any product of the layer's Q H gate columns
// (register_gemm_detail::with_tile, whose NB is 4 or 2 for 2 H columns: two gates need H a multiple of
// the SIMD width, as every fused cell does). A cell with more gates needs a tile chosen here.
template <std::size_t Q, class F>
inline void with_gate_tile(std::size_t hidden, F&& f) {
  static_assert(Q >= 1 && Q <= 4, "with_gate_tile: no fused tile for a cell of more than 4 gates: add one here");
  if constexpr (Q == 4)
    f(Size<6>{}, Size<4>{});
  else if constexpr (Q == 3)
    f(Size<8>{}, Size<3>{});
  else
    register_gemm_detail::with_tile(Q * hidden, f);
}

// The rows of a tile handed to a fused_rows finish.
template <class Sum>
inline constexpr std::size_t tile_rows = std::extent_v<std::remove_reference_t<Sum>>;

}  // namespace seqlab::recurrent
