// `seqlab call PLUGIN`: one plugin run once on .npy inputs (or its defaults), its outputs and gradients written
// as .npy, for comparing a plugin with PyTorch without writing a loader program.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runs/run_options.hpp"

namespace seqlab {

struct CallOptions {
  CommonOptions common;
  std::string plugin;                 // a plugin name
  std::string kind;                   // --kind: "" when the name has one kind only
  std::vector<std::string> settings;  // --set key=value: the plugin's parameters; the rest take their defaults
  std::string input;                  // --input DIR: "" = every array takes its default
  std::string out;                    // --out DIR: new or empty
  std::uint64_t seed = 0;             // --seed: the plugin's random stream (as a run's of this seed) and defaults
  // Models: the default x's shape (batch, steps, input features) when --input has no x.npy, and the output's
  // features and steps (1: the last step only; the input's steps: every step).
  std::vector<std::size_t> input_shape = {2, 5, 3};
  std::size_t output_size = 1;
  std::size_t target_steps = 1;
  int steps = 1;         // optimizers: updates, each with the same gradients
  int epochs = 10;       // schedulers: epochs of rates
  double base_lr = 0.1;  // schedulers: the optimizer's rate they start from
  // Schedulers: the optimizer's momentum (or first beta) they start from; empty: an optimizer without one.
  std::optional<double> momentum;
};

// Writes the plugin's outputs to options.out and lists them on stdout; returns the exit code (0, 1 or 2).
int call_plugin(const CallOptions& options);

}  // namespace seqlab
