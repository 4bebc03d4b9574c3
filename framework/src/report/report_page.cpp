// Writing the report page: its plots first, then the page itself in one rename.
// Tested in tests/cli/test_report_command.cpp
#include "report/report_page.hpp"

#include <ctime>
#include <fstream>
#include <sstream>

#include "report/report_html.hpp"
#include "report/report_plots.hpp"
#include "util/atomic_file.hpp"
#include "util/folder_handle.hpp"
#include "util/paths.hpp"

namespace fs = std::filesystem;

namespace seqlab {

namespace {

std::string local_time_now() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &local);
  return text;
}

std::string text_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

fs::path report_files_folder(const fs::path& html) { return html.parent_path() / (html.stem().string() + "_files"); }

std::string write_report(const ReportPage& page, const fs::path& html) {
  const fs::path file = fs::absolute(html);
  fs::create_directories(file.parent_path());
  if (page.plots) {
    // <page>_files/ and its runs/<label>/ are seqlab's, beside a page that may sit in a shared sweep folder: a
    // link planted at one of them would send the plots elsewhere, so the report stops instead.
    const FolderHandle files = FolderHandle::open(file.parent_path(), false, "report's folder")
                                   .sub(report_files_folder(file).filename().string());
    const FolderHandle runs = files.sub("runs");
    for (const auto& run : page.runs) {
      const std::string label = file_name_part(run.label);
      runs.refuse_link(label);
      // A run's loss.svg is kept when newer than its metrics.csv and put into the page: a link there would
      // put whatever file it points at into the page.
      if (runs.has(label)) runs.sub(label, false).refuse_link("loss.svg");
    }
  }
  const std::vector<std::size_t> ranked = rank_entries(page.runs, page.metric);
  std::string note;
  ReportPlots plots;
  try {
    plots = draw_report_plots(page, ranked, report_files_folder(file));
  } catch (const std::exception& e) {
    note = std::string("cannot draw the report's plots: ") + e.what();
    plots = ReportPlots{};
    plots.run_loss.resize(page.runs.size());
  }
  for (const auto& image : plots.summary)
    if (note.empty() && image.svg.empty()) note = image.note;
  const std::string best_config =
      ranked.empty() ? std::string() : text_of(page.runs[ranked.front()].folder / "config.yaml");
  // Written whole and renamed into place: a browser reloading a live page never reads half of it.
  write_file_atomically(file.string(),
                        report_html({page, ranked, plots, file.parent_path(), local_time_now(), best_config}));
  return note;
}

}  // namespace seqlab
