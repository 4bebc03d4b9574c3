// Successive halving: the sweep's trials trained rung by rung, the best of each rung going on from its checkpoint.
// Tested in tests/sweep/test_halving.cpp
#include <fmt/format.h>
#include <iostream>

#include "sweep/trial_scheduler.hpp"
#include "util/stop_signals.hpp"

namespace fs = std::filesystem;

namespace seqlab {

int run_epochs(const fs::path& dir) {
  const nlohmann::json summary = read_json(dir / "summary.json");
  return summary.is_object() && summary.contains("epochs") && summary["epochs"].is_number_integer()
             ? summary["epochs"].get<int>()
             : 0;
}

void TrialScheduler::record_rung(std::size_t i, TrialResult& r) const {
  r.rung = rung_;
  r.rungs = results_[i].rungs;  // the trial's record before this rung (none before the first)
  r.rungs.resize(static_cast<std::size_t>(rung_));
  const double metric = metric_value(setup_.spec.metric, r);
  r.rungs.emplace_back(rung_epochs_[rung_], r.status == "completed" ? metric : std::nan(""));
}

void TrialScheduler::set_rung(int rung) {
  rung_epochs_ = rung_epochs(*setup_.spec.halving);
  rung_ = rung;
}

int TrialScheduler::rungs() const {
  return setup_.spec.halving ? static_cast<int>(rung_epochs(*setup_.spec.halving).size()) : 0;
}

std::deque<std::size_t> TrialScheduler::rung_queue(const std::vector<std::size_t>& in) const {
  std::deque<std::size_t> queue;
  for (std::size_t i : in)
    if (!results_[i].known || results_[i].rung < rung_ || results_[i].rungs.size() <= static_cast<std::size_t>(rung_))
      queue.push_back(i);
  std::cout << fmt::format("rung {}/{}: {} trials to {} epochs, {} to train\n", rung_ + 1, rung_epochs_.size(),
                           in.size(), rung_epochs_[rung_], queue.size())
            << std::flush;
  return queue;
}

// The rung's metrics as the records keep them decide who goes on: the same trials at any
// --jobs, in any shard or rank, after any resume.
std::vector<std::size_t> TrialScheduler::promote(const std::vector<std::size_t>& in) const {
  std::vector<double> metric;
  for (std::size_t i : in) {
    const auto& recorded = results_[i].rungs;
    metric.push_back(recorded.size() > static_cast<std::size_t>(rung_) ? recorded[rung_].second : std::nan(""));
  }
  std::vector<std::size_t> next;
  for (std::size_t k : promoted(metric, setup_.spec.halving->reduction_factor)) next.push_back(in[k]);
  std::string ids;
  for (std::size_t i : next) ids += " " + setup_.trials[i].id;
  std::cout << fmt::format("rung {}: the best {} of {} by {} go on:{}\n", rung_ + 1, next.size(), in.size(),
                           setup_.spec.metric, ids)
            << std::flush;
  return next;
}

// Rung k trains every trial still in to its budget; once all of them are recorded (here or
// by another process), promote() picks who goes on.
bool TrialScheduler::run_rungs(std::deque<std::size_t> first_rung) {
  std::vector<std::size_t> in(setup_.trials.size());
  for (std::size_t i = 0; i < in.size(); ++i) in[i] = i;
  for (set_rung(0); rung_ < rungs(); set_rung(rung_ + 1)) {
    std::deque<std::size_t> queue = rung_queue(in);
    if (rung_ == 0) queue = std::move(first_rung);  // prepare() already sorted out the folders
    total_to_run_ = queue.size();
    finished_ = failed_ = run_here_ = 0;
    if (!run_queue(std::move(queue))) return false;
    if (rung_ + 1 == rungs()) break;
    in = promote(in);
  }
  return true;
}

}  // namespace seqlab
