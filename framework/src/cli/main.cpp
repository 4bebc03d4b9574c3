// seqlab's command line: each subcommand comes from its own cli/<name>_command.cpp; this file only wires them up.
// Tested in tests/cli/test_cli_errors.cpp
#include <CLI/CLI.hpp>
#include <csignal>

#include "cli/subcommand.hpp"
#include "seqlab/version.hpp"

int main(int argc, char** argv) {
  seqlab::Invocation invocation{std::chrono::steady_clock::now(), ""};
  for (int i = 0; i < argc; ++i) invocation.command_line += (i ? " " : "") + std::string(argv[i]);
  // A dead gnuplot pipe must be an error we report, not a silent death.
  std::signal(SIGPIPE, SIG_IGN);

  CLI::App app{"seqlab: sequence-model experiments from YAML, every component a plugin"};
  app.set_version_flag("--version", std::string("seqlab ") + seqlab::kVersion);
  app.require_subcommand(1);
  const seqlab::Subcommand subcommands[] = {
      seqlab::add_run_command(app, invocation),       seqlab::add_validate_command(app, invocation),
      seqlab::add_plugins_command(app, invocation),   seqlab::add_check_command(app, invocation),
      seqlab::add_reproduce_command(app, invocation), seqlab::add_compare_command(app, invocation),
      seqlab::add_report_command(app, invocation),    seqlab::add_sweep_command(app, invocation),
      seqlab::add_eval_command(app, invocation),      seqlab::add_predict_command(app, invocation),
      seqlab::add_resume_command(app, invocation),    seqlab::add_reference_command(app, invocation),
      seqlab::add_call_command(app, invocation),
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    // --help and --version succeed; every other parse problem is bad usage.
    return code == 0 ? 0 : 2;
  }
  for (const auto& subcommand : subcommands)
    if (*subcommand.app) return subcommand.run();
  return 2;  // unreachable: CLI11 requires one subcommand
}
