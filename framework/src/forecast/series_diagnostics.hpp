// What a target series needs before a model sees it: whether it trends (KPSS) and the period it repeats at
// (autocorrelation), measured on the training period in the data's units, and one line of advice each where the
// dataset's settings (difference, season) do not already answer it.
#pragma once

#include <cmath>

#include <cstddef>
#include <string>
#include <vector>

#include "config/experiment.hpp"
#include "seqlab/dataset.hpp"
#include "training/components.hpp"

namespace seqlab {

// The KPSS test of level stationarity, as statsmodels.tsa.stattools.kpss(x, regression="c", nlags=...) computes
// it: the statistic, its p-value interpolated in Kwiatkowski et al.'s table (0.347, 0.463, 0.574, 0.739 for
// 0.10, 0.05, 0.025, 0.01; clipped to [0.01, 0.10] outside it) and the Newey-West lags used.
struct KpssResult {
  double statistic = 0, p_value = 0.1;
  std::size_t lags = 0;
};
enum class KpssLags { automatic, legacy };  // Hobijn et al. (1998), statsmodels' "auto"; or ceil(12 (n/100)^0.25)
KpssResult kpss_level(const std::vector<double>& x, KpssLags lags = KpssLags::automatic);

// statsmodels.tsa.stattools.acf(x, nlags=max_lag, adjusted=False): autocovariances over n, divided by the
// variance; element 0 is 1.
std::vector<double> autocorrelation(const std::vector<double>& x, std::size_t max_lag);

// The period (in rows) a series repeats at: the lag of the highest significant peak (above 1.96 / sqrt(n)) of the
// autocorrelation of its first differences among lags 2 .. min(n / 3, 400); for dates the calendar's period for the
// spacing (12 for months, 4 for quarters, 52 for weeks, 7 for days, 24 for hours) when it is significant.
// Period 0: none found.
struct SeasonResult {
  std::size_t period = 0;
  double autocorrelation = 0;
};
SeasonResult dominant_period(const std::vector<double>& x, TimeKind kind, double time_step);

// Whether a positive series' steps grow in proportion to its level (a multiplicative trend or season, which a log
// makes additive): the mean level and the mean absolute step of the last third of the training rows against the
// first third's.
struct GrowthResult {
  double level_ratio = 1, step_ratio = 1;
  // The level rose by half or more and the steps grew at least as its square root: nearer proportional than flat.
  bool proportional() const { return level_ratio >= 1.5 && step_ratio >= std::sqrt(level_ratio); }
};
GrowthResult proportional_growth(const std::vector<double>& x);

struct TargetDiagnosis {
  std::string name;
  std::size_t rows = 0;  // the training rows measured (gaps left out)
  KpssResult kpss;
  double slope = 0;  // least-squares slope per row, for "upward" or "downward"
  SeasonResult season;
  GrowthResult growth;
  bool trends() const { return kpss.p_value < 0.05; }
};

// Each target's diagnosis on rows [0, training_rows) of its levels (target_levels: the data's units, before any
// transform). A target with fewer than 8 values there is left out.
std::vector<TargetDiagnosis> diagnose_targets(const DataSeries& series, const DataDescription& description,
                                              std::size_t training_rows);

// One line per target: "passengers: trends upward (KPSS 1.92, p < 0.01, 8 lags); repeats every 12 rows
// (autocorrelation 0.83 at lag 12)".
std::vector<std::string> diagnosis_lines(const std::vector<TargetDiagnosis>& diagnoses);

// One line per disagreement with the settings, e.g. "passengers trends upward over the training period (KPSS
// p < 0.01): try `dataset.difference: [1]`". `season` is the dataset's season setting (0: none).
std::vector<std::string> advice_lines(const std::vector<TargetDiagnosis>& diagnoses, const DataDescription& description,
                                      std::size_t season);

// The rows of the training period its windows read: up to the last row a training target comes from.
std::size_t training_rows(const SequenceSet& train, const DataDescription& description);

// dataset.season as the baselines use it: its number, or for `auto` the period found in the first target's
// training period (0 when none); 0 for a dataset without a season.
std::size_t dataset_season(const Components& c, const ResolvedExperiment& e);

// What `seqlab validate` and a run's first lines print: "diagnostics: ..." per target, then "advice: ..." per
// disagreement with the settings. Nothing for a dataset that gives no series.
std::vector<std::string> diagnostics_report(const Components& c, const ResolvedExperiment& e);

}  // namespace seqlab
