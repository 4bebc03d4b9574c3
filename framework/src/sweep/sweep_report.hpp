// The sweep's report.html: a live page while trials finish, a still one once the sweep ends.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "sweep/sweep_spec.hpp"
#include "sweep/trial_record.hpp"

namespace seqlab {

class SweepReport {
 public:
  // `spec` and `trials` must outlive it. `plots` false: the page without its gnuplot images (--no-plots).
  SweepReport(std::filesystem::path out, std::string name, const SweepSpec& spec, const std::vector<SweepTrial>& trials,
              bool plots);

  // A trial finished (or the sweep started): the page is out of date.
  void changed() { stale_ = true; }
  // Rewrites the live page when it is out of date and due: at once the first time, then no sooner than
  // kMinInterval, nor than ten times what the last page took to write, after it, so a sweep of short trials
  // spends at most about a tenth of its time on the page.
  void refresh(const std::vector<TrialResult>& results);
  // The final page, which no longer reloads itself.
  void finish(const std::vector<TrialResult>& results);

 private:
  void write(const std::vector<TrialResult>& results, bool live);

  std::filesystem::path out_;
  std::string name_;
  const SweepSpec& spec_;
  const std::vector<SweepTrial>& trials_;
  bool plots_ = true;
  bool stale_ = false;
  bool written_ = false;
  bool warned_ = false;
  std::chrono::steady_clock::time_point last_;
  std::chrono::steady_clock::duration cost_{};
};

}  // namespace seqlab
