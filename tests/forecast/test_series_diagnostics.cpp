// KPSS and the autocorrelation against statsmodels 0.13 (values below from kpss(x, "c", nlags=...) and
// acf(np.diff(x), fft=False) on the same formulas), the period found, and the advice on a trending and a
// seasonal series. tests/forecast/diagnostics_statsmodels_test.py checks `seqlab validate` against statsmodels too.
#include <cmath>
#include <doctest/doctest.h>

#include "forecast/series_diagnostics.hpp"

namespace {

constexpr double kPi = 3.14159265358979323846;

std::vector<double> trend(std::size_t n = 120) {
  std::vector<double> x(n);
  for (std::size_t t = 0; t < n; ++t) x[t] = 0.5 * static_cast<double>(t) + 3 * std::sin(static_cast<double>(t) * 0.7);
  return x;
}

std::vector<double> seasonal(std::size_t n = 96) {
  std::vector<double> x(n);
  for (std::size_t t = 0; t < n; ++t)
    x[t] = 10 * std::sin(2 * kPi * static_cast<double>(t) / 12) +
           0.3 * std::sin(0.37 * static_cast<double>(t) * static_cast<double>(t));
  return x;
}

std::vector<double> wiggle(std::size_t n = 60) {
  std::vector<double> x(n);
  for (std::size_t t = 0; t < n; ++t)
    x[t] = std::sin(static_cast<double>(t) * 1.3) + std::cos(static_cast<double>(t) * 2.1);
  return x;
}

std::vector<double> differences(const std::vector<double>& x) {
  std::vector<double> d;
  for (std::size_t t = 1; t < x.size(); ++t) d.push_back(x[t] - x[t - 1]);
  return d;
}

void check_kpss(const std::vector<double>& x, seqlab::KpssLags lags, double statistic, double p, std::size_t used) {
  const seqlab::KpssResult k = seqlab::kpss_level(x, lags);
  CHECK(k.statistic == doctest::Approx(statistic).epsilon(1e-10));
  CHECK(k.p_value == doctest::Approx(p).epsilon(1e-10));
  CHECK(k.lags == used);
}

// One target named `name` with the values of `x` in the data's units (offset 0, scale 1), dated monthly.
struct Fixture {
  seqlab::DataSeries series;
  seqlab::DataDescription description;
};
Fixture monthly(const std::string& name, const std::vector<double>& x) {
  Fixture f;
  f.series.inputs = seqlab::Tensor2::from_shape({x.size(), 1});
  f.series.targets = seqlab::Tensor2::from_shape({x.size(), 1});
  for (std::size_t t = 0; t < x.size(); ++t) {
    f.series.inputs(t, 0) = f.series.targets(t, 0) = static_cast<float>(x[t]);
    f.series.times.push_back(static_cast<double>(t) * 30.4 * 86400);
  }
  f.series.time_step = 31 * 86400;
  f.description.targets = {{name, 0, 1}};
  f.description.inputs = f.description.targets;
  f.description.fed_back = {0};
  f.description.time_kind = seqlab::TimeKind::date;
  return f;
}

}  // namespace

TEST_CASE("KPSS matches statsmodels with its automatic and legacy lags, p interpolated in the table") {
  check_kpss(trend(), seqlab::KpssLags::automatic, 1.817977789948824, 0.01, 6);
  check_kpss(trend(), seqlab::KpssLags::legacy, 0.9685482075967309, 0.01, 13);
  check_kpss(seasonal(), seqlab::KpssLags::automatic, 0.042348552271368224, 0.1, 5);
  check_kpss(seasonal(), seqlab::KpssLags::legacy, 0.4005167729787585, 0.07693242544019031, 12);
  check_kpss(wiggle(), seqlab::KpssLags::automatic, 0.22123748211133823, 0.1, 13);
  check_kpss(wiggle(), seqlab::KpssLags::legacy, 0.12754302833315964, 0.1, 11);
}

TEST_CASE("the autocorrelation matches statsmodels' acf") {
  const auto t = seqlab::autocorrelation(differences(trend()), 15);
  REQUIRE(t.size() == 16);
  CHECK(t[0] == doctest::Approx(1));
  CHECK(t[12] == doctest::Approx(-0.46668647402576197).epsilon(1e-10));
  CHECK(t[3] == doctest::Approx(-0.49189365309835653).epsilon(1e-10));
  const auto s = seqlab::autocorrelation(differences(seasonal()), 15);
  CHECK(s[12] == doctest::Approx(0.8661389175934666).epsilon(1e-10));
  CHECK(s[3] == doctest::Approx(-0.016313980800752335).epsilon(1e-10));
  CHECK(seqlab::autocorrelation(differences(wiggle()), 15)[12] == doctest::Approx(0.2829867518559208).epsilon(1e-10));
}

TEST_CASE("the dominant period prefers the calendar's for dates and finds any significant peak otherwise") {
  const auto dated = seqlab::dominant_period(seasonal(), seqlab::TimeKind::date, 30 * 86400.0);
  CHECK(dated.period == 12);
  CHECK(dated.autocorrelation == doctest::Approx(0.8661389175934666).epsilon(1e-10));
  CHECK(seqlab::dominant_period(seasonal(), seqlab::TimeKind::number, 1).period == 12);
  // A period of 5 rows in numbered rows; white-noise-like steps have none.
  std::vector<double> five(80);
  for (std::size_t t = 0; t < five.size(); ++t) five[t] = static_cast<double>(t % 5 == 0 ? 4 : t % 5);
  CHECK(seqlab::dominant_period(five, seqlab::TimeKind::none, 1).period == 5);
  std::vector<double> flat(50, 1.0);
  CHECK(seqlab::dominant_period(flat, seqlab::TimeKind::none, 1).period == 0);
}

TEST_CASE("the advice says what the settings do not: difference a trend, season and difference a season") {
  Fixture rising = monthly("sales", trend());
  auto d = seqlab::diagnose_targets(rising.series, rising.description, 120);
  REQUIRE(d.size() == 1);
  CHECK(d[0].trends());
  CHECK(d[0].rows == 120);
  auto advice = seqlab::advice_lines(d, rising.description, 0);
  REQUIRE(!advice.empty());
  CHECK(advice[0] == "sales trends upward over the training period (KPSS p < 0.01): try `dataset.difference: [1]`");
  rising.description.difference = {1};
  for (const auto& line : seqlab::advice_lines(d, rising.description, 0))
    CHECK(line.find("trends") == std::string::npos);

  Fixture repeating = monthly("sales", seasonal());
  d = seqlab::diagnose_targets(repeating.series, repeating.description, 96);
  REQUIRE(d.size() == 1);
  CHECK_FALSE(d[0].trends());
  advice = seqlab::advice_lines(d, repeating.description, 0);
  REQUIRE(advice.size() == 1);
  CHECK(advice[0] ==
        "sales repeats every 12 rows (autocorrelation 0.87 at lag 12): try `dataset.season: 12` and "
        "`dataset.difference: [12]`");
  repeating.description.difference = {12};
  CHECK(seqlab::advice_lines(d, repeating.description, 12).empty());
  // A dated monthly series: its season is advised as the month, a calendar input, not a seasonal difference.
  repeating.description.difference = {};
  repeating.description.frequency = "month";
  advice = seqlab::advice_lines(d, repeating.description, 0);
  REQUIRE(advice.size() == 1);
  CHECK(advice[0] ==
        "sales repeats every 12 rows (autocorrelation 0.87 at lag 12): try `dataset.season: 12` and "
        "`dataset.calendar: [month]`");
  repeating.description.input_roles = {{seqlab::InputRole::Kind::calendar, "month", false}};
  CHECK(seqlab::advice_lines(d, repeating.description, 12).empty());
  // Only the training rows are measured.
  CHECK(seqlab::diagnose_targets(repeating.series, repeating.description, 48)[0].rows == 48);
  const auto lines = seqlab::diagnosis_lines(d);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] ==
        "sales (96 training rows): no trend found (KPSS 0.04235, p > 0.1, 5 lags); repeats every 12 rows "
        "(autocorrelation 0.8661 at lag 12)");
}

TEST_CASE("steps that grow with the level advise a log, steps of a constant size do not") {
  std::vector<double> compound(120), additive(120);
  for (std::size_t t = 0; t < compound.size(); ++t) {
    const double swing = (t % 2 == 0 ? 1.0 : -1.0);
    compound[t] = 100 * std::exp(0.02 * static_cast<double>(t)) * (1 + 0.1 * swing);  // steps x level
    additive[t] = 100 + 2 * static_cast<double>(t) + 10 * swing;                      // steps of 2 +- 20
  }
  const auto growing = seqlab::proportional_growth(compound);
  CHECK(growing.level_ratio == doctest::Approx(std::exp(0.02 * 80)).epsilon(1e-9));  // thirds 80 rows apart
  CHECK(growing.step_ratio == doctest::Approx(std::exp(0.02 * 80)).epsilon(1e-9));
  CHECK(growing.proportional());
  CHECK_FALSE(seqlab::proportional_growth(additive).proportional());
  std::vector<double> negative = additive;
  negative[5] = -1;
  CHECK(seqlab::proportional_growth(negative).level_ratio == 1);  // a log needs positive values: not measured

  Fixture rising = monthly("sales", compound);
  const auto d = seqlab::diagnose_targets(rising.series, rising.description, 120);
  REQUIRE(d.size() == 1);
  bool advised = false;
  for (const auto& line : seqlab::advice_lines(d, rising.description, 0))
    advised = advised || line.find("try `dataset.transform: log`") != std::string::npos;
  CHECK(advised);
  rising.description.transform = "log";
  for (const auto& line : seqlab::advice_lines(d, rising.description, 0))
    CHECK(line.find("transform") == std::string::npos);
}
