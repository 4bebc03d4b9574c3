// The report page's pictures, drawn as SVG by gnuplot into the page's _files folder.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "report/report_page.hpp"

namespace seqlab {

struct ReportImage {
  std::string caption;
  std::string svg;             // the drawn SVG's text; empty when it could not be drawn
  std::string note;            // then: why, and how to redraw it
  std::filesystem::path file;  // the .svg, beside its .dat and .gp
};

struct ReportPlots {
  // The loss curves of the best runs, the parallel coordinates of all, the metric against each column.
  std::vector<ReportImage> summary;
  std::vector<std::filesystem::path> run_loss;  // per run (as in page.runs): its own loss.svg, or empty
};

// `ranked`: rank_entries(page.runs, page.metric). Draws nothing when !page.plots. A run's own loss.svg is drawn
// again only when its metrics.csv is newer, so a live page redraws only the runs that changed.
ReportPlots draw_report_plots(const ReportPage& page, const std::vector<std::size_t>& ranked,
                              const std::filesystem::path& files);

}  // namespace seqlab
