// `seqlab resume RUN_DIR [--epochs N]`: go on training a run from its checkpoint.
// Tested in tests/runs/test_resume.cpp, tests/runs/test_resume_keeps_summary.cpp
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/subcommand.hpp"
#include "runs/resume_run.hpp"

namespace seqlab {

Subcommand add_resume_command(CLI::App& app, const Invocation& invocation) {
  auto options = std::make_shared<ResumeOptions>();
  options->started = invocation.started;
  options->command_line = invocation.command_line;
  auto* command = app.add_subcommand(
      "resume",
      "continue a run from its checkpoint.bin (written every training.checkpoint_every epochs, at the end, and when "
      "Ctrl-C or SIGTERM stops it) in the same folder; the result is the one the run would have had uninterrupted");
  command->add_option("run_dir", options->run_dir, "the run folder")->required()->type_name("RUN_DIR");
  command->add_option("--epochs", options->epochs, "train to this many epochs in all (more than the run had)")
      ->check(CLI::PositiveNumber)
      ->type_name("N");
  command->add_flag(
      "--no-plots", [options](std::int64_t) { options->plots = false; }, "skip the plots");
  add_run_folder_plugin_options(*command, options->common);
  return {command, [options] { return resume_run(*options); }};
}

}  // namespace seqlab
