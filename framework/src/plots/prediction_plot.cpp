// prediction.dat holds a block per panel; prediction.gp lays the panels out with gnuplot's multiplot.
#include "plots/prediction_plot.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "plots/gnuplot_files.hpp"
#include "plots/panel_images.hpp"

namespace seqlab {

namespace fs = std::filesystem;

namespace {

// Baselines thin and dashed in muted colours, so the model's line stays the one to read.
constexpr const char* kBaselineColours[] = {"#7f7f7f", "#2ca02c", "#9467bd", "#8c564b", "#e377c2"};

void check_lengths(const PredictionSeries& s) {
  const std::size_t n = s.target.size();
  bool fine = s.predicted.size() == n && (s.x.empty() || s.x.size() == n);
  for (const auto& b : s.baselines) fine = fine && b.values.size() == n;
  if (!fine)
    throw std::invalid_argument("plot_predictions: " + std::to_string(n) + " targets but " +
                                std::to_string(s.predicted.size()) + " predictions, " + std::to_string(s.x.size()) +
                                " x values or baselines of another length");
}

std::string panel_data(const PredictionSeries& s, const std::string& title) {
  std::ostringstream dat;
  const std::string x_label = s.x_label.empty() ? "index" : s.x_label;
  dat << "# target and prediction" << (title.empty() ? "" : ": " + one_line(title))
      << (s.panel.empty() ? "" : " (" + one_line(s.panel) + ")") << "\n# " << one_line(x_label)
      << (s.x_is_date ? " (seconds since 1970 UTC)" : "") << " target predicted";
  for (const auto& b : s.baselines) dat << " '" << one_line(b.name) << "'";
  dat << "\n";
  for (std::size_t i = 0; i < s.target.size(); ++i) {
    dat << (s.x.empty() ? std::to_string(i) : number_text(s.x[i])) << ' ' << number_text(s.target[i]) << ' '
        << number_text(s.predicted[i]);
    for (const auto& b : s.baselines) dat << ' ' << number_text(b.values[i]);
    dat << '\n';
  }
  return dat.str();
}

std::string panel_plot(const std::string& stem, std::size_t block, const PredictionSeries& s) {
  std::ostringstream gp;
  const std::string style = line_style(s.target.size());
  const std::string source = "'" + stem + ".dat' index " + std::to_string(block);
  gp << "plot " << source << " using 1:2 with " << style << " linewidth 2 linecolor rgb '#1f77b4' title 'target', \\\n"
     << "     " << source << " using 1:3 with " << style << " linewidth 2 linecolor rgb '#ff7f0e' title 'predicted'";
  for (std::size_t b = 0; b < s.baselines.size(); ++b)
    gp << ", \\\n     " << source << " using 1:" << 4 + b << " with lines linewidth 1 dashtype " << 2 + b
       << " linecolor rgb '" << kBaselineColours[b % std::size(kBaselineColours)] << "' title "
       << gp_quote(s.baselines[b].name);
  gp << "\n";
  return gp.str();
}

PlotOutcome draw_image(const fs::path& folder, const std::string& stem, const PredictionPanels& targets,
                       const std::vector<std::size_t>& rows, const std::string& title) {
  std::size_t columns = 0;
  std::vector<const PredictionSeries*> panels;
  for (std::size_t j : rows) {
    columns = std::max(columns, targets[j].size());
    for (const auto& p : targets[j]) panels.push_back(&p);
  }
  std::string dat;
  bool any_points = false;
  for (std::size_t k = 0; k < panels.size(); ++k) {
    dat += (k ? "\n\n" : "") + panel_data(*panels[k], title);
    any_points = any_points || !panels[k]->target.empty();
  }
  write_plot_file(folder / (stem + ".dat"), dat);

  const PredictionSeries& first = *panels.front();
  const bool multi = panels.size() > 1;
  const auto [width, height] = panel_image_size(rows.size(), columns);
  std::ostringstream gp;
  gp << script_preamble(stem, multi ? "" : title, "target against predicted values", ImageFormat::png, width, height)
     << "set xlabel " << gp_quote(first.x_label.empty() ? "index" : first.x_label) << "\n"
     << "set key tmargin center horizontal\n"  // above: periodic curves fill corners, dates fill the bottom
     << "set bmargin 5\n"
     << "set offsets 0, 0, graph 0.08, graph 0.08\n";  // keep curves off the frame
  if (multi)
    gp << "set multiplot layout " << rows.size() << "," << columns << " rowsfirst title " << gp_quote(title) << "\n";
  std::size_t block = 0;
  for (std::size_t j : rows) {
    for (const auto& p : targets[j]) {
      if (multi) gp << "set title " << gp_quote(p.panel.empty() ? p.y_label : p.panel) << "\n";
      // Each panel its own dates: the last step's points sit a horizon later than the first step's.
      gp << time_axis(p.x, p.x_is_date) << "set ylabel " << gp_quote(p.y_label.empty() ? "value" : p.y_label) << "\n"
         << panel_plot(stem, block++, p);
    }
    for (std::size_t k = targets[j].size(); k < columns; ++k) gp << "set multiplot next\n";
  }
  if (multi) gp << "unset multiplot\n";
  gp << "unset output\n";
  write_plot_file(folder / (stem + ".gp"), gp.str());
  return draw(folder, stem, any_points, "the prediction series");
}

}  // namespace

PlotOutcome plot_prediction_panels(const std::string& dir, const PredictionPanels& targets, const std::string& title) {
  std::vector<std::string> names;
  for (const auto& panels : targets) {
    if (panels.empty()) throw std::invalid_argument("plot_prediction_panels: a target without panels");
    for (const auto& p : panels) check_lengths(p);
    names.push_back(panels.front().y_label);
  }
  const fs::path folder = prepare_dir(dir);
  if (targets.empty()) return {false, "there are no predictions, so prediction.png was not drawn"};
  PlotOutcome outcome{true, ""};
  const auto images = panel_images("prediction", names);
  for (const auto& image : images) {
    const std::string image_title = images.size() > 1 ? title + " (" + names[image.targets.front()] + ")" : title;
    const PlotOutcome drawn = draw_image(folder, image.stem, targets, image.targets, image_title);
    if (outcome.drawn && !drawn.drawn) outcome = drawn;
  }
  return outcome;
}

}  // namespace seqlab
