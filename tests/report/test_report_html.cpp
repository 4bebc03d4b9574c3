// The report page's HTML from a page description: live or not, escaping, links, the table's columns.
#include <doctest/doctest.h>

#include "report/report_html.hpp"

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

seqlab::RunEntry run(const std::string& label, const std::string& status, double val_loss, const std::string& lr) {
  seqlab::RunEntry r;
  r.folder = "/sweeps/s/trials/" + label;
  r.label = label;
  r.settings = {{"optimizer.lr", lr}, {"seed", "0"}};
  r.summary = {{"status", status}, {"seconds", 1.5}};
  if (status == "completed") r.summary["final_val_loss"] = val_loss;
  return r;
}

std::string page_html(const seqlab::ReportPage& page) {
  const std::vector<std::size_t> ranked = seqlab::rank_entries(page.runs, page.metric);
  seqlab::ReportPlots plots;
  plots.run_loss.resize(page.runs.size());
  return seqlab::report_html({page, ranked, plots, "/sweeps/s", "2026-01-01 00:00:00", ""});
}

}  // namespace

TEST_CASE("html_escape and href keep text and links intact") {
  CHECK(seqlab::html_escape("a<b & \"c\">") == "a&lt;b &amp; &quot;c&quot;&gt;");
  CHECK(seqlab::href("/sweeps/s/trials/ab12", "/sweeps/s") == "trials/ab12");
  CHECK(seqlab::href("/sweeps/s/my run #1/loss.png", "/sweeps/s") == "my%20run%20%231/loss.png");
  CHECK(seqlab::href("/runs/x", "/sweeps/s") == "../../runs/x");
}

TEST_CASE("a live page reloads itself and says so, a finished one does not") {
  seqlab::ReportPage page;
  page.title = "Sweep: <tiny>";
  page.columns = {"optimizer.lr", "seed"};
  page.runs = {run("b", "completed", 0.5, "0.1"), run("a", "completed", 0.25, "0.01"), run("c", "failed", 0, "1")};
  page.state = "running: 3 of 8 trials finished";
  page.live = true;
  const std::string live = page_html(page);
  CHECK(contains(live, "<body data-reload=\"5\">"));
  CHECK(contains(live, "<noscript><meta http-equiv=\"refresh\""));
  CHECK(contains(live, "Sweep: &lt;tiny&gt;"));
  page.live = false;
  const std::string still = page_html(page);
  CHECK_FALSE(contains(still, "<body data-reload"));
  CHECK_FALSE(contains(still, "http-equiv"));
  // Ranked: a (0.25) first, then b; the failed run last, without a rank.
  const auto a = still.find("trials/a\">a</a>"), b = still.find("trials/b\">b</a>"), c = still.find("trials/c\">c</a>");
  REQUIRE(a != std::string::npos);
  CHECK(a < b);
  CHECK(b < c);
  CHECK(contains(still, "<tr class=\"failed\"><td class=\"num\"></td>"));
  CHECK(contains(still, "<th data-type=\"number\">optimizer.lr</th>"));
  CHECK(contains(still, "<td class=\"num\" data-value=\"0.25\">0.25</td>"));
  // The best run and its settings, linked by relative path.
  CHECK(contains(still, "<h2>Best run</h2>\n<p><a href=\"trials/a\">a</a> (final val_loss 0.25)"));
  // Nothing fetched: no script or style from elsewhere.
  CHECK_FALSE(contains(still, "src=\"http"));
  CHECK_FALSE(contains(still, "href=\"http"));
}

TEST_CASE("a page before any run completed says so instead of naming a best run") {
  seqlab::ReportPage page;
  page.title = "Sweep: tiny";
  page.live = true;
  CHECK(contains(page_html(page), "No run has completed yet."));
}
