// seqlab sweep's outputs: the summary and best configuration beside failed trials, the plots, shards collected
// into one summary, and the Slurm job array.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "support/prerequisite.hpp"
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
