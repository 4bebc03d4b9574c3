// The report page's HTML: the state line, the best run, the ranked table and the pictures, all in one file.
#include "report/report_html.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fmt/format.h>
#include <set>

#include "report/report_assets.hpp"
#include "seqlab/version.hpp"
#include "util/base64.hpp"
#include "util/parse_number.hpp"

namespace fs = std::filesystem;

namespace seqlab {

namespace {

// The summary numbers every row shows after the settings (those a sweep knows of each trial without reading its
// folder); the metric that ranks them is one of them or added.
const char* const kNumbers[] = {"final_train_loss", "final_val_loss", "best_val_loss"};

std::string setting(const RunEntry& run, const std::string& key) {
  const auto at = run.settings.find(key);
  return at == run.settings.end() ? "" : at->second;
}

double seconds_of(const RunEntry& run) {
  const double s = entry_number(run, "seconds");
  return std::isfinite(s) ? s : entry_number(run, "train_seconds");
}

// A number's cell: shown to 6 digits, sorted by its full value; blank when there is none.
std::string number_cell(double v) {
  if (!std::isfinite(v)) return "<td class=\"num\" data-value=\"\"></td>";
  return fmt::format("<td class=\"num\" data-value=\"{}\">{:.6g}</td>", v, v);
}

bool all_numbers(const ReportPage& page, const std::string& column) {
  for (const auto& run : page.runs) {
    double v = 0;
    const std::string text = setting(run, column);
    if (!text.empty() && !parse_number(text, v)) return false;
  }
  return true;
}

std::string link(const fs::path& target, const fs::path& from, const std::string& text) {
  return "<a href=\"" + href(target, from) + "\">" + html_escape(text) + "</a>";
}

// The run's own plots (the ones its run drew) and the loss curve drawn for this page.
std::string plots_cell(const ReportHtmlInput& in, std::size_t i) {
  const RunEntry& run = in.page.runs[i];
  std::vector<std::string> links;
  if (!in.plots.run_loss[i].empty()) links.push_back(link(in.plots.run_loss[i], in.html_dir, "loss"));
  for (const char* own : {"loss.png", "prediction.png"})
    if (fs::exists(run.folder / own)) links.push_back(link(run.folder / own, in.html_dir, own));
  if (fs::exists(run.folder / "metrics.csv"))
    links.push_back(link(run.folder / "metrics.csv", in.html_dir, "metrics.csv"));
  std::string cell = "<td>";
  for (std::size_t k = 0; k < links.size(); ++k) cell += (k ? " · " : "") + links[k];
  return cell + "</td>";
}

bool ranked_run(const ReportPage& page, std::size_t i) {
  return entry_status(page.runs[i]) == "completed" && std::isfinite(entry_number(page.runs[i], page.metric));
}

std::string best_section(const ReportHtmlInput& in) {
  std::string html = "<section id=\"best\">\n<h2>Best run</h2>\n";
  if (in.ranked.empty() || !ranked_run(in.page, in.ranked.front()))
    return html + "<p class=\"note\">No run has completed yet.</p>\n</section>\n";
  const RunEntry& best = in.page.runs[in.ranked.front()];
  html += fmt::format("<p>{} (final {} {:.6g}): its ", link(best.folder, in.html_dir, best.label),
                      html_escape(in.page.metric), entry_number(best, in.page.metric));
  html += link(best.folder, in.html_dir, "run folder");
  if (!in.best_config.empty()) html += " and " + link(best.folder / "config.yaml", in.html_dir, "config.yaml");
  html += ".</p>\n<table class=\"best\">\n";
  for (const auto& column : in.page.columns)
    html += "<tr><th>" + html_escape(column) + "</th><td>" + html_escape(setting(best, column)) + "</td></tr>\n";
  html += "</table>\n";
  if (!in.best_config.empty())
    html += "<details><summary>its config.yaml</summary><pre>" + html_escape(in.best_config) + "</pre></details>\n";
  return html + "</section>\n";
}

std::string table_section(const ReportHtmlInput& in) {
  const ReportPage& page = in.page;
  std::set<std::string> groups;
  for (const auto& run : page.runs) groups.insert(run.group);
  const bool group_column = groups.size() > 1;
  std::vector<std::string> numbers(std::begin(kNumbers), std::end(kNumbers));
  if (std::find(numbers.begin(), numbers.end(), "final_" + page.metric) == numbers.end() &&
      std::find(numbers.begin(), numbers.end(), page.metric) == numbers.end())
    numbers.insert(numbers.begin(), page.metric);

  std::string html = fmt::format(
      "<section id=\"table\">\n<h2>Runs ranked by final {}</h2>\n<p>Click a column's header to sort by it (again: "
      "the other way round).</p>\n<input id=\"filter\" type=\"search\" placeholder=\"filter: any text in a row\" "
      "aria-label=\"filter the rows\"><span id=\"count\"></span>\n<div class=\"scroll\"><table "
      "id=\"runs\">\n<thead><tr>"
      "<th data-type=\"number\">rank</th><th>run</th>",
      html_escape(page.metric));
  if (group_column) html += "<th>sweep</th>";
  for (const auto& column : page.columns)
    html += fmt::format("<th{}>{}</th>", all_numbers(page, column) ? " data-type=\"number\"" : "", html_escape(column));
  html += "<th>status</th>";
  for (const auto& n : numbers) html += "<th data-type=\"number\">" + html_escape(n) + "</th>";
  html += "<th data-type=\"number\">seconds</th><th>plots</th></tr></thead>\n<tbody>\n";
  for (std::size_t k = 0; k < in.ranked.size(); ++k) {
    const std::size_t i = in.ranked[k];
    const RunEntry& run = page.runs[i];
    const std::string status = entry_status(run);
    html += status == "completed" ? "<tr>" : "<tr class=\"failed\">";
    html += ranked_run(page, i) ? fmt::format("<td class=\"num\">{}</td>", k + 1) : "<td class=\"num\"></td>";
    html += "<td>" + link(run.folder, in.html_dir, run.label) + "</td>";
    if (group_column) html += "<td>" + html_escape(run.group) + "</td>";
    for (const auto& column : page.columns) html += "<td>" + html_escape(setting(run, column)) + "</td>";
    html += "<td>" + html_escape(status) + "</td>";
    for (const auto& n : numbers) html += number_cell(entry_number(run, n));
    html += number_cell(seconds_of(run)) + plots_cell(in, i) + "</tr>\n";
  }
  return html + "</tbody>\n</table></div>\n</section>\n";
}

std::string plots_section(const ReportHtmlInput& in) {
  if (!in.page.plots) return "";
  std::string html = "<section id=\"plots\">\n<h2>Plots</h2>\n";
  for (const auto& image : in.plots.summary) {
    const std::string caption = html_escape(image.caption);
    if (image.svg.empty()) {
      html += "<p class=\"note\">" + caption + ": not drawn: " + html_escape(image.note) + "</p>\n";
      continue;
    }
    fs::path script = image.file;
    script.replace_extension(".gp");
    html += "<figure><img src=\"data:image/svg+xml;base64," + base64(image.svg) + "\" alt=\"" + caption +
            "\" width=\"900\" height=\"500\"><figcaption>" + caption + " (" + link(image.file, in.html_dir, "SVG") +
            ", its " + link(script, in.html_dir, "gnuplot script") + ")</figcaption></figure>\n";
  }
  return html + "</section>\n";
}

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string href(const fs::path& target, const fs::path& from_dir) {
  std::error_code ec;
  fs::path path = fs::relative(target, from_dir, ec);
  const bool relative = !ec && !path.empty();
  if (!relative) path = fs::absolute(target, ec);
  std::string out = relative ? "" : "file://";
  for (unsigned char c : path.generic_string()) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string report_html(const ReportHtmlInput& in) {
  const ReportPage& page = in.page;
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += "<title>" + html_escape(page.title) + " - seqlab report</title>\n";
  // Without JavaScript a live page still reloads; with it the script does, keeping the sort and the filter.
  if (page.live)
    html += fmt::format("<noscript><meta http-equiv=\"refresh\" content=\"{}\"></noscript>\n", kReportReloadSeconds);
  html += "<style>" + std::string(kReportCss) + "</style>\n</head>\n";
  html += page.live ? fmt::format("<body data-reload=\"{}\">\n", kReportReloadSeconds) : std::string("<body>\n");
  html += "<h1>" + html_escape(page.title) + "</h1>\n<p class=\"state\">";
  if (page.live) html += fmt::format("<b class=\"live\">live</b> (reloads every {} s): ", kReportReloadSeconds);
  html +=
      fmt::format("{}. Written {} by seqlab {}.</p>\n", html_escape(page.state), html_escape(in.written_at), kVersion);
  html += best_section(in) + table_section(in) + plots_section(in);
  html += "<script>" + std::string(kReportScript) + "</script>\n</body>\n</html>\n";
  return html;
}

}  // namespace seqlab
