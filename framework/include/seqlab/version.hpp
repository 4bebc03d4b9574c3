// seqlab's version and plugin API version: the numbers the loader compares.
#pragma once

namespace seqlab {

// Bumped on every release; recorded in each run's summary.json.
inline constexpr const char* kVersion = "0.2.0";

// Bumped whenever a public SDK type changes layout or meaning. A plugin built
// against another API version is refused before any of its code runs.
inline constexpr unsigned kApiVersion = 10;  // 2: memory plans (seqlab/memory.hpp); 3: test split, data units, series;
                                             // 4: Model::set_training, schedulers, optimizer rate and state;
                                             // 5: Model::draws_per_sequence, reduction blocks (parallel.hpp);
                                             // 6: EpochLosses::val_loss NaN on epochs validate_every skips;
                                             //    ThreadPool spins before it sleeps (its layout);
                                             // 7: Model::train_step, Loss::separable and gradient_elements
                                             //    (new virtual functions), ModelPlan's one-pass figure;
                                             // 8: BuildFacts' texts are char arrays (read from the file before
                                             //    loading), the descriptor constexpr
                                             // 9: Scheduler::start(ScheduleStart), next_step, momentum;
                                             // 10: target transforms (DataDescription::transform, difference;
                                             //     DataSeries::levels), calendar time and known-future inputs;
                                             //    Optimizer::momentum, set_momentum (step_on: batch)

}  // namespace seqlab
