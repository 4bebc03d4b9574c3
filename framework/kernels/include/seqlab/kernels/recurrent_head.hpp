// The Linear head of a fast recurrent model, on one shard: y = h W_fc^T + b_fc on the top layer's last
// step (head last) or every step (head sequence), and its backward.
//
// The forward sums each output in a fixed order (linear_rows), so a sequence's predictions do not depend
// on the batch it is in; the backward's products are OpenBLAS's, its bias sums are per step in float and
// over steps in double.
#pragma once

#include <algorithm>
#include <cstddef>
#include <seqlab/blas.hpp>
#include <seqlab/kernels/recurrent_common.hpp>
#include <seqlab/kernels/recurrent_products.hpp>
#include <seqlab/kernels/recurrent_shards.hpp>
#include <vector>

namespace seqlab::recurrent {

// The shard's rows of `outputs` (batch-major (B, 1 or T, O)) from its top layer's h.
inline void forward_head(const Sizes& sizes, const std::vector<Parameter>& parameters, std::size_t steps, Shard& sh,
                         Tensor3& outputs) {
  const std::size_t b = sh.rows, h = sizes.hidden, o = sizes.output;
  const float* w = parameters[fc_weight_index(sizes)].value.data();
  const float* bias = parameters[fc_bias_index(sizes)].value.data();
  if (sizes.head == Head::last) {
    float* y = outputs.data() + sh.row0 * o;  // (b, 1, O): this shard's rows
    linear_rows(at(sh.hidden.back(), steps - 1), b, h, w, o, bias, y);
  } else {
    linear_rows(sh.hidden.back().data(), steps * b, h, w, o, bias, sh.head.data());
    to_batch_major(sh.head.data(), b, steps, o, outputs.data() + sh.row0 * steps * o);
  }
}

// sums[k] += sum over rows of m[r][k]: each step in float (few rows), steps
// added in double, so a sum over T*B rows keeps its digits.
inline void accumulate_step_sums(const float* m, std::size_t rows, std::size_t cols, double* sums, float* step) {
  std::fill_n(step, cols, 0.0f);
  for (std::size_t r = 0; r < rows; ++r) {
    const float* row = m + r * cols;
    for (std::size_t k = 0; k < cols; ++k) step[k] += row[k];
  }
  for (std::size_t k = 0; k < cols; ++k) sums[k] += step[k];
}

// The head's gradients into the shard's grads, and dL/dh of the top layer into
// grad_hidden. Returns the first step whose dL/dh it set (earlier ones are zero).
inline std::size_t backward_head(const Sizes& sizes, const std::vector<Parameter>& parameters, std::size_t steps,
                                 Shard& sh, const Tensor3& grad_outputs) {
  const std::size_t b = sh.rows, h = sizes.hidden, o = sizes.output;
  const float* w = parameters[fc_weight_index(sizes)].value.data();
  float* dw = sh.grads[fc_weight_index(sizes)].data();
  float* db = sh.grads[fc_bias_index(sizes)].data();
  const bool last = sizes.head == Head::last;
  const std::size_t rows = last ? b : steps * b;
  const float* top = last ? at(sh.hidden.back(), steps - 1) : sh.hidden.back().data();
  const float* dy = grad_outputs.data() + sh.row0 * o;  // last: (b, 1, O), this shard's rows
  if (!last) {
    to_time_major(grad_outputs.data() + sh.row0 * steps * o, b, steps, o, sh.head.data());
    dy = sh.head.data();
  }
  gemm(dy, rows, o, Transpose::yes, top, rows, h, Transpose::no, dw);
  std::fill_n(sh.sums.begin(), o, 0.0);
  accumulate_step_sums(dy, rows, o, sh.sums.data(), sh.step_sums.data());
  for (std::size_t k = 0; k < o; ++k) db[k] = static_cast<float>(sh.sums[k]);
  gemm(dy, rows, o, Transpose::no, w, o, h, Transpose::no,
       last ? at(sh.grad_hidden, steps - 1) : sh.grad_hidden.data());
  return last ? steps - 1 : 0;
}

}  // namespace seqlab::recurrent
