// Many runs' settings and their metric in one picture: a parallel-coordinates plot drawn by gnuplot.
#pragma once

#include <string>
#include <vector>

#include "plots/plots.hpp"

namespace seqlab {

// One vertical axis: a setting's value in each run, as text. When every value reads as a number the axis is
// numeric (logarithmic when all are > 0 and span a factor of 100 or more), otherwise each distinct text is a
// category, spaced evenly in order of first appearance.
struct ParallelAxis {
  std::string name;
  std::vector<std::string> values;  // one per run
};

// <dir>/<stem>.dat, .gp and the image, as the other plot functions (plots/plots.hpp): one polyline per run across
// the `axes` and a last axis for `metric` (one value per run), each line coloured by its metric on a colour bar
// (logarithmic when every metric is > 0); lower metrics are drawn last, on top. Runs whose metric is not finite
// are left out. Throws std::invalid_argument when an axis's length differs from the metric's.
PlotOutcome plot_parallel_coordinates(const std::string& dir, const std::string& stem,
                                      const std::vector<ParallelAxis>& axes, const std::string& metric_name,
                                      const std::vector<double>& metric, const std::string& title,
                                      ImageFormat format = ImageFormat::svg);

}  // namespace seqlab
