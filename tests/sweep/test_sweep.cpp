// seqlab sweep: trial expansion, sweep-section errors before anything runs, failures, summaries and resume.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "support/prerequisite.hpp"
#include "support/process.hpp"
#include "sweep/sweep_fixture.hpp"

using seqlab::test::contains;
using seqlab::test::count_of;
using seqlab::test::kTiny;
using seqlab::test::lines_of;
using seqlab::test::sweep;

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

// summary.csv without its last two columns, seconds and run_folder.
std::string without_folders(const std::string& csv) {
  std::string out;
  for (const auto& line : lines_of(csv)) {
    const std::string without_folder = line.substr(0, line.rfind(','));
    out += without_folder.substr(0, without_folder.rfind(',')) + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("sweep --dry-run lists the grid: product of the lists x repeats") {
  ScratchDir dir("sweep");
  write_file(dir / "exp.yaml", std::string(kTiny) + R"(sweep:
  repeats: 2
  parameters:
    model.plugin: [rnn, lstm]
    model.hidden_size: [2, 3, 4]
)");
  const auto result = run_seqlab(sweep(dir, "--dry-run --out '" + (dir / "sw") + "'"));
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK(contains(result.output, "12 trials (grid: 6 configurations x 2 seeds)"));
  CHECK(count_of(result.output, "  seed=") == 12);
  CHECK(count_of(result.output, "seed=1  model.plugin=lstm model.hidden_size=4") == 1);
  CHECK_FALSE(std::filesystem::exists(dir / "sw"));
  // A range expands inclusively.
  write_file(dir / "exp.yaml", std::string(kTiny) + "sweep: {parameters: {training.epochs: {range: [2, 8, 3]}}}\n");
  const auto range = run_seqlab(sweep(dir, "--dry-run"));
  CHECK(range.exit_code == 0);
  CHECK(contains(range.output, "training.epochs=2\n"));
  CHECK(contains(range.output, "training.epochs=5\n"));
  CHECK(contains(range.output, "training.epochs=8\n"));
  CHECK(count_of(range.output, "  seed=") == 3);
  // A float range is written to the precision of its start and step: 0.009, not 0.009000000000000001.
  write_file(dir / "exp.yaml",
             std::string(kTiny) + "sweep: {parameters: {optimizer.lr: {range: [0.001, 0.01, 0.001]}}}\n");
  const auto floats = run_seqlab(sweep(dir, "--dry-run"));
  INFO(floats.output);
  CHECK(floats.exit_code == 0);
  CHECK(count_of(floats.output, "  seed=") == 10);
  for (const char* v : {"optimizer.lr=0.001\n", "optimizer.lr=0.003\n", "optimizer.lr=0.009\n", "optimizer.lr=0.01\n"})
    CHECK(contains(floats.output, v));
  CHECK_FALSE(contains(floats.output, "00000001"));
  write_file(dir / "exp.yaml",
             std::string(kTiny) + "sweep: {parameters: {optimizer.lr: {range: [1.5e-3, 3e-3, 5e-4]}}}\n");
  const auto exponents = run_seqlab(sweep(dir, "--dry-run"));
  CHECK(contains(exponents.output, "optimizer.lr=0.0015\n"));
  CHECK(contains(exponents.output, "optimizer.lr=0.0025\n"));
  CHECK(contains(exponents.output, "optimizer.lr=0.003\n"));
}

TEST_CASE("sweep --dry-run draws the random trials from the experiment's seed, deterministically") {
  ScratchDir dir("sweep");
  write_file(dir / "exp.yaml", std::string(kTiny) + R"(sweep:
  method: random
  trials: 5
  repeats: 2
  parameters:
    model.hidden_size: {range: [2, 4, 1]}
    optimizer.lr: {loguniform: [1e-4, 1e-1]}
)");
  const auto first = run_seqlab(sweep(dir, "--dry-run"));
  const auto second = run_seqlab(sweep(dir, "--dry-run"));
  const auto other_seed = run_seqlab(sweep(dir, "--dry-run seed=7"));
  INFO(first.output);
  CHECK(first.exit_code == 0);
  CHECK(count_of(first.output, "  seed=") == 10);
  CHECK(first.output == second.output);
  CHECK(other_seed.exit_code == 0);
  CHECK(other_seed.output != first.output);
  CHECK(contains(other_seed.output, "seed=8  "));
}

TEST_CASE("every sweep-section mistake is reported at its file:line:col before any trial runs") {
  struct Case {
    std::string sweep, where, message;
  };
  const std::vector<Case> cases = {
      {"sweep:\n  methd: grid\n  parameters: {model.hidden_size: [2]}\n", "exp.yaml:9:3:", "did you mean 'method'"},
      {"sweep:\n  parameters:\n    model.hidden_size: []\n", "exp.yaml:10:24:", "the list is empty"},
      {"sweep:\n  parameters:\n    model.hiden_size: [2, 3]\n", "exp.yaml:10:5:", "did you mean 'hidden_size'"},
      {"sweep:\n  parameters:\n    model.hidden_size: [2, 0]\n", "exp.yaml:10:28:", "must be in [1, 65536], got 0"},
      {"sweep:\n  parameters:\n    model.plugin: [rnn, lsmt]\n", "exp.yaml:10:25:", "did you mean 'lstm'"},
      {"sweep:\n  parameters:\n    training.epochs: {range: [5, 2, 1]}\n", "exp.yaml:10:34:", "below its start"},
      {"sweep:\n  parameters:\n    training.epochs: {range: [1, 2, 0]}\n", "exp.yaml:10:37:", "step must be > 0"},
      {"sweep:\n  parameters:\n    optimizer.lr: {loguniform: [1e-4, 1e-1]}\n",
       "exp.yaml:10:20:", "a grid cannot enumerate"},
      {"sweep:\n  method: random\n  trials: 2\n  parameters:\n    optimizer.lr: {loguniform: [0, 1]}\n",
       "exp.yaml:12:33:", "bounds must be > 0"},
      {"sweep:\n  method: random\n  parameters: {model.hidden_size: [2]}\n", "exp.yaml:9:3:", "needs sweep.trials"},
  };
  for (const auto& c : cases) {
    ScratchDir dir("sweep");
    write_file(dir / "exp.yaml", std::string(kTiny) + c.sweep);
    const auto result = run_seqlab(sweep(dir, "--out '" + (dir / "sw") + "'"));
    INFO(c.sweep);
    INFO(result.output);
    CHECK(result.exit_code == 2);
    CHECK(contains(result.output, c.where));
    CHECK(contains(result.output, c.message));
    CHECK_FALSE(std::filesystem::exists(dir / "sw"));
  }
}

TEST_CASE("seqlab run and validate ignore the sweep section") {
  ScratchDir dir("sweep");
  write_file(dir / "exp.yaml", std::string(kTiny) + "sweep: {parameters: {model.hidden_size: [2, 3]}}\n");
  CHECK(run_seqlab("validate '" + (dir / "exp.yaml") + "'").exit_code == 0);
  const auto result = run_seqlab("run '" + (dir / "exp.yaml") + "' --no-plots --out '" + (dir / "run") + "'");
  INFO(result.output);
  CHECK(result.exit_code == 0);
}

TEST_CASE("a failing trial is recorded with its error tail while the others complete") {
  ScratchDir dir("sweep");
  write_file(dir / "exp.yaml", std::string(kTiny) + R"(sweep:
  parameters:
    model.hidden_size: [2, 3]
    optimizer.lr: [0.01, 1e30]
)");
  const std::string out = dir / "sw";
  const auto result = run_seqlab(sweep(dir, "--jobs 2 --out '" + out + "'"));
  INFO(result.output);
  CHECK(result.exit_code == 1);
  CHECK(contains(result.output, "2 completed, 2 failed"));
  const std::string csv = read_file(out + "/summary.csv");
  INFO(csv);
  CHECK(lines_of(csv).size() == 5);
  CHECK(contains(csv, "id,model.hidden_size,optimizer.lr,seed,status,final_train_loss,final_val_loss,best_val_loss"));
  CHECK(count_of(csv, ",completed,") == 2);
  CHECK(count_of(csv, ",diverged,") == 2);
  const std::string md = read_file(out + "/summary.md");
  INFO(md);
  CHECK(contains(md, "## Failed trials"));
  CHECK(count_of(md, "the gradient exploded at epoch 2") == 2);
  // Ranked by the final val_loss, lower first: the ranking the page must show, derived from summary.csv's numbers.
  std::vector<std::pair<double, std::string>> completed;  // (final_val_loss, "hidden | lr")
  for (const auto& line : lines_of(csv)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string field; std::getline(ss, field, ',');) f.push_back(field);
    if (f.size() > 6 && f[4] == "completed") completed.emplace_back(std::stod(f[6]), f[1] + " | " + f[2]);
  }
  REQUIRE(completed.size() == 2);
  REQUIRE(completed[0].first != completed[1].first);  // else the order would not be tested
  std::sort(completed.begin(), completed.end());
  CHECK(contains(md, "| 1 | " + completed[0].second + " |"));
  CHECK(contains(md, "| 2 | " + completed[1].second + " |"));
  CHECK(contains(md, " ± n/a | 1 | "));  // one seed: no spread to show, rather than ± 0
  // The best configuration, beside the summary: its settings and trials, and its config runnable as is.
  const auto best = nlohmann::json::parse(read_file(out + "/best.json"));
  CHECK(best["settings"]["model.hidden_size"].get<std::string>() + " | " +
            best["settings"]["optimizer.lr"].get<std::string>() ==
        completed[0].second);
  REQUIRE(best["trials"].size() == 1);
  CHECK(std::filesystem::exists(best["trials"][0]["run_folder"].get<std::string>() + "/summary.json"));
  CHECK(contains(read_file(out + "/best_config.yaml"),
                 "hidden_size: " + best["settings"]["model.hidden_size"].get<std::string>() + "\n"));
  CHECK(run_seqlab("validate '" + out + "/best_config.yaml'").exit_code == 0);

  // Without --retry-failed the failures stay failed; with it they run again.
  const auto kept = run_seqlab(sweep(dir, "--jobs 2 --out '" + out + "'"));
  CHECK(kept.exit_code == 1);
  CHECK(contains(kept.output, "skipped 2 finished trials"));
  CHECK(contains(kept.output, "kept 2 failed trials"));
  CHECK(contains(kept.output, "0 to run"));
  const auto retried = run_seqlab(sweep(dir, "--jobs 2 --retry-failed --out '" + out + "'"));
  CHECK(retried.exit_code == 1);
  CHECK(contains(retried.output, "2 to run"));
}

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

TEST_CASE("a sweep draws best_trials.png and metric_vs_<param>.png beside its summary, unless --no-plots") {
  ScratchDir dir("sweep");
  write_file(dir / "exp.yaml", std::string(kTiny) + R"(sweep:
  parameters:
    model.plugin: [rnn, lstm]
    model.hidden_size: [2, 3]
)");
  const std::string out = dir / "sw";
  const auto result = run_seqlab(sweep(dir, "--jobs 2 --out '" + out + "'"));
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  for (const std::string stem : {"best_trials", "metric_vs_model.plugin", "metric_vs_model.hidden_size"}) {
    INFO(stem);
    CHECK(std::filesystem::exists(out + "/" + stem + ".dat"));
    CHECK(std::filesystem::exists(out + "/" + stem + ".gp"));
    if (seqlab::test::run_shell("command -v gnuplot").exit_code == 0)
      CHECK(std::filesystem::exists(out + "/" + stem + ".png"));
    else
      seqlab::test::missing_prerequisite("gnuplot", "apt-get install gnuplot-nox (tools/setup installs it)");
  }
  // Four trials: four curves, four points; the categorical axis names its values.
  CHECK(count_of(read_file(out + "/best_trials.dat"), "# ") == 5);
  CHECK(contains(read_file(out + "/metric_vs_model.plugin.gp"), "set xtics ('rnn' 0, 'lstm' 1)"));
  CHECK(lines_of(read_file(out + "/metric_vs_model.hidden_size.dat")).size() == 6);

  const std::string bare = dir / "bare";
  const auto no_plots = run_seqlab(sweep(dir, "--jobs 2 --no-plots --out '" + bare + "'"));
  CHECK(no_plots.exit_code == 0);
  CHECK(std::filesystem::exists(bare + "/summary.csv"));
  CHECK_FALSE(std::filesystem::exists(bare + "/best_trials.dat"));
  CHECK_FALSE(std::filesystem::exists(bare + "/metric_vs_model.plugin.dat"));
}

TEST_CASE("two shards at once into one folder, then --collect: the same summary as one local sweep") {
  ScratchDir dir("sweep");
  write_file(dir / "exp.yaml", std::string(kTiny) + R"(sweep:
  repeats: 2
  parameters:
    model.hidden_size: [2, 3, 4]
)");
  const std::string bin = std::string("'") + SEQLAB_TEST_BINARY + "' ";
  const std::string shared = dir / "shared";
  const auto shards =
      seqlab::test::run_shell("{ " + bin + sweep(dir, "--jobs 1 --shard 1/2 --out '" + shared + "'") + " & " + bin +
                              sweep(dir, "--jobs 1 --shard 2/2 --out '" + shared + "'") + " & wait; }");
  INFO(shards.output);
  CHECK(count_of(shards.output, "(3 of the trials)") == 2);
  CHECK(count_of(shards.output, "done: 3 completed, 0 failed") == 2);
  CHECK_FALSE(std::filesystem::exists(shared + "/summary.csv"));  // only --collect summarises

  const auto collected = run_seqlab(sweep(dir, "--collect --out '" + shared + "'"));
  INFO(collected.output);
  CHECK(collected.exit_code == 0);
  CHECK(contains(collected.output, "collected 6 trials: 6 completed, 0 failed, 0 not finished"));
  CHECK(std::filesystem::exists(shared + "/best_trials.dat"));

  const std::string local = dir / "local";
  REQUIRE(run_seqlab(sweep(dir, "--out '" + local + "'")).exit_code == 0);
  // Every column but seconds and run_folder (the folders differ by name only).
  CHECK(lines_of(without_folders(read_file(shared + "/summary.csv"))).size() == 7);
  CHECK(without_folders(read_file(shared + "/summary.csv")) == without_folders(read_file(local + "/summary.csv")));

  // A shard needs 1 <= I <= N.
  const auto bad = run_seqlab(sweep(dir, "--shard 3/2 --out '" + shared + "'"));
  CHECK(bad.exit_code == 2);
  CHECK(contains(bad.output, "--shard wants I/N"));
}

TEST_CASE("--emit-slurm writes an sbatch job array of shards into one absolute sweep folder") {
  ScratchDir dir("sweep");
  write_file(dir / "exp.yaml",
             std::string(kTiny) + "sweep: {repeats: 2, parameters: {model.hidden_size: [2, 3, 4]}}\n");
  const std::string script = dir / "job.sh";
  const auto result = run_seqlab(
      sweep(dir, "--emit-slurm '" + script + "' --shards 4 --max-concurrent 2 --out '" + (dir / "sw") + "'"));
  INFO(result.output);
  CHECK(result.exit_code == 0);
  const std::string text = read_file(script);
  INFO(text);
  CHECK(text.rfind("#!/bin/bash\n", 0) == 0);
  CHECK(contains(text, "#SBATCH --array=1-4%2\n"));
  CHECK(contains(text, std::string("exec '") + SEQLAB_TEST_BINARY + "' sweep '" + (dir / "exp.yaml") +
                           "' --shard \"${SLURM_ARRAY_TASK_ID}/4\""));
  CHECK(contains(text, "--out '" + (dir / "sw") + "'"));
  CHECK(contains(text, "--collect --out '" + (dir / "sw") + "'"));
  CHECK(seqlab::test::run_shell("bash -n '" + script + "'").exit_code == 0);
  CHECK_FALSE(std::filesystem::exists(dir / "sw/trials"));  // nothing ran
  // Without --shards, one array task per trial; without --max-concurrent, no %K.
  REQUIRE(run_seqlab(sweep(dir, "--emit-slurm '" + script + "'")).exit_code == 0);
  CHECK(contains(read_file(script), "#SBATCH --array=1-6\n"));
  // Never more tasks than Slurm's array holds: trials share tasks (here 6 trials, at most 4 tasks).
  const auto capped = run_seqlab(sweep(dir, "--emit-slurm '" + script + "' --max-array-size 4"));
  CHECK(contains(capped.output, "4 array tasks for 6 trials (at most 4 tasks: --max-array-size)"));
  CHECK(contains(read_file(script), "#SBATCH --array=1-4\n"));
  CHECK(contains(read_file(script), "--shard \"${SLURM_ARRAY_TASK_ID}/4\""));
  // A name Slurm's option parser (and the shell) would cut short is made safe.
  write_file(dir / "named.yaml", "name: 'my grid #1'\n" + std::string(kTiny).substr(std::string(kTiny).find('\n') + 1) +
                                     "sweep: {parameters: {model.hidden_size: [2, 3]}}\n");
  REQUIRE(run_seqlab("sweep '" + dir / "named.yaml" + "' --emit-slurm '" + script + "'").exit_code == 0);
  CHECK(contains(read_file(script), "#SBATCH --job-name=my_grid__1-sweep\n"));
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

TEST_CASE("an override of a swept setting is refused at the sweep's line, not silently replaced") {
  ScratchDir dir("sweep");
  write_file(dir / "exp.yaml", std::string(kTiny) + "sweep:\n  parameters:\n    model.hidden_size: [2, 3]\n");
  for (const std::string override : {"model.hidden_size=128", "model={plugin: rnn, hidden_size: 128}"}) {
    CAPTURE(override);
    const auto r = run_seqlab(sweep(dir, "--dry-run '" + override + "'"));
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.output, "exp.yaml:10:5: error: sweep.parameters.model.hidden_size: is swept here"));
    CHECK(contains(r.output, "override '" + override + "' would be replaced"));
  }
  // Other settings, and the sweep itself, may be overridden.
  CHECK(run_seqlab(sweep(dir, "--dry-run optimizer.lr=0.1")).exit_code == 0);
  const auto swept = run_seqlab(sweep(dir, "--dry-run 'sweep.parameters={model.hidden_size: [5]}'"));
  CHECK(swept.exit_code == 0);
  CHECK(contains(swept.output, "model.hidden_size=5"));
}

TEST_CASE("a large sweep shows how far its validation has got") {
  ScratchDir dir("sweep");
  write_file(dir / "exp.yaml", std::string(kTiny) +
                                   "sweep:\n  parameters:\n    model.hidden_size: {range: [1, 50, 1]}\n"
                                   "    optimizer.lr: {range: [0.001, 0.02, 0.001]}\n");
  const auto r = run_seqlab(sweep(dir, "--dry-run"));
  CHECK(r.exit_code == 0);
  CHECK(count_of(r.output, "  seed=") == 1000);
  CHECK(contains(r.output, "validating the trials: 1000/1000"));
  CHECK(contains(r.output, "validated 1000 trials"));
}
