// The sweep's scheduling: a resumed sweep reruns only what is missing, stale or half-written; timeouts, Ctrl-C,
// a SIGKILLed sweep and a crashing trial.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "sweep/sweep_fixture.hpp"

using seqlab::test::contains;
using seqlab::test::count_of;
using seqlab::test::kTiny;
using seqlab::test::lines_of;
using seqlab::test::sweep;
using seqlab::test::without_folders;

using seqlab::test::read_file;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace {

// summary.csv without the seconds column (the only one that may differ between two sweeps).
std::string metrics_of(const std::string& csv) {
  std::string out;
  for (const auto& line : lines_of(csv)) {
    std::vector<std::string> fields;
    std::stringstream ss(line);
    for (std::string f; std::getline(ss, f, ',');) fields.push_back(f);
    REQUIRE(fields.size() >= 2);
    fields.erase(fields.end() - 2);  // seconds, before run_folder
    for (const auto& f : fields) out += f + ",";
    out += "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("a resumed sweep reruns only the missing and half-written trials, with identical metrics") {
  ScratchDir dir("sweep");
  write_file(dir / "exp.yaml", std::string(kTiny) + R"(sweep:
  repeats: 2
  parameters:
    model.hidden_size: [2, 4]
)");
  const std::string out = dir / "sw";
  const auto clean = run_seqlab(sweep(dir, "--out '" + out + "'"));
  INFO(clean.output);
  REQUIRE(clean.exit_code == 0);
  const std::string csv = read_file(out + "/summary.csv");
  const std::string md = read_file(out + "/summary.md");
  CHECK(lines_of(csv).size() == 5);
  CHECK(contains(md, "| 2 | "));  // repeats counted per configuration

  // One trial lost, one left half-written by a killed sweep (a run folder without its record).
  std::vector<std::filesystem::path> trials;
  for (const auto& entry : std::filesystem::directory_iterator(out + "/trials")) trials.push_back(entry.path());
  std::sort(trials.begin(), trials.end());
  REQUIRE(trials.size() == 4);
  std::filesystem::remove_all(trials[0]);
  std::filesystem::remove(trials[1] / "sweep_trial.json");
  std::filesystem::remove(trials[1] / "summary.json");
  const auto untouched = std::filesystem::last_write_time(trials[2] / "summary.json");

  const auto resumed = run_seqlab(sweep(dir, "--out '" + out + "'"));
  INFO(resumed.output);
  CHECK(resumed.exit_code == 0);
  CHECK(contains(resumed.output, "2 to run"));
  CHECK(contains(resumed.output, "skipped 2 finished trials"));
  CHECK(contains(resumed.output, "cleared 1 half-written"));
  CHECK(std::filesystem::last_write_time(trials[2] / "summary.json") == untouched);
  CHECK(std::filesystem::exists(trials[0] / "summary.json"));
  CHECK(metrics_of(read_file(out + "/summary.csv")) == metrics_of(csv));
}

TEST_CASE("a trial's id is its resolved configuration: an edited experiment reruns, an equivalent one does not") {
  ScratchDir dir("sweep");
  const std::string section = R"(sweep:
  parameters:
    model.hidden_size: [2, 4]
)";
  const std::string out = dir / "sw";
  // Writes `experiment` + the sweep section and sweeps it into `out`.
  auto sweep_of = [&](const std::string& experiment) {
    write_file(dir / "exp.yaml", experiment + section);
    return run_seqlab(sweep(dir, "--out '" + out + "'"));
  };
  const auto first = sweep_of(kTiny);
  INFO(first.output);
  REQUIRE(first.exit_code == 0);
  const std::string csv = read_file(out + "/summary.csv");

  // The same training written differently (a default spelled out, keys reordered): nothing reruns.
  std::string same = kTiny;
  same.replace(same.find("{plugin: sgd, lr: 0.01}"), 23, "{lr: 0.01, plugin: sgd, momentum: 0.0}");
  const auto again = sweep_of(same);
  INFO(again.output);
  CHECK(again.exit_code == 0);
  CHECK(contains(again.output, "2 trials, 0 to run"));
  CHECK(read_file(out + "/summary.csv") == csv);

  // A changed learning rate in the file: new trials, not the stale results of the old ones.
  std::string edited = kTiny;
  edited.replace(edited.find("lr: 0.01"), 8, "lr: 0.02");
  const auto rerun = sweep_of(edited);
  INFO(rerun.output);
  CHECK(rerun.exit_code == 0);
  CHECK(contains(rerun.output, "2 trials, 2 to run"));
  CHECK(metrics_of(read_file(out + "/summary.csv")) != metrics_of(csv));

  // A grid value equal to another after resolution (here: the default) is one trial, not two.
  write_file(dir / "exp.yaml", std::string(kTiny) + R"(sweep:
  parameters:
    model.num_layers: [1, 1]
)");
  const auto dry = run_seqlab(sweep(dir, "--dry-run"));
  INFO(dry.output);
  CHECK(dry.exit_code == 0);
  CHECK(count_of(dry.output, "seed=0") == 1);
}

TEST_CASE("a trial over sweep.trial_timeout is killed and recorded, and Ctrl-C stops the sweep with exit 130") {
  ScratchDir dir("sweep");
  std::string slow = kTiny;
  const std::string epochs = "epochs: 3,";
  slow.replace(slow.find(epochs), epochs.size(), "epochs: 10000000,");
  write_file(dir / "exp.yaml", slow + "sweep: {trial_timeout: 0.3, parameters: {model.hidden_size: [2]}}\n");
  const auto timed_out = run_seqlab(sweep(dir, "--out '" + (dir / "sw") + "'"));
  INFO(timed_out.output);
  CHECK(timed_out.exit_code == 1);
  CHECK(contains(timed_out.output, "timeout"));
  CHECK(contains(read_file(dir / "sw/summary.csv"), ",timeout,"));

  write_file(dir / "exp.yaml", slow + "sweep: {parameters: {model.hidden_size: [2, 3]}}\n");
  const auto stopped =
      seqlab::test::run_shell("cd '" + dir.path() + "' && { '" + SEQLAB_TEST_BINARY + "' " + sweep(dir, "--out sw2") +
                              " & pid=$!; sleep 1; kill -INT $pid; wait $pid; echo rc=$?; }");
  INFO(stopped.output);
  CHECK(contains(stopped.output, "rc=130"));
  CHECK(contains(stopped.output, "interrupted: 0 completed, 0 failed, 2 not run"));
  CHECK(std::filesystem::exists(dir / "sw2/summary.md"));
  // No trial left running ("[2]" keeps pgrep from matching its own command line).
  CHECK(seqlab::test::run_shell("pgrep -f 'sw[2]/trials/'").output.empty());

  // A folder with files but no trials/ is not a sweep folder: refused, not written into.
  write_file(dir / "notes.txt", "x");
  const auto refused = run_seqlab(sweep(dir, "--out '" + dir.path() + "'"));
  CHECK(refused.exit_code == 2);
  CHECK(contains(refused.output, "not a sweep folder"));
}

TEST_CASE("a sweep SIGKILLed half way resumes: no finished trial reruns, a trial still running is waited for") {
  ScratchDir dir("sweep");
  std::string slow = kTiny;  // ~0.2 s a trial
  const std::string epochs = "epochs: 3, batch_size: 0, log_every: 1";
  slow.replace(slow.find(epochs), epochs.size(), "epochs: 20000, batch_size: 0, log_every: 0");
  write_file(dir / "exp.yaml", slow + "sweep: {repeats: 2, parameters: {model.hidden_size: [2, 3, 4]}}\n");
  namespace fs = std::filesystem;
  const std::string bin = std::string("'") + SEQLAB_TEST_BINARY + "' ";
  const std::string killed = dir / "killed";
  // Kill the parent alone once the first trial is recorded and the second has started (its child process has
  // written its config.yaml, and no record); that child lives on.
  const std::string trials = "'" + killed + "'/trials/*/";
  const auto first = seqlab::test::run_shell(
      "{ " + bin + sweep(dir, "--jobs 1 --no-plots --out '" + killed + "'") +
      " >/dev/null 2>&1 & pid=$!; for i in $(seq 500); do ls " + trials +
      "sweep_trial.json >/dev/null 2>&1 && break; sleep 0.01; done; for i in $(seq 500); do "
      "[ $(ls " +
      trials + "config.yaml 2>/dev/null | wc -l) -gt $(ls " + trials +
      "sweep_trial.json 2>/dev/null | wc -l) ] && break; sleep 0.01; done; kill -KILL $pid; wait $pid; echo rc=$?; }");
  INFO(first.output);
  REQUIRE(contains(first.output, "rc=137"));
  std::map<std::string, fs::file_time_type> recorded;  // trials finished and recorded before the kill
  std::vector<std::string> in_flight;                  // folders without a record: their trial may still run
  for (const auto& entry : fs::directory_iterator(killed + "/trials")) {
    if (!entry.is_directory()) continue;
    if (fs::exists(entry.path() / "sweep_trial.json"))
      recorded[entry.path().string()] = fs::last_write_time(entry.path() / "summary.json");
    else
      in_flight.push_back(entry.path().string());
  }
  REQUIRE(recorded.size() >= 1);
  REQUIRE(in_flight.size() >= 1);                 // the waiting below is tested only if a trial was running at the kill
  CHECK(recorded.size() + in_flight.size() < 6);  // killed half way

  // The same command again, at once: it waits for the orphan and keeps its result.
  const auto resumed = run_seqlab(sweep(dir, "--jobs 1 --no-plots --out '" + killed + "'"));
  INFO(resumed.output);
  CHECK(resumed.exit_code == 0);
  for (const auto& [trial, written] : recorded) CHECK(fs::last_write_time(trial + "/summary.json") == written);
  for (const auto& trial : in_flight) {
    INFO(trial);
    CHECK(contains(read_file(trial + "/sweep_trial.json"), "finished after its sweep was killed"));
  }
  std::size_t folders = 0;
  for (const auto& entry : fs::directory_iterator(killed + "/trials")) folders += entry.is_directory() ? 1 : 0;
  CHECK(folders == 6);

  const std::string clean = dir / "clean";
  REQUIRE(run_seqlab(sweep(dir, "--jobs 1 --no-plots --out '" + clean + "'")).exit_code == 0);
  CHECK(lines_of(read_file(killed + "/summary.csv")).size() == 7);
  CHECK(without_folders(read_file(killed + "/summary.csv")) == without_folders(read_file(clean + "/summary.csv")));
}

TEST_CASE("a trial whose plugin segfaults is recorded as crashed, with the signal and its error tail") {
  ScratchDir dir("sweep");
  std::string text = kTiny;
  text.replace(text.find("{plugin: mse}"), 13, "{plugin: crash_on_value}");
  write_file(dir / "exp.yaml", text + "sweep: {parameters: {loss.crash: [false, true]}}\n");
  const std::string out = dir / "sw";
  const auto result = run_seqlab(sweep(dir, std::string("--jobs 2 --plugin-dir '") + SEQLAB_TEST_BAD_PLUGIN_DIR +
                                                "/crash_on_value' --out '" + out + "'"));
  INFO(result.output);
  CHECK(result.exit_code == 1);
  CHECK(contains(result.output, "1 completed, 1 failed"));
  CHECK(contains(result.output, "crashed in"));
  const std::string csv = read_file(out + "/summary.csv");
  INFO(csv);
  CHECK(contains(csv, ",false,0,completed,"));
  CHECK(contains(csv, ",true,0,crashed,,,,"));
  const std::string md = read_file(out + "/summary.md");
  INFO(md);
  CHECK(contains(md, ": crashed (signal 11 (Segmentation fault))"));
  CHECK(contains(md, "crash_on_value: value() is about to segfault"));
  CHECK(contains(md, "| 1 | false |"));
}
