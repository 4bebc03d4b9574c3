// The scored test windows' forecasts side by side, so a reader can recompute any score or plot the baselines.
// Tested in tests/forecast/test_test_score.cpp
#include "forecast/test_predictions.hpp"

#include <cmath>
#include <fmt/format.h>

#include "util/csv_text.hpp"

namespace seqlab {

std::string test_predictions_csv(const TestScore& s) {
  const char* columns[] = {"model", "persistence", "seasonal_naive", "linear_ar"};
  std::string text = "window,time,output,target,step,row,truth";
  for (const char* c : columns) text += fmt::format(",{}", c);
  text += "\n";
  auto number = [](double v) { return std::isfinite(v) ? fmt::format("{}", v) : std::string(); };
  const std::size_t outputs = s.outputs.size();
  for (std::size_t n = 0; n < s.kept.size(); ++n) {
    if (!s.kept[n]) continue;
    for (std::size_t o = 0; o < outputs; ++o) {
      const long long row = s.rows[n * outputs + o];
      text += fmt::format("{},{},{},{},{},{},{}", n, csv_field(s.times[n * outputs + o]), csv_field(s.outputs[o]),
                          csv_field(s.targets[s.output_targets[o]]), s.output_steps[o],
                          row < 0 ? std::string() : std::to_string(row), number(s.truth(n, o)));
      for (const char* c : columns) {
        const PredictorScore* p = s.find(c);
        text += "," + (p ? number(p->values(n, o)) : std::string());
      }
      text += "\n";
    }
  }
  return text;
}

}  // namespace seqlab
