// The report page: one HTML file that shows runs or a sweep ranked, with their settings, curves and plots.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "report/run_entries.hpp"

namespace seqlab {

// A live page (a sweep still running) reloads itself this often.
inline constexpr int kReportReloadSeconds = 5;

struct ReportPage {
  std::string title;
  std::vector<RunEntry> runs;
  std::vector<std::string> columns;  // the settings the table and the plots show, in order
  std::string metric = "val_loss";   // what ranks the runs (entry_number), lower first
  std::string state;                 // one line on how far the runs are: "running: 3 of 12 trials finished"
  bool live = false;                 // still changing: the page reloads itself; once finished it does not
  bool plots = true;                 // false: no gnuplot images, only the table, the settings and the links
};

// Writes `html` whole (temp + rename, so a browser reloading it never reads half a page) and its SVG plots
// into <stem>_files/ beside it (report_files/ for report.html), each with its .dat and .gp. The page needs no
// network: its CSS and JavaScript are inline, its images inline data: URLs; it links each run's folder and
// plots by relative path. Returns the first note about a plot that could not be drawn ("" when none): the caller
// prints it once. Throws RunError when the page cannot be written.
std::string write_report(const ReportPage& page, const std::filesystem::path& html);

// "<stem>_files" beside `html`: where its plots go.
std::filesystem::path report_files_folder(const std::filesystem::path& html);

}  // namespace seqlab
