// forecast.dat holds two blocks, history then forecast (with the truth when known); forecast.gp draws them.
#include "plots/forecast_plot.hpp"

#include <sstream>
#include <stdexcept>

#include "plots/gnuplot_files.hpp"

namespace seqlab {

PlotOutcome plot_forecast(const std::string& dir, const ForecastSeries& s, const std::string& title) {
  if (s.history_x.size() != s.history.size() || s.x.size() != s.forecast.size() ||
      (!s.truth.empty() && s.truth.size() != s.forecast.size()))
    throw std::invalid_argument("plot_forecast: series of different lengths");
  const auto folder = prepare_dir(dir);
  const bool truth = !s.truth.empty();

  std::ostringstream dat;
  dat << "# forecast" << (title.empty() ? "" : ": " + one_line(title)) << "\n"
      << "# block 0: " << one_line(s.x_label) << " history; block 1: " << one_line(s.x_label) << " forecast"
      << (truth ? " truth" : "") << (s.x_is_date ? " (x in seconds since 1970 UTC)" : "") << "\n";
  for (std::size_t i = 0; i < s.history.size(); ++i)
    dat << number_text(s.history_x[i]) << ' ' << number_text(s.history[i]) << '\n';
  dat << "\n\n";
  for (std::size_t i = 0; i < s.forecast.size(); ++i) {
    dat << number_text(s.x[i]) << ' ' << number_text(s.forecast[i]);
    if (truth) dat << ' ' << number_text(s.truth[i]);
    dat << '\n';
  }
  write_plot_file(folder / "forecast.dat", dat.str());

  std::vector<double> all_x = s.history_x;
  all_x.insert(all_x.end(), s.x.begin(), s.x.end());
  std::ostringstream gp;
  gp << script_preamble("forecast", title, "the data, the forecast after it and the truth where known") << "set xlabel "
     << gp_quote(s.x_label.empty() ? "step" : s.x_label) << "\n"
     << "set ylabel " << gp_quote(s.y_label.empty() ? "value" : s.y_label) << "\n"
     << "set key bmargin center horizontal\n"
     << "set bmargin 5\n"
     << time_axis(all_x, s.x_is_date)
     << "set offsets 0, 0, graph 0.08, graph 0.08\n"
     << "plot 'forecast.dat' index 0 using 1:2 with " << line_style(s.history.size())
     << " linewidth 2 linecolor rgb '#1f77b4' title 'data', \\\n"
     << "     '' index 1 using 1:2 with " << line_style(s.forecast.size())
     << " linewidth 2 linecolor rgb '#ff7f0e' title 'forecast'";
  if (truth)
    gp << ", \\\n     '' index 1 using 1:3 with " << line_style(s.forecast.size())
       << " linewidth 2 dashtype 2 linecolor rgb '#2ca02c' title 'truth'";
  gp << "\nunset output\n";
  write_plot_file(folder / "forecast.gp", gp.str());
  return draw(folder, "forecast", !s.forecast.empty(), "the forecast");
}

}  // namespace seqlab
