// Trend and season diagnostics of the target series on the training period, and the advice they give.
// Tested in tests/forecast/test_series_diagnostics.cpp, tests/forecast/diagnostics_statsmodels_test.py
#include "forecast/series_diagnostics.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <numeric>

#include "forecast/data_units.hpp"

namespace seqlab {

namespace {

constexpr double kDay = 86400;
constexpr std::size_t kMaxLag = 400;  // beyond a year of days

std::vector<double> demeaned(const std::vector<double>& x) {
  const double mean = std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
  std::vector<double> r(x.size());
  for (std::size_t t = 0; t < x.size(); ++t) r[t] = x[t] - mean;
  return r;
}

// sum_t r[t + lag] r[t]
double lagged_product(const std::vector<double>& r, std::size_t lag) {
  double sum = 0;
  for (std::size_t t = lag; t < r.size(); ++t) sum += r[t] * r[t - lag];
  return sum;
}

// Hobijn et al. (1998) as statsmodels' _kpss_autolag.
std::size_t automatic_lags(const std::vector<double>& r) {
  const auto n = static_cast<double>(r.size());
  const auto covlags = static_cast<std::size_t>(std::pow(n, 2.0 / 9.0));
  double s0 = lagged_product(r, 0) / n, s1 = 0;
  for (std::size_t i = 1; i <= covlags && i < r.size(); ++i) {
    const double product = lagged_product(r, i) / (n / 2.0);
    s0 += product;
    s1 += static_cast<double>(i) * product;
  }
  const double s_hat = s1 / s0;
  const double gamma = 1.1447 * std::pow(s_hat * s_hat, 1.0 / 3.0);
  return static_cast<std::size_t>(gamma * std::pow(n, 1.0 / 3.0));
}

// The calendar's seasonal period for a spacing of dates, 0 when it has none.
std::size_t calendar_period(TimeKind kind, double step) {
  if (kind != TimeKind::date) return 0;
  const double days = step / kDay;
  if (days >= 27.5 && days <= 31.5) return 12;
  if (days >= 88 && days <= 93) return 4;
  if (std::abs(days - 7) < 0.5) return 52;
  if (std::abs(days - 1) < 0.05) return 7;
  if (std::abs(step - 3600) < 1) return 24;
  return 0;
}

std::string p_text(const KpssResult& k) {
  if (k.statistic >= 0.739) return "p < 0.01";
  if (k.statistic <= 0.347) return "p > 0.1";
  return fmt::format("p = {:.3f}", k.p_value);
}

bool has_lag(const DataDescription& d, std::size_t lag) {
  return std::find(d.difference.begin(), d.difference.end(), lag) != d.difference.end();
}

// The calendar field whose cycle is `period` rows at the data's frequency (month for 12 monthly rows), or "".
// A recurrent model given that field as an input learns the season from it, where seasonal differencing would
// leave it a near-white-noise series to fit (on the shipped gas series: test RMSE 2,890 against 4,480).
std::string calendar_field_for(const DataDescription& d, std::size_t period) {
  const std::string& f = d.frequency;
  if ((f == "month" || f == "month_end") && period == 12) return "month";
  if ((f == "quarter" || f == "quarter_end") && period == 4) return "quarter";
  if (f == "week" && period == 52) return "weekofyear";
  if (f == "day" && period == 7) return "dayofweek";
  if (f == "hour" && period == 24) return "hour";
  return "";
}

bool has_calendar(const DataDescription& d, const std::string& field) {
  return std::any_of(d.input_roles.begin(), d.input_roles.end(),
                     [&](const InputRole& r) { return r.kind == InputRole::Kind::calendar && r.field == field; });
}

std::string lags_text(std::vector<std::size_t> lags) {
  std::sort(lags.begin(), lags.end());
  lags.erase(std::unique(lags.begin(), lags.end()), lags.end());
  std::string out;
  for (std::size_t lag : lags) out += (out.empty() ? "" : ", ") + std::to_string(lag);
  return "[" + out + "]";
}

}  // namespace

KpssResult kpss_level(const std::vector<double>& x, KpssLags lags) {
  KpssResult k;
  const std::size_t n = x.size();
  if (n < 2) return k;
  const std::vector<double> r = demeaned(x);
  k.lags = lags == KpssLags::legacy ? static_cast<std::size_t>(std::ceil(12.0 * std::pow(n / 100.0, 0.25)))
                                    : automatic_lags(r);
  k.lags = std::min(k.lags, n - 1);
  double cumulative = 0, eta = 0;
  for (double v : r) {
    cumulative += v;
    eta += cumulative * cumulative;
  }
  eta /= static_cast<double>(n) * static_cast<double>(n);
  double s_hat = lagged_product(r, 0);
  for (std::size_t i = 1; i <= k.lags; ++i)
    s_hat += 2 * lagged_product(r, i) * (1.0 - static_cast<double>(i) / (static_cast<double>(k.lags) + 1.0));
  s_hat /= static_cast<double>(n);
  k.statistic = s_hat > 0 ? eta / s_hat : 0;
  static const double crit[] = {0.347, 0.463, 0.574, 0.739}, p[] = {0.10, 0.05, 0.025, 0.01};
  if (k.statistic <= crit[0]) {
    k.p_value = p[0];
  } else if (k.statistic >= crit[3]) {
    k.p_value = p[3];
  } else {
    std::size_t i = 0;
    while (k.statistic > crit[i + 1]) ++i;
    k.p_value = p[i] + (p[i + 1] - p[i]) * (k.statistic - crit[i]) / (crit[i + 1] - crit[i]);
  }
  return k;
}

std::vector<double> autocorrelation(const std::vector<double>& x, std::size_t max_lag) {
  const std::vector<double> r = demeaned(x);
  const double variance = lagged_product(r, 0);
  std::vector<double> acf(std::min(max_lag, x.empty() ? 0 : x.size() - 1) + 1, 0.0);
  for (std::size_t k = 0; k < acf.size(); ++k) acf[k] = variance > 0 ? lagged_product(r, k) / variance : 0;
  return acf;
}

SeasonResult dominant_period(const std::vector<double>& x, TimeKind kind, double time_step) {
  if (x.size() < 8) return {};
  std::vector<double> change(x.size() - 1);
  for (std::size_t t = 1; t < x.size(); ++t) change[t - 1] = x[t] - x[t - 1];
  // Lags up to a third of the series, and at most kMaxLag: the autocorrelation costs rows x lags.
  const std::size_t max_lag = std::min(change.size() / 3, kMaxLag);
  if (max_lag < 2) return {};
  const std::vector<double> acf = autocorrelation(change, max_lag + 1);
  const double significant = 1.96 / std::sqrt(static_cast<double>(change.size()));
  const auto peak = [&](std::size_t k) {
    return acf[k] > significant && acf[k] >= acf[k - 1] && (k + 1 >= acf.size() || acf[k] >= acf[k + 1]);
  };
  const std::size_t calendar = calendar_period(kind, time_step);
  // The calendar's period wins whenever it is significant: a neighbouring lag may peak higher by chance.
  if (calendar >= 2 && calendar <= max_lag && acf[calendar] > significant) return {calendar, acf[calendar]};
  SeasonResult best;
  for (std::size_t k = 2; k <= max_lag; ++k)
    if (peak(k) && acf[k] > best.autocorrelation) best = {k, acf[k]};
  return best;
}

GrowthResult proportional_growth(const std::vector<double>& x) {
  GrowthResult g;
  const std::size_t third = x.size() / 3;
  if (third < 4 || *std::min_element(x.begin(), x.end()) <= 0) return g;
  auto mean_level = [&](std::size_t from) {
    return std::accumulate(x.begin() + static_cast<std::ptrdiff_t>(from),
                           x.begin() + static_cast<std::ptrdiff_t>(from + third), 0.0) /
           static_cast<double>(third);
  };
  auto mean_step = [&](std::size_t from) {
    double sum = 0;
    for (std::size_t t = from + 1; t < from + third; ++t) sum += std::abs(x[t] - x[t - 1]);
    return sum / static_cast<double>(third - 1);
  };
  const std::size_t last = x.size() - third;
  const double first_step = mean_step(0);
  if (first_step <= 0) return g;
  g.level_ratio = mean_level(last) / mean_level(0);
  g.step_ratio = mean_step(last) / first_step;
  return g;
}

std::vector<TargetDiagnosis> diagnose_targets(const DataSeries& series, const DataDescription& description,
                                              std::size_t training_rows) {
  std::vector<TargetDiagnosis> out;
  if (description.targets.empty() || series.rows() == 0) return out;
  const xt::xtensor<double, 2> levels = target_levels(series, description);
  const std::size_t rows = std::min(training_rows, levels.shape()[0]);
  for (std::size_t j = 0; j < levels.shape()[1]; ++j) {
    std::vector<double> x;
    for (std::size_t r = 0; r < rows; ++r)
      if (std::isfinite(levels(r, j))) x.push_back(levels(r, j));
    if (x.size() < 8) continue;
    TargetDiagnosis d;
    d.name = description.targets[j].name;
    d.rows = x.size();
    d.kpss = kpss_level(x);
    const double n = static_cast<double>(x.size()), mean_t = (n - 1) / 2;
    const double mean_x = std::accumulate(x.begin(), x.end(), 0.0) / n;
    double sxy = 0, sxx = 0;
    for (std::size_t t = 0; t < x.size(); ++t) {
      sxy += (static_cast<double>(t) - mean_t) * (x[t] - mean_x);
      sxx += (static_cast<double>(t) - mean_t) * (static_cast<double>(t) - mean_t);
    }
    d.slope = sxx > 0 ? sxy / sxx : 0;
    d.season = dominant_period(x, description.time_kind, series.time_step);
    d.growth = proportional_growth(x);
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<std::string> diagnosis_lines(const std::vector<TargetDiagnosis>& diagnoses) {
  std::vector<std::string> lines;
  for (const auto& d : diagnoses) {
    std::string line = fmt::format("{} ({} training rows): {} (KPSS {:.4g}, {}, {} lags); ", d.name, d.rows,
                                   d.trends() ? (d.slope >= 0 ? "trends upward" : "trends downward") : "no trend found",
                                   d.kpss.statistic, p_text(d.kpss), d.kpss.lags);
    line += d.season.period ? fmt::format("repeats every {} rows (autocorrelation {:.4f} at lag {})", d.season.period,
                                          d.season.autocorrelation, d.season.period)
                            : "no seasonal period found";
    lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> advice_lines(const std::vector<TargetDiagnosis>& diagnoses, const DataDescription& description,
                                      std::size_t season) {
  std::vector<std::string> lines;
  for (const auto& d : diagnoses) {
    const bool differenced = !description.difference.empty();
    if (d.trends() && !differenced)
      lines.push_back(fmt::format("{} trends {} over the training period (KPSS {}): try `dataset.difference: [1]`",
                                  d.name, d.slope >= 0 ? "upward" : "downward", p_text(d.kpss)));
    if (d.growth.proportional() && description.transform == "none")
      lines.push_back(
          fmt::format("{}'s steps grow with its level over the training period (x{:.1f} while the level "
                      "rose x{:.1f}): try `dataset.transform: log`",
                      d.name, d.growth.step_ratio, d.growth.level_ratio));
    const std::size_t p = d.season.period;
    const std::string field = calendar_field_for(description, p);
    const bool season_handled =
        field.empty() ? has_lag(description, p) : has_calendar(description, field) || has_lag(description, p);
    if (!p || (season == p && season_handled)) continue;
    std::vector<std::string> tries;
    if (season != p) tries.push_back(fmt::format("`dataset.season: {}`", p));
    if (!season_handled && !field.empty()) {
      tries.push_back(fmt::format("`dataset.calendar: [{}]`", field));
    } else if (!season_handled) {
      std::vector<std::size_t> lags = description.difference;
      if (d.trends() && lags.empty()) lags.push_back(1);
      lags.push_back(p);
      tries.push_back("`dataset.difference: " + lags_text(lags) + "`");
    }
    lines.push_back(fmt::format("{} repeats every {} rows (autocorrelation {:.2f} at lag {}): try {}", d.name, p,
                                d.season.autocorrelation, p,
                                tries.size() == 1 ? tries[0] : tries[0] + " and " + tries[1]));
  }
  return lines;
}

std::size_t training_rows(const SequenceSet& train, const DataDescription& description) {
  if (train.last_rows.empty()) return 0;
  return *std::max_element(train.last_rows.begin(), train.last_rows.end()) + 1 + description.horizon;
}

namespace {

std::vector<TargetDiagnosis> training_diagnoses(const Components& c, const DataSeries& series,
                                                const DataDescription& description) {
  return diagnose_targets(series, description, training_rows(c.data.train, description));
}

bool season_is_auto(const ResolvedExperiment& e) {
  return e.dataset.params.has("season") && e.dataset.params.is_text("season") &&
         e.dataset.params.text("season") == "auto";
}

}  // namespace

std::size_t dataset_season(const Components& c, const ResolvedExperiment& e) {
  if (!e.dataset.params.has("season")) return 0;
  if (!season_is_auto(e)) return static_cast<std::size_t>(e.dataset.params.integer("season"));
  const DataDescription description = c.dataset->describe();
  const auto diagnoses = training_diagnoses(c, c.dataset->series(), description);
  return diagnoses.empty() ? 0 : diagnoses.front().season.period;
}

std::vector<std::string> diagnostics_report(const Components& c, const ResolvedExperiment& e) {
  const DataSeries series = c.dataset->series();
  const DataDescription description = c.dataset->describe();
  const auto diagnoses = training_diagnoses(c, series, description);
  std::vector<std::string> lines;
  for (const auto& line : diagnosis_lines(diagnoses)) lines.push_back("diagnostics: " + line);
  if (season_is_auto(e)) {
    const std::size_t season = diagnoses.empty() ? 0 : diagnoses.front().season.period;
    lines.push_back(season ? fmt::format("diagnostics: season: auto is {} rows for the baselines", season)
                           : "diagnostics: season: auto found no seasonal period; the baselines repeat the last value");
  }
  for (const auto& line : advice_lines(diagnoses, description, dataset_season(c, e)))
    lines.push_back("advice: " + line);
  return lines;
}

}  // namespace seqlab
