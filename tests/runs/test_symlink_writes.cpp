// A shared run folder with symbolic links planted where seqlab writes: nothing outside the folder is written.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/process.hpp"

using seqlab::test::contains;
using seqlab::test::read_file;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace fs = std::filesystem;

namespace {

const std::string kVictim = "a file outside the run folder\n";
const std::string kLinkRefused = "is a symbolic link; seqlab writes only into real folders inside the run folder";

// A finished two-epoch csv run (it has a test split, so eval and predict work on it) in `out`.
void finished_run(const std::string& out, const std::string& extra = "--no-plots") {
  const auto result =
      run_seqlab("run experiments/electricity_load_rnn.yaml training.epochs=2 " + extra + " --out '" + out + "'");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
}

// A file outside the run folder, and a link to it at `link`.
std::string plant_file_link(const ScratchDir& dir, const std::string& victim_name, const std::string& link) {
  const std::string victim = dir / victim_name;
  write_file(victim, kVictim);
  fs::remove(link);  // metrics.csv, a plot: what the run wrote there
  fs::create_symlink(victim, link);
  return victim;
}

// An empty folder outside the run folder, and a link to it at `link` (what was at `link` removed first).
std::string plant_folder_link(const ScratchDir& dir, const std::string& victim_name, const std::string& link) {
  const std::string victim = dir / victim_name;
  fs::create_directory(victim);
  fs::remove_all(link);
  fs::create_symlink(victim, link);
  return victim;
}

bool is_link(const std::string& path) { return fs::is_symlink(fs::symlink_status(path)); }

// Temporaries seqlab left in `dir` (planted links aside): none must be.
std::vector<std::string> leftover_temporaries(const std::string& dir) {
  std::vector<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.path().extension() == ".tmp" && !entry.is_symlink()) found.push_back(entry.path().string());
  return found;
}

}  // namespace

TEST_CASE("links planted at the temporaries' names, and at metrics.csv, are never followed by resume --epochs") {
  ScratchDir dir("link-tmp");
  const std::string run = dir / "run";
  finished_run(run);
  // Every temporary the continuation writes beside a file, and metrics.csv itself.
  const std::vector<std::string> names = {"checkpoint.bin.tmp", "metrics.csv.tmp",     "summary.json.tmp",
                                          "config.yaml.tmp",    "predictions.csv.tmp", "weights/fc.weight.npy.tmp",
                                          "metrics.csv"};
  std::vector<std::string> victims;
  for (std::size_t k = 0; k < names.size(); ++k)
    victims.push_back(plant_file_link(dir, "victim" + std::to_string(k), run + "/" + names[k]));

  const auto resumed = run_seqlab("resume '" + run + "' --epochs 4 --no-plots");
  INFO(resumed.output);
  CHECK(resumed.exit_code == 0);
  for (std::size_t k = 0; k < names.size(); ++k) {
    CAPTURE(names[k]);
    CHECK(read_file(victims[k]) == kVictim);
  }
  CHECK(contains(read_file(run + "/config.yaml"), "epochs: 4"));
  CHECK(contains(read_file(run + "/summary.json"), "\"epochs\": 4"));
  CHECK_FALSE(is_link(run + "/metrics.csv"));  // replaced by the real one, its target left alone
  CHECK(contains(read_file(run + "/metrics.csv"), "\n4,"));
  CHECK(leftover_temporaries(run).empty());
}

TEST_CASE("a link at a finished run's weights/ is refused by resume before it trains, and nothing is written there") {
  ScratchDir dir("link-weights");
  const std::string run = dir / "run";
  finished_run(run);
  const std::string summary = read_file(run + "/summary.json");
  const std::string metrics = read_file(run + "/metrics.csv");
  const std::string checkpoint = read_file(run + "/checkpoint.bin");
  const std::string victim = plant_folder_link(dir, "elsewhere", run + "/weights");

  const auto resumed = run_seqlab("resume '" + run + "' --epochs 4 --no-plots");
  INFO(resumed.output);
  CHECK(resumed.exit_code != 0);
  CHECK(contains(resumed.output, run + "/weights " + kLinkRefused));
  CHECK(fs::is_empty(victim));
  CHECK(read_file(run + "/summary.json") == summary);
  // Before it trains: no epoch was added to the records (not refused only when the weights are written at the end).
  CHECK(read_file(run + "/metrics.csv") == metrics);
  CHECK(read_file(run + "/checkpoint.bin") == checkpoint);
}

TEST_CASE("a link at a killed run's weights/ is refused, and its weights go nowhere") {
  ScratchDir dir("link-weights-killed");
  const std::string run = dir / "run";
  finished_run(run);
  fs::remove(run + "/summary.json");  // as a run killed after its last checkpoint leaves it
  const std::string victim = plant_folder_link(dir, "elsewhere", run + "/weights");
  const auto resumed = run_seqlab("resume '" + run + "' --epochs 3 --no-plots");
  INFO(resumed.output);
  CHECK(resumed.exit_code != 0);
  CHECK(contains(resumed.output, kLinkRefused));
  CHECK(fs::is_empty(victim));
}

TEST_CASE("eval and predict refuse a run folder whose eval/ or predict/ is a link, writing nothing through it") {
  ScratchDir dir("link-eval");
  const std::string run = dir / "run";
  finished_run(run);
  SUBCASE("eval/") {
    const std::string victim = plant_folder_link(dir, "elsewhere", run + "/eval");
    const auto result = run_seqlab("eval '" + run + "' --no-plots");
    INFO(result.output);
    CHECK(result.exit_code != 0);
    CHECK(contains(result.output, run + "/eval " + kLinkRefused));
    CHECK(fs::is_empty(victim));
  }
  SUBCASE("predict/") {
    const std::string victim = plant_folder_link(dir, "elsewhere", run + "/predict");
    const auto result = run_seqlab("predict '" + run + "' --steps 1 --no-plots");
    INFO(result.output);
    CHECK(result.exit_code != 0);
    CHECK(contains(result.output, run + "/predict " + kLinkRefused));
    CHECK(fs::is_empty(victim));
  }
  SUBCASE("a real eval/ still works") {
    const auto result = run_seqlab("eval '" + run + "' --no-plots");
    INFO(result.output);
    CHECK(result.exit_code == 0);
  }
}

TEST_CASE("links planted at a run's plot files (image, data, script, their temporaries) are replaced, not followed") {
  ScratchDir dir("link-plots");
  const std::string run = dir / "run";
  finished_run(run, "");
  const std::vector<std::string> names = {"loss.png",     "loss.dat",       "loss.gp",
                                          "loss.dat.tmp", "prediction.png", "prediction.gp.tmp"};
  // Held (a finished run's continuation: plots drawn aside, then moved in) and direct (a killed run's resume).
  for (const bool finished : {true, false}) {
    CAPTURE(finished);
    if (!finished) fs::remove(run + "/summary.json");
    std::vector<std::string> victims;
    for (std::size_t k = 0; k < names.size(); ++k)
      victims.push_back(
          plant_file_link(dir, "victim" + std::to_string(finished) + std::to_string(k), run + "/" + names[k]));
    const auto resumed = run_seqlab("resume '" + run + "' --epochs " + (finished ? "3" : "4"));
    INFO(resumed.output);
    CHECK(resumed.exit_code == 0);
    for (std::size_t k = 0; k < names.size(); ++k) {
      CAPTURE(names[k]);
      CHECK(read_file(victims[k]) == kVictim);
    }
    for (const char* file : {"loss.dat", "loss.gp", "prediction.dat", "prediction.gp"}) {
      CAPTURE(file);
      CHECK_FALSE(is_link(run + "/" + file));
    }
    CHECK(contains(read_file(run + "/loss.dat"), finished ? "\n3 " : "\n4 "));
    if (seqlab::test::run_shell("command -v gnuplot").exit_code == 0) {
      CHECK_FALSE(is_link(run + "/loss.png"));
      CHECK(read_file(run + "/loss.png").rfind("\x89PNG", 0) == 0);
    }
    CHECK(leftover_temporaries(run).empty());
  }
}
