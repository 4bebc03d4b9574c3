// `seqlab call PLUGIN --input DIR --out DIR`: one plugin run once on .npy arrays, its outputs and gradients as .npy.
// Tested in tests/cli/test_call_command.cpp, tests/cli/call_torch_test.py
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/subcommand.hpp"
#include "runs/plugin_call.hpp"

namespace seqlab {

Subcommand add_call_command(CLI::App& app, const Invocation&) {
  auto options = std::make_shared<CallOptions>();
  auto* command = app.add_subcommand(
      "call",
      "run one plugin once on .npy arrays from --input (or its defaults) and write what it computes to --out as .npy, "
      "to compare with PyTorch: a model's output and every parameter's gradient, a loss and its gradient, an "
      "optimizer's updated parameters, a scheduler's rate per epoch, a dataset's splits (docs/command-line.md)");
  command->add_option("plugin", options->plugin, "a plugin name, as `seqlab plugins` lists them")
      ->required()
      ->type_name("PLUGIN");
  command
      ->add_option("--input", options->input,
                   "the folder of input arrays (model: x.npy, <parameter>.npy, grad_output.npy; loss: "
                   "prediction.npy, target.npy; optimizer: <name>.npy and grad_<name>.npy; scheduler: "
                   "train_loss.npy, val_loss.npy); each one left out takes its default")
      ->type_name("DIR");
  command->add_option("--out", options->out, "where the arrays go (new or empty)")->required()->type_name("DIR");
  command->add_option("--set", options->settings, "a plugin parameter (repeatable); the others take their defaults")
      ->type_name("key=value")
      ->allow_extra_args(false);
  command->add_option("--seed", options->seed, "the seed of the plugin's initial state and of every default array")
      ->type_name("N");
  command->add_option("--kind", options->kind, "the plugin's kind, when its name has several")
      ->check(CLI::IsMember({"dataset", "model", "loss", "optimizer", "scheduler"}))
      ->type_name("KIND");
  command
      ->add_option("--input-shape", options->input_shape,
                   "models and losses: the shape (batch, steps, features) of the default x or prediction")
      ->expected(3)
      ->delimiter(',')
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}))
      ->type_name("B,T,F");
  command->add_option("--output-size", options->output_size, "models: features per predicted step")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}))
      ->type_name("N");
  command
      ->add_option("--target-steps", options->target_steps,
                   "models: steps predicted per sequence: 1, the last (default), or the input's steps, every one")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}))
      ->type_name("N");
  command->add_option("--steps", options->steps, "optimizers: updates, each with the same gradients")
      ->check(CLI::Range(1, 1000000))
      ->type_name("N");
  command->add_option("--epochs", options->epochs, "schedulers: epochs of rates to write")
      ->check(CLI::Range(1, 1000000))
      ->type_name("N");
  command->add_option("--base-lr", options->base_lr, "schedulers: the optimizer's rate they start from")
      ->check(CLI::PositiveNumber)
      ->type_name("RATE");
  command
      ->add_option("--momentum", options->momentum,
                   "schedulers: the optimizer's momentum (or Adam's first beta) they start from; without it, an "
                   "optimizer that has none")
      ->check(CLI::Range(0.0, 1.0))
      ->type_name("M");
  add_plugin_dir_option(*command, options->common);
  return {command, [options] { return call_plugin(*options); }};
}

}  // namespace seqlab
