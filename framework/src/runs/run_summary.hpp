// summary.json: what a run reached, and the record of where and how it ran.
#pragma once

#include <nlohmann/json.hpp>

#include "config/experiment.hpp"
#include "runs/run_options.hpp"
#include "training/trainer.hpp"

namespace seqlab {

// Status, final and best losses, timings, parameter count, the seqlab and
// compiler that ran it, git state, BLAS, the command line, and each plugin's
// file with its sha256.
nlohmann::json summarize_run(const ResolvedExperiment& e, const RunOptions& options, const TrainingOutcome& outcome,
                             const Components& c);

// {"plugin_dirs": [...], "plugins": {"dataset": {name, file, sha256}, ...}}: where each plugin came
// from. Part of summary.json, and written alone as plugins.json when a run starts, for `seqlab resume`.
nlohmann::json plugins_record(const ResolvedExperiment& e);

}  // namespace seqlab
