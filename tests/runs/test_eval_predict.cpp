// `seqlab eval` and `seqlab predict` on a csv run: the run's numbers again, new data, one step ahead.
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "support/process.hpp"

using seqlab::test::read_file;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;

namespace {

namespace fs = std::filesystem;

// Every file of a folder and its bytes, to prove a command left it alone.
std::map<std::string, std::string> contents(const std::string& dir, const std::string& skip) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    const std::string path = entry.path().string();
    if (entry.is_regular_file() && path.rfind(dir + "/" + skip, 0) != 0) files[path] = read_file(path);
  }
  return files;
}

std::string only_folder_in(const std::string& dir) {
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator(dir)) found.push_back(entry.path().string());
  return found.size() == 1 ? found[0] : "";
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> cells_of(const std::string& line) {
  std::vector<std::string> cells;
  std::istringstream in(line);
  for (std::string cell; std::getline(in, cell, ',');) cells.push_back(cell);
  return cells;
}

// A trained sunspots run, made once for the cases below.
const std::string& sunspots_run() {
  static ScratchDir dir("eval");
  static const std::string run = [&] {
    const std::string out = dir / "run";
    const auto result = run_seqlab("run experiments/sunspots_lstm.yaml training.epochs=20 --out '" + out + "'");
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    return out;
  }();
  return run;
}

}  // namespace

TEST_CASE("eval on the run's own test split reproduces its summary.json test metrics exactly") {
  const std::string& run = sunspots_run();
  const auto before = contents(run, "eval");
  const auto result = run_seqlab("eval '" + run + "'");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  const std::string folder = only_folder_in(run + "/eval");  // RUN_DIR/eval/<timestamp>
  REQUIRE(!folder.empty());
  const auto recorded = nlohmann::json::parse(read_file(run + "/summary.json"))["test"];
  const auto again = nlohmann::json::parse(read_file(folder + "/eval.json"))["test"];
  CHECK(again == recorded);
  CHECK(read_file(folder + "/predictions.csv") == read_file(run + "/predictions.csv"));
  CHECK(contents(run, "eval") == before);  // the run's own files are untouched
}

TEST_CASE("eval --data scores a whole other file in the run's units, with the run's linear AR") {
  const std::string& run = sunspots_run();
  ScratchDir dir("eval-data");
  const std::string data = std::string(SEQLAB_TEST_SOURCE_DIR) + "/experiments/data/sunspots.csv";
  const auto result = run_seqlab("eval '" + run + "' --data '" + data + "' --out '" + (dir / "out") + "'");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  const auto eval = nlohmann::json::parse(read_file(dir / "out/eval.json"));
  CHECK(eval["test"]["windows"] == 309 - 12);  // every window of the file: 309 years, window 12, horizon 1
  CHECK(eval["test"].contains("linear_ar"));
  CHECK(eval["data"] == data);
  // Read in the run's units (not ones fitted to the whole file), the run's test windows get the very
  // predictions the run made for them.
  std::map<std::string, std::string> by_year;
  for (const auto& line : lines_of(read_file(dir / "out/predictions.csv"))) {
    const auto cells = cells_of(line);
    by_year[cells.back()] = cells[4];
  }
  const auto recorded = lines_of(read_file(run + "/predictions.csv"));
  REQUIRE(recorded.size() == 48);
  for (std::size_t i = 1; i < recorded.size(); ++i) {
    const auto cells = cells_of(recorded[i]);
    CAPTURE(cells.back());
    CHECK(by_year[cells.back()] == cells[4]);
  }
}

TEST_CASE("predict --steps 1 equals the model's one-step prediction for the same window") {
  const std::string& run = sunspots_run();
  ScratchDir dir("predict-one");
  // The last test window ends at 2007 and predicts 2008: give the data up to 2007 as input.
  const auto lines = lines_of(read_file(std::string(SEQLAB_TEST_SOURCE_DIR) + "/experiments/data/sunspots.csv"));
  {
    std::ofstream input(dir / "upto2007.csv");
    for (const auto& line : lines)
      if (line.rfind("2008,", 0) != 0) input << line << "\n";
  }
  const auto predictions = lines_of(read_file(run + "/predictions.csv"));
  const auto last = cells_of(predictions.back());  // sequence,step,feature,target,prediction,time
  REQUIRE(last.size() == 6);
  CHECK(last[5] == "2008");
  const auto result = run_seqlab("predict '" + run + "' --steps 1 --no-plots --input '" + (dir / "upto2007.csv") +
                                 "' --out '" + (dir / "out") + "'");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  const auto forecast = lines_of(read_file(dir / "out/forecast.csv"));
  REQUIRE(forecast.size() == 2);
  CHECK(forecast[0] == "year,sunactivity");
  const auto row = cells_of(forecast[1]);
  CHECK(row[0] == "2008");
  CHECK(row[1] == last[4]);
}

TEST_CASE("predict past the horizon is refused when an input column is not predicted") {
  ScratchDir dir("predict-multi");
  const std::string run = dir / "run";
  REQUIRE(run_seqlab("run experiments/electricity_load_rnn.yaml training.epochs=1 --no-plots --out '" + run + "'")
              .exit_code == 0);
  const auto refused = run_seqlab("predict '" + run + "' --steps 5");
  CHECK(refused.exit_code == 1);
  CHECK(refused.output.find("the input(s) 'temperature' are neither targets (fed back), calendar features nor "
                            "known-future columns") != std::string::npos);
  const auto direct = run_seqlab("predict '" + run + "' --steps 1 --no-plots");
  INFO(direct.output);
  CHECK(direct.exit_code == 0);
  const auto forecast = lines_of(read_file(only_folder_in(run + "/predict") + "/forecast.csv"));
  REQUIRE(forecast.size() == 2);
  CHECK(forecast[1].rfind("1992-02-01T01:00:00Z,", 0) == 0);  // the hour after the data's last
}

TEST_CASE("eval refuses a plugin build the run did not record (unless allowed), and a run that did not finish") {
  const std::string& run = sunspots_run();
  ScratchDir dir("eval-record");
  const std::string copy = dir / "run";
  fs::copy(run, copy, fs::copy_options::recursive);
  fs::remove_all(copy + "/eval");
  auto summary = nlohmann::json::parse(read_file(copy + "/summary.json"));
  summary["plugins"]["model"]["sha256"] = std::string(64, '0');
  std::ofstream(copy + "/summary.json") << summary.dump(2);
  const auto mismatch = run_seqlab("eval '" + copy + "' --no-plots");
  INFO(mismatch.output);
  CHECK(mismatch.exit_code == 2);
  CHECK(mismatch.output.find("--allow-plugin-mismatch") != std::string::npos);
  const auto warned = run_seqlab("eval '" + copy + "' --no-plots --allow-plugin-mismatch");
  INFO(warned.output);
  CHECK(warned.exit_code == 0);
  CHECK(warned.output.find("warning: model plugin 'lstm'") != std::string::npos);
  CHECK(warned.output.find("is not the build the run used") != std::string::npos);

  summary["status"] = "diverged";
  std::ofstream(copy + "/summary.json") << summary.dump(2);
  const auto refused = run_seqlab("eval '" + copy + "'");
  CHECK(refused.exit_code == 2);
  CHECK(refused.output.find("did not complete (status diverged)") != std::string::npos);
}
