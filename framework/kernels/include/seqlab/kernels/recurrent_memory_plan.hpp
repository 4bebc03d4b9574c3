// The memory plan (seqlab/memory.hpp) of the rnn, lstm and gru models, fast or reference: what their
// constructors and caches will allocate, counted from their settings before anything is made.
#pragma once

#include <algorithm>
#include <cstddef>
#include <seqlab/kernels/recurrent_shards.hpp>
#include <seqlab/kernels/register_gemm.hpp>
#include <seqlab/memory.hpp>
#include <seqlab/parallel.hpp>
#include <string>

namespace seqlab::recurrent {

// The memory plan's share of dropout: per sequence and step, a mask and a dropped copy of h
// at every boundary, when the settings drop anything.
inline double dropout_bytes_per_sequence_step(const PlanArgs& args) {
  const double layers = static_cast<double>(args.params.integer("num_layers"));
  if (args.params.real("dropout") <= 0 || layers < 2) return 0;
  return 2 * sizeof(float) * (layers - 1) * static_cast<double>(args.params.integer("hidden_size"));
}

// The memory plan (seqlab/memory.hpp) of the implementation `kernel` selects, counted from what the
// constructors and make_cache() in recurrent_fast_base.hpp, recurrent_fast.hpp, gru_fast.hpp and
// recurrent_reference.hpp allocate.
// gates: weight blocks per layer; state_width: the fast cell's per-layer state in units of H;
// reference_state: the reference cell's (the LSTM keeps c and tanh(c): 2); split_recurrent: the
// reference keeps the recurrent part apart (the GRU). A GRU shard's (rows, G) step scratch is left
// out: it is under 1/T of its activations.
inline ModelPlan plan_memory(const PlanArgs& args, std::size_t gates, double state_width, double reference_state,
                             bool split_recurrent) {
  const double input = static_cast<double>(args.shape.input_size), output = static_cast<double>(args.shape.output_size);
  const double h = static_cast<double>(args.params.integer("hidden_size"));
  const double layers = static_cast<double>(args.params.integer("num_layers"));
  const double g = static_cast<double>(gates) * h;
  const std::string& head = args.params.text("head");
  const double sequence_head = head == "sequence" || (head == "auto" && args.shape.target_steps != 1) ? 1 : 0;
  const double f = sizeof(float);
  ModelPlan plan;
  double layer_inputs = 0;  // sum over layers of each layer's input width
  for (double l = 0; l < layers; ++l) layer_inputs += l == 0 ? input : h;
  plan.parameters = g * layer_inputs + layers * (g * h + 2 * g) + output * h + output;
  if (args.params.text("kernel") == "reference") {
    const double split = split_recurrent ? 1 : 0;  // r_t per layer, and its gradient
    plan.fixed_bytes = 2 * f * plan.parameters;    // values and gradients
    plan.cache_bytes = sizeof(double) * std::max(g, output);
    plan.bytes_per_sequence_step =
        f * (input + layers * (g + h + reference_state * h + split * g) + sequence_head * output + g + h + split * g) +
        dropout_bytes_per_sequence_step(args);
    return plan;
  }
  // Values, gradients, and per layer the summed bias, W_ih^T and W_hh^T; rnn and lstm (not split_recurrent)
  // also keep W_ih and W_hh in their kernels' gate order (recurrent_fast.hpp).
  const double gate_order_copies = split_recurrent ? 0 : 1;
  plan.fixed_bytes =
      f * (2 * plan.parameters + layers * g + (1 + gate_order_copies) * (g * layer_inputs + layers * h * g));
  // Up to two shards per reduction block (of up to kReductionRows sequences), each with a gradient of every
  // parameter and its sums, and the transposed input weight gradient of the widest layer input that goes
  // through per-step products: two shards' worth per cache, and the rest spread over the sequences.
  const double widest_fold = input <= kFoldedInputWidth ? input * g : 0;
  double widest_step_input = 0;
  for (double l = 0; l < layers; ++l) {
    const double in = l == 0 ? input : h;
    if (in > kFoldedInputWidth && register_gemm_tn_fits(static_cast<std::size_t>(in), static_cast<std::size_t>(g)))
      widest_step_input = std::max(widest_step_input, in * g);
  }
  // Shard::permuted_grad: rnn and lstm keep a weight gradient in the gate order there (G x the widest layer
  // input or H), the gru its dW_hh^T (H x G).
  const double weight_grad_scratch = split_recurrent ? g * h : g * std::max(h, input);
  const double shard_bytes = f * plan.parameters + (sizeof(double) + f) * std::max(g + h + widest_fold, output) +
                             f * widest_step_input + f * weight_grad_scratch;
  const double steps = static_cast<double>(std::max<std::size_t>(1, args.shape.steps));
  const double per_sequence_step =
      f * activation_floats_per_step(input, h, layers, g, state_width, sequence_head * output);
  // train_step's group buffers, per worker thread: the activations of a group of each size its shards
  // have (two, or a few more when shards differ by a row), each about kGroupBytes (more when
  // kMinGroupRows sequences take more), with their own gradients and sums.
  const double group_bytes = std::max(static_cast<double>(kGroupBytes), kMinGroupRows * steps * per_sequence_step);
  const double workspaces =
      2 * static_cast<double>(std::max<std::size_t>(1, args.threads)) * (group_bytes + shard_bytes);
  const double shards_per_sequence_step = 2 * shard_bytes / (static_cast<double>(kReductionRows) * steps);
  plan.cache_bytes = 2 * shard_bytes + workspaces;
  plan.bytes_per_sequence_step = per_sequence_step + dropout_bytes_per_sequence_step(args) + shards_per_sequence_step;
  // Trained in one pass (not with dropout, which train_step declines), a shard's activations are never
  // allocated unless it is a single group (of about kGroupBytes at most; every shard is one where the
  // recurrent product is OpenBLAS's: FastBase::group_count).
  const bool groups = register_gemm_nn_fits(static_cast<std::size_t>(h), static_cast<std::size_t>(g));
  if (dropout_bytes_per_sequence_step(args) == 0 && groups)
    plan.one_pass_bytes_per_sequence_step = shards_per_sequence_step;
  return plan;
}

}  // namespace seqlab::recurrent
