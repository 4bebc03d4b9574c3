// The report page as HTML text, from what it shows and the plots drawn for it.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "report/report_page.hpp"
#include "report/report_plots.hpp"

namespace seqlab {

struct ReportHtmlInput {
  const ReportPage& page;
  const std::vector<std::size_t>& ranked;  // rank_entries(page.runs, page.metric)
  const ReportPlots& plots;
  std::filesystem::path html_dir;  // every link is relative to it
  std::string written_at;          // local time, "2026-11-27 02:30:15"
  std::string best_config;         // the best run's config.yaml, shown whole; "" when it has none
};

std::string report_html(const ReportHtmlInput& in);

// `text` safe inside HTML text and double-quoted attributes.
std::string html_escape(const std::string& text);
// A link from a page in `from_dir` to `target`: relative when it can be, with every byte but letters, digits
// and -._~/ percent-encoded; an absolute target elsewhere becomes a file:// URL.
std::string href(const std::filesystem::path& target, const std::filesystem::path& from_dir);

}  // namespace seqlab
