// A shared sweep folder with symbolic links planted where seqlab writes: refused or replaced, never followed.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <string>
#include <vector>

#include "sweep/sweep_fixture.hpp"

using seqlab::test::contains;
using seqlab::test::read_file;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace fs = std::filesystem;

namespace {

const std::string kVictim = "a file outside the sweep folder\n";

// The tiny three-trial sweep into `out`; its output.
seqlab::test::ProcessResult tiny_sweep(const ScratchDir& dir, const std::string& out) {
  write_file(dir / "exp.yaml", seqlab::test::kTinyLrSweep);
  return run_seqlab(seqlab::test::sweep(dir, "--out '" + out + "' --no-plots"));
}

// The trial ids of a finished sweep, from its trials/ folder.
std::vector<std::string> trial_ids(const std::string& sweep) {
  std::vector<std::string> ids;
  for (const auto& entry : fs::directory_iterator(sweep + "/trials")) ids.push_back(entry.path().filename().string());
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace

TEST_CASE(
    "a sweep refuses a trial folder or .locks/ that is a link, and removes a link at a trial log, writing nothing "
    "through them") {
  ScratchDir dir("sweep-links");
  const std::string first = dir / "first";
  REQUIRE(tiny_sweep(dir, first).exit_code == 0);
  const std::vector<std::string> ids = trial_ids(first);
  REQUIRE(ids.size() == 3);
  const std::string victim = dir / "elsewhere";
  fs::create_directory(victim);

  SUBCASE("a trial folder") {
    // A folder elsewhere that looks like a trial that completed with no record: a sweep would adopt it,
    // writing its record and logs there.
    write_file(victim + "/summary.json", "{\"status\": \"completed\", \"epochs\": 3}\n");
    fs::remove_all(first + "/trials/" + ids[0]);
    fs::create_directory_symlink(victim, first + "/trials/" + ids[0]);
    const auto result = tiny_sweep(dir, first);
    INFO(result.output);
    CHECK(result.exit_code != 0);
    CHECK(contains(result.output, "trials/" + ids[0] +
                                      " is a symbolic link; seqlab writes only into real folders inside the sweep "
                                      "folder"));
    CHECK(std::distance(fs::directory_iterator(victim), fs::directory_iterator()) == 1);  // summary.json alone
  }
  SUBCASE(".locks/") {
    const std::string out = dir / "second";
    fs::create_directories(out + "/trials");
    fs::create_directory_symlink(victim, out + "/.locks");
    const auto result = tiny_sweep(dir, out);
    INFO(result.output);
    CHECK(result.exit_code != 0);
    CHECK(contains(result.output, ".locks is a symbolic link"));
    CHECK(fs::is_empty(victim));
  }
  SUBCASE("a trial's log file") {
    // The child opens trials/.<id>.stdout by name, truncating it: a link there must be gone first.
    const std::string out = dir / "third";
    fs::create_directories(out + "/trials");
    write_file(victim + "/log", kVictim);
    fs::create_symlink(victim + "/log", out + "/trials/." + ids[0] + ".stdout");
    const auto result = tiny_sweep(dir, out);
    INFO(result.output);
    CHECK(result.exit_code == 0);
    CHECK(read_file(victim + "/log") == kVictim);
    CHECK(fs::is_regular_file(out + "/trials/" + ids[0] + "/stdout.log"));
  }
}

TEST_CASE("report refuses a sweep whose report_files/ (or a run's folder in it) is a link") {
  ScratchDir dir("report-links");
  const std::string sweep = dir / "sweep";
  REQUIRE(tiny_sweep(dir, sweep).exit_code == 0);
  const std::string victim = dir / "elsewhere";
  fs::create_directory(victim);
  SUBCASE("report_files/") {
    fs::create_directory_symlink(victim, sweep + "/report_files");
    const auto result = run_seqlab("report '" + sweep + "'");
    INFO(result.output);
    CHECK(result.exit_code != 0);
    CHECK(contains(result.output, "report_files is a symbolic link"));
  }
  SUBCASE("report_files/runs/<trial>") {
    const std::string id = trial_ids(sweep)[0];
    fs::create_directories(sweep + "/report_files/runs");
    fs::create_directory_symlink(victim, sweep + "/report_files/runs/" + id);
    const auto result = run_seqlab("report '" + sweep + "'");
    INFO(result.output);
    CHECK(result.exit_code != 0);
    CHECK(contains(result.output, "/runs/" + id + " is a symbolic link"));
  }
  SUBCASE("report_files/runs/<trial>/loss.svg, which a report reuses and puts into the page") {
    REQUIRE(run_seqlab("report '" + sweep + "'").exit_code == 0);
    const std::string id = trial_ids(sweep)[0];
    const std::string svg = sweep + "/report_files/runs/" + id + "/loss.svg";
    REQUIRE(fs::exists(svg));
    fs::remove(svg);
    write_file(dir / "secret", "a private file\n");  // newer than the trial's metrics.csv
    fs::create_symlink(dir / "secret", svg);
    const auto result = run_seqlab("report '" + sweep + "'");
    INFO(result.output);
    CHECK(result.exit_code != 0);
    CHECK(contains(result.output, id + "/loss.svg is a symbolic link"));
  }
  CHECK(fs::is_empty(victim));
}
