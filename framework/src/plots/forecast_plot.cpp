// forecast.dat holds two blocks per target, history then forecast (with the truth when known); forecast.gp
// draws them, a panel per target.
#include "plots/forecast_plot.hpp"

#include <sstream>
#include <stdexcept>

#include "plots/gnuplot_files.hpp"
#include "plots/panel_images.hpp"

namespace seqlab {

namespace {

// Target k's blocks are 2k and 2k+1 of the file.
std::string forecast_data(const ForecastSeries& s, const std::string& title, std::size_t k) {
  std::ostringstream dat;
  dat << "# forecast" << (title.empty() ? "" : ": " + one_line(title)) << "\n"
      << "# " << (s.y_label.empty() ? "" : one_line(s.y_label) + ": ") << "block " << 2 * k << ": "
      << one_line(s.x_label) << " history; block " << 2 * k + 1 << ": " << one_line(s.x_label) << " forecast"
      << (s.truth.empty() ? "" : " truth") << (s.x_is_date ? " (x in seconds since 1970 UTC)" : "") << "\n";
  for (std::size_t i = 0; i < s.history.size(); ++i)
    dat << number_text(s.history_x[i]) << ' ' << number_text(s.history[i]) << '\n';
  dat << "\n\n";
  for (std::size_t i = 0; i < s.forecast.size(); ++i) {
    dat << number_text(s.x[i]) << ' ' << number_text(s.forecast[i]);
    if (!s.truth.empty()) dat << ' ' << number_text(s.truth[i]);
    dat << '\n';
  }
  return dat.str();
}

std::string forecast_lines(const std::string& stem, std::size_t target, const ForecastSeries& s) {
  const std::string source = "'" + stem + ".dat' index ";
  std::ostringstream gp;
  gp << "plot " << source << 2 * target << " using 1:2 with " << line_style(s.history.size())
     << " linewidth 2 linecolor rgb '#1f77b4' title 'data', \\\n"
     << "     " << source << 2 * target + 1 << " using 1:2 with " << line_style(s.forecast.size())
     << " linewidth 2 linecolor rgb '#ff7f0e' title 'forecast'";
  if (!s.truth.empty())
    gp << ", \\\n     " << source << 2 * target + 1 << " using 1:3 with " << line_style(s.forecast.size())
       << " linewidth 2 dashtype 2 linecolor rgb '#2ca02c' title 'truth'";
  gp << "\n";
  return gp.str();
}

PlotOutcome draw_image(const std::filesystem::path& folder, const std::string& stem,
                       const std::vector<const ForecastSeries*>& rows, const std::string& title) {
  std::string dat;
  std::vector<double> all_x;
  bool any_points = false;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    dat += (k ? "\n\n" : "") + forecast_data(*rows[k], title, k);
    all_x.insert(all_x.end(), rows[k]->history_x.begin(), rows[k]->history_x.end());
    all_x.insert(all_x.end(), rows[k]->x.begin(), rows[k]->x.end());
    any_points = any_points || !rows[k]->forecast.empty();
  }
  write_plot_file(folder / (stem + ".dat"), dat);

  const ForecastSeries& first = *rows.front();
  const bool multi = rows.size() > 1;
  const auto [width, height] = panel_image_size(rows.size(), 1);
  std::ostringstream gp;
  gp << script_preamble(stem, multi ? "" : title, "the data, the forecast after it and the truth where known",
                        ImageFormat::png, width, height)
     << "set xlabel " << gp_quote(first.x_label.empty() ? "step" : first.x_label) << "\n"
     << "set key tmargin center horizontal\n"  // above: periodic curves fill corners, dates fill the bottom
     << "set bmargin 5\n"
     << time_axis(all_x, first.x_is_date) << "set offsets 0, 0, graph 0.08, graph 0.08\n";
  if (multi) gp << "set multiplot layout " << rows.size() << ",1 title " << gp_quote(title) << "\n";
  for (std::size_t k = 0; k < rows.size(); ++k) {
    if (multi) gp << "set title " << gp_quote(rows[k]->y_label) << "\n";
    gp << "set ylabel " << gp_quote(rows[k]->y_label.empty() ? "value" : rows[k]->y_label) << "\n"
       << forecast_lines(stem, k, *rows[k]);
  }
  if (multi) gp << "unset multiplot\n";
  gp << "unset output\n";
  write_plot_file(folder / (stem + ".gp"), gp.str());
  return draw(folder, stem, any_points, "the forecast");
}

}  // namespace

PlotOutcome plot_forecast(const std::string& dir, const std::vector<ForecastSeries>& targets,
                          const std::string& title) {
  std::vector<std::string> names;
  for (const auto& s : targets) {
    if (s.history_x.size() != s.history.size() || s.x.size() != s.forecast.size() ||
        (!s.truth.empty() && s.truth.size() != s.forecast.size()))
      throw std::invalid_argument("plot_forecast: series of different lengths");
    names.push_back(s.y_label);
  }
  const auto folder = prepare_dir(dir);
  if (targets.empty()) return {false, "there is no forecast, so forecast.png was not drawn"};
  PlotOutcome outcome{true, ""};
  const auto images = panel_images("forecast", names);
  for (const auto& image : images) {
    std::vector<const ForecastSeries*> rows;
    for (std::size_t j : image.targets) rows.push_back(&targets[j]);
    const std::string image_title = images.size() > 1 ? title + " (" + names[image.targets.front()] + ")" : title;
    const PlotOutcome drawn = draw_image(folder, image.stem, rows, image_title);
    if (outcome.drawn && !drawn.drawn) outcome = drawn;
  }
  return outcome;
}

PlotOutcome plot_forecast(const std::string& dir, const ForecastSeries& series, const std::string& title) {
  return plot_forecast(dir, std::vector<ForecastSeries>{series}, title);
}

}  // namespace seqlab
