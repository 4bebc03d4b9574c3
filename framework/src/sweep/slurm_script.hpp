// `seqlab sweep --emit-slurm FILE`: a job-array script whose task I runs `seqlab sweep --shard I/N`.
#pragma once

#include <cstddef>

#include "config/experiment.hpp"
#include "sweep/sweep_options.hpp"

namespace seqlab {

// Writes options.emit_slurm (executable): `trials` trials in options.shards
// array tasks (one per trial when 0), at most options.max_concurrent at a time,
// every task writing into the one sweep folder; then prints how to submit it
// and the --collect command that summarises the sweep afterwards.
void emit_slurm_script(const SweepOptions& options, const ResolvedExperiment& base, std::size_t trials);

}  // namespace seqlab
