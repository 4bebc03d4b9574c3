// The sbatch script for a sweep as a Slurm job array: each array task one --shard of the trials.
#include "sweep/slurm_script.hpp"

#include <fmt/format.h>
#include <iostream>

#include "config/config_error.hpp"
#include "sweep/sweep_setup.hpp"
#include "util/atomic_file.hpp"
#include "util/paths.hpp"
#include "util/short_list.hpp"

namespace fs = std::filesystem;

namespace seqlab {

namespace {

bool has_control_character(const std::string& text) {
  for (const char c : text)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return true;
  return false;
}

// The script names every path and value in its comment lines too, where a newline would end the comment and
// make the rest a command `bash job.sbatch` runs: one with a control character is refused, nothing written.
// `option` is how the user gave it: "--out" and the like, "" for a key.path=value override, "-" for a path
// the message names by itself (the experiment, or one seqlab worked out).
void refuse_control_characters(const std::string& option, const std::string& text, const std::string& what) {
  if (!has_control_character(text)) return;
  SourceLocation where;
  if (option.empty())
    where.override = printable(text, std::string::npos);
  else if (option.rfind("--", 0) == 0)
    where.override = option + " " + printable(text, std::string::npos);
  else
    where.file = printable(text, std::string::npos);
  throw ConfigError(where, "",
                    what +
                        " holds a control character, which the Slurm script cannot carry (a newline would end "
                        "its comment line and run the rest as a command); use a path or value without one");
}

}  // namespace

void emit_slurm_script(const SweepOptions& options, const ResolvedExperiment& base, std::size_t trials) {
  // One task per trial by default; never more tasks than Slurm's array may hold: trials then share tasks.
  const std::size_t wanted = options.shards > 0 ? std::min<std::size_t>(options.shards, trials) : trials;
  const std::size_t shards = std::min<std::size_t>(wanted, static_cast<std::size_t>(options.max_array_size));
  const fs::path binary = fs::read_symlink("/proc/self/exe");
  const fs::path experiment = fs::absolute(options.run.experiment);
  const fs::path out = fs::absolute(sweep_folder(options, base)).lexically_normal();
  refuse_control_characters("-", binary.string(), "the path of the seqlab binary");
  refuse_control_characters("-", experiment.string(), "the experiment's path");
  refuse_control_characters(options.run.out.empty() ? "-" : "--out", out.string(), "the sweep folder's path");
  refuse_control_characters("--emit-slurm", options.emit_slurm, "the script's path");
  for (const auto& o : options.run.overrides) refuse_control_characters("", o, "the override");
  for (const auto& d : options.run.common.plugin_dirs)
    refuse_control_characters("--plugin-dir", fs::absolute(d).string(), "the plugin folder's path");
  std::string command = shell_quoted(binary.string()) + " sweep " + shell_quoted(experiment.string());
  for (const auto& o : options.run.overrides) command += " " + shell_quoted(o);
  for (const auto& d : options.run.common.plugin_dirs)
    command += " --plugin-dir " + shell_quoted(fs::absolute(d).string());
  const std::string collect = command + " --collect --out " + shell_quoted(out.string());
  command +=
      fmt::format(" --shard \"${{SLURM_ARRAY_TASK_ID}}/{}\" --jobs \"${{SLURM_CPUS_PER_TASK:-1}}\" --no-plots --out {}",
                  shards, shell_quoted(out.string()));
  std::string script = "#!/bin/bash\n";
  script += fmt::format("# The sweep of {} as a Slurm job array: {} trials in {} array tasks.\n", experiment.string(),
                        trials, shards);
  script += "# Array task I runs the trials k (0-based, in --dry-run order) with k % " + std::to_string(shards) +
            " == I - 1,\n# each into its own folder of the shared sweep folder " + out.string() + ".\n";
  script += "# Submit:  sbatch " + options.emit_slurm + "\n";
  script += "# After every task has finished, write summary.csv, summary.md and the plots with:\n#   " + collect + "\n";
  script += "# A task that fails or is cancelled can be resubmitted: finished trials are skipped.\n";
  // A job name Slurm and the shell keep whole ("my grid #1" -> "my_grid__1").
  script += "#SBATCH --job-name=" + file_name_part(base.name + "-sweep") + "\n";
  script += fmt::format("#SBATCH --array=1-{}{}\n", shards,
                        options.max_concurrent > 0 ? "%" + std::to_string(options.max_concurrent) : "");
  script += "#SBATCH --cpus-per-task=1\n";
  script += "set -euo pipefail\n";
  script += "exec " + command + "\n";
  write_file_atomically(options.emit_slurm, script);
  fs::permissions(options.emit_slurm, fs::perms::owner_exec | fs::perms::group_exec, fs::perm_options::add);
  std::cout << fmt::format("wrote {}: {} array tasks for {} trials{}; submit it with `sbatch {}`, then run\n  {}\n",
                           options.emit_slurm, shards, trials,
                           shards < wanted ? fmt::format(" (at most {} tasks: --max-array-size)", shards) : "",
                           options.emit_slurm, collect);
}

}  // namespace seqlab
