// The sbatch script for a sweep as a Slurm job array: each array task one --shard of the trials.
#include "sweep/slurm_script.hpp"

#include <fmt/format.h>
#include <iostream>

#include "sweep/sweep_setup.hpp"
#include "util/atomic_file.hpp"
#include "util/paths.hpp"

namespace fs = std::filesystem;

namespace seqlab {

void emit_slurm_script(const SweepOptions& options, const ResolvedExperiment& base, std::size_t trials) {
  // One task per trial by default; never more tasks than Slurm's array may hold: trials then share tasks.
  const std::size_t wanted = options.shards > 0 ? std::min<std::size_t>(options.shards, trials) : trials;
  const std::size_t shards = std::min<std::size_t>(wanted, static_cast<std::size_t>(options.max_array_size));
  const fs::path binary = fs::read_symlink("/proc/self/exe");
  const fs::path experiment = fs::absolute(options.run.experiment);
  const fs::path out = fs::absolute(sweep_folder(options, base)).lexically_normal();
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
