// `seqlab report` and the sweep's own report.html: what the page holds and where its files go.
#include <doctest/doctest.h>

#include <filesystem>

#include "support/prerequisite.hpp"
#include "support/process.hpp"

using seqlab::test::contains;
using seqlab::test::read_file;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;

namespace fs = std::filesystem;

TEST_CASE("a sweep leaves report.html: ranked trials, the best one's settings, inline SVG plots, no reload") {
  ScratchDir dir("report");
  seqlab::test::write_file(dir / "exp.yaml", seqlab::test::kTinyLrSweep);
  const std::string sweep = dir / "sw";
  const auto result = run_seqlab("sweep '" + (dir / "exp.yaml") + "' --jobs 2 --out '" + sweep + "'");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  const std::string page = read_file(sweep + "/report.html");
  CHECK(contains(page, "<h1>Sweep: tiny</h1>"));
  CHECK(contains(page, "sweep ended: 3 of 3 trials finished: 3 completed, 0 failed"));
  CHECK_FALSE(contains(page, "<body data-reload"));  // finished: it no longer reloads
  CHECK(seqlab::test::count_of(page, "<a href=\"trials/") >= 3);
  CHECK(contains(page, "<th data-type=\"number\">optimizer.lr</th>"));
  CHECK(contains(page, "<h2>Best run</h2>"));
  if (seqlab::test::run_shell("command -v gnuplot").exit_code == 0) {
    // The best curves, the parallel coordinates and the metric against the learning rate; each run's own loss.
    CHECK(seqlab::test::count_of(page, "src=\"data:image/svg+xml;base64,") == 3);
    for (const std::string stem : {"top_curves", "parallel_coordinates", "metric_vs_optimizer.lr"})
      CHECK(fs::exists(sweep + "/report_files/" + stem + ".svg"));
    CHECK(seqlab::test::count_of(page, "report_files/runs/") == 3);
  } else {
    seqlab::test::missing_prerequisite("gnuplot", "apt-get install gnuplot-nox (tools/setup installs it)");
  }

  // `seqlab report` on the sweep folder writes the same page in the same place.
  const auto again = run_seqlab("report '" + sweep + "'");
  INFO(again.output);
  CHECK(again.exit_code == 0);
  CHECK(contains(again.output, "wrote " + sweep + "/report.html (3 runs, ranked by final val_loss)"));
  CHECK(contains(read_file(sweep + "/report.html"), "<h1>Sweep: tiny</h1>"));
}

TEST_CASE("seqlab report over runs and a sweep together: --out names the page, its plots go beside it") {
  ScratchDir dir("report");
  seqlab::test::write_file(dir / "exp.yaml", seqlab::test::kTinyLrSweep);
  REQUIRE(run_seqlab("sweep '" + (dir / "exp.yaml") + "' --jobs 2 --no-plots --out '" + (dir / "sw") + "'").exit_code ==
          0);
  REQUIRE(run_seqlab("run '" + (dir / "exp.yaml") + "' --no-plots model.hidden_size=3 --out '" + (dir / "lone") + "'")
              .exit_code == 0);
  CHECK_FALSE(fs::exists(dir / "sw/report_files"));  // --no-plots: the page alone
  const auto result = run_seqlab("report '" + (dir / "sw") + "' '" + (dir / "lone") + "' --no-plots --out '" +
                                 (dir / "pages/mixed.html") + "'");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  const std::string page = read_file(dir / "pages/mixed.html");
  CHECK(contains(page, "<h1>4 runs</h1>"));
  CHECK(contains(page, "<th>sweep</th>"));  // a sweep's trials beside a lone run
  CHECK(contains(page, ">model.hidden_size</th>"));
  CHECK(contains(page, ">optimizer.lr</th>"));
  CHECK(contains(page, "href=\"../lone\""));  // relative to the page

  const auto refused = run_seqlab("report '" + (dir / "pages") + "'");
  CHECK(refused.exit_code == 2);
  CHECK(contains(refused.output, "not a seqlab run folder"));
}
