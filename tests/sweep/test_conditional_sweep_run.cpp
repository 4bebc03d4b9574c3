// A conditional sweep end to end through the CLI: dry run, trials, summaries with empty cells, best, resume, shards.
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/process.hpp"
#include "sweep/sweep_fixture.hpp"

using seqlab::test::contains;
using seqlab::test::count_of;
using seqlab::test::kTiny;
using seqlab::test::lines_of;
using seqlab::test::read_file;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;
using seqlab::test::sweep;
using seqlab::test::write_file;

TEST_CASE("seqlab sweep runs per-plugin parameter sets: empty cells for what a plugin lacks, best, resume, shards") {
  ScratchDir dir("sweep");
  write_file(dir / "exp.yaml", std::string(kTiny) + R"(sweep:
  parameters:
    optimizer.plugin: {adam: {lr: [0.01]}, sgd: {lr: [0.1], momentum: [0.0, 0.9]}}
)");
  const auto dry = run_seqlab(sweep(dir, "--dry-run"));
  INFO(dry.output);
  REQUIRE(dry.exit_code == 0);
  CHECK(contains(dry.output, "3 trials (grid: 3 configurations x 1 seeds)"));
  CHECK(contains(dry.output, "seed=0  optimizer.plugin=adam optimizer.lr=0.01\n"));
  CHECK(contains(dry.output, "seed=0  optimizer.plugin=sgd optimizer.lr=0.1 optimizer.momentum=0.9\n"));

  const std::string out = dir / "sw";
  const auto ran = run_seqlab(sweep(dir, "--jobs 2 --out '" + out + "'"));
  INFO(ran.output);
  REQUIRE(ran.exit_code == 0);
  const std::string csv = read_file(out + "/summary.csv");
  INFO(csv);
  CHECK(lines_of(csv).size() == 4);
  CHECK(contains(csv, "id,optimizer.plugin,optimizer.lr,optimizer.momentum,seed,status,"));
  CHECK(contains(csv, ",adam,0.01,,0,completed,"));  // adam has no momentum: an empty cell
  CHECK(contains(csv, ",sgd,0.1,0.9,0,completed,"));
  const std::string md = read_file(out + "/summary.md");
  INFO(md);
  CHECK(contains(md, "| optimizer.plugin | optimizer.lr | optimizer.momentum |"));
  CHECK(contains(md, "| adam | 0.01 | - |"));
  const auto best = nlohmann::json::parse(read_file(out + "/best.json"));
  const std::string best_plugin = best["settings"]["optimizer.plugin"];
  CHECK(best["settings"].contains("optimizer.momentum") == (best_plugin == "sgd"));
  CHECK(contains(read_file(out + "/best_config.yaml"), "plugin: " + best_plugin + "\n"));
  CHECK(run_seqlab("validate '" + out + "/best_config.yaml'").exit_code == 0);
  // The momentum plot has sgd's two trials only (after two header lines).
  CHECK(lines_of(read_file(out + "/metric_vs_optimizer.momentum.dat")).size() == 4);

  const auto resumed = run_seqlab(sweep(dir, "--out '" + out + "'"));
  INFO(resumed.output);
  CHECK(resumed.exit_code == 0);
  CHECK(contains(resumed.output, "3 trials, 0 to run"));

  // Shards and --collect give the same summary; the Slurm script shards the same trials.
  const std::string shared = dir / "shared";
  for (const char* shard : {"1/2", "2/2"})
    CHECK(run_seqlab(sweep(dir, std::string("--shard ") + shard + " --out '" + shared + "'")).exit_code == 0);
  REQUIRE(run_seqlab(sweep(dir, "--collect --out '" + shared + "'")).exit_code == 0);
  CHECK(count_of(read_file(shared + "/summary.csv"), ",completed,") == 3);
  const auto slurm = run_seqlab(sweep(dir, "--emit-slurm '" + (dir / "job.sh") + "'"));
  CHECK(slurm.exit_code == 0);
  CHECK(contains(read_file(dir / "job.sh"), "#SBATCH --array=1-3\n"));
}
