// `resume --epochs` of a finished run keeps that run whole (summary, config, weights, predictions) until the
// continuation completes: one that diverges or is killed leaves the folder as `eval` knew it.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "support/process.hpp"
#include "support/refusal.hpp"

using seqlab::test::contains;
using seqlab::test::read_file;
using seqlab::test::run_seqlab;
using seqlab::test::run_shell;
using seqlab::test::ScratchDir;

namespace fs = std::filesystem;

namespace {

// Two epochs of plain SGD, then (after epoch 2, so only a continuation sees it) the rate times 1e30: the
// continuation's first epoch explodes. checkpoint_every=1 so that a killed continuation leaves checkpoints.
const std::string kRun =
    "run experiments/electricity_load_rnn.yaml training.epochs=2 training.checkpoint_every=1 optimizer.plugin=sgd "
    "scheduler.plugin=multistep scheduler.milestones=[2] scheduler.gamma=1e30 --no-plots";

// What `eval` reads and what a finished run is: every file but the training record (metrics.csv,
// checkpoint.bin), eval's own folder and temporaries, with its bytes.
std::map<std::string, std::string> results_of(const std::string& run) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(run)) {
    const std::string name = entry.path().lexically_relative(run).string();
    if (!entry.is_regular_file() || name == "metrics.csv" || name == "checkpoint.bin" || name.rfind("eval", 0) == 0 ||
        entry.path().extension() == ".tmp")  // what a killed continuation was still writing
      continue;
    files[name] = read_file(entry.path().string());
  }
  return files;
}

// `seqlab eval RUN --out OUT`: its test score.
nlohmann::json eval_score(const std::string& run, const std::string& out) {
  const auto result = run_seqlab("eval '" + run + "' --no-plots --out '" + out + "'");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  return nlohmann::json::parse(read_file(out + "/eval.json"))["test"];
}

}  // namespace

TEST_CASE("a diverging resume --epochs leaves the finished run's summary, config and weights, and eval works") {
  ScratchDir dir("resume-diverges");
  const std::string run = dir / "run";
  const auto trained = run_seqlab(kRun + " --out '" + run + "'");
  INFO(trained.output);
  REQUIRE(trained.exit_code == 0);
  const auto before = results_of(run);
  REQUIRE(before.count("summary.json"));
  REQUIRE(before.count("config.yaml"));
  REQUIRE(before.count("weights/fc.weight.npy"));
  const nlohmann::json score = eval_score(run, dir / "eval-before");

  const auto resumed = run_seqlab("resume '" + run + "' --epochs 4 --no-plots");
  INFO(resumed.output);
  CHECK(resumed.exit_code == 1);
  CHECK(contains(resumed.output, "exploded at epoch 3"));
  CHECK(contains(resumed.output, "the run as it had finished (summary.json, config.yaml, weights) is kept"));
  CHECK(results_of(run) == before);  // byte for byte: summary.json, config.yaml, weights/, predictions.csv, ...
  CHECK(eval_score(run, dir / "eval-after") == score);
  for (const auto& entry : fs::recursive_directory_iterator(run))
    CHECK(entry.path().extension() != ".tmp");  // the held results were discarded, not left behind
}

TEST_CASE("a resume --epochs killed mid-way leaves the finished run whole, and resumed again it completes") {
  ScratchDir dir("resume-killed");
  const std::string run = dir / "run";
  // The same run without the explosion, so that the continuation trains on until it is killed.
  const std::string calm = kRun.substr(0, kRun.find(" scheduler.plugin")) + " --no-plots";
  REQUIRE(run_seqlab(calm + " --out '" + run + "'").exit_code == 0);
  const auto before = results_of(run);
  const nlohmann::json score = eval_score(run, dir / "eval-before");

  // Killed once metrics.csv has 10 epochs: well inside the continuation, after checkpoints of its own.
  const auto killed = run_shell("cd '" + std::string(SEQLAB_TEST_SOURCE_DIR) + "' && ('" + SEQLAB_TEST_BINARY +
                                "' resume '" + run + "' --epochs 1000000 --no-plots > /dev/null 2>&1 & pid=$!; " +
                                "for i in $(seq 3000); do [ $(cat '" + run +
                                "/metrics.csv' | wc -l) -ge 11 ] && break; sleep 0.01; done; kill -KILL $pid; "
                                "wait $pid; echo exit=$?)");
  INFO(killed.output);
  REQUIRE(contains(killed.output, "exit=137"));
  CHECK(results_of(run) == before);
  CHECK(eval_score(run, dir / "eval-after") == score);

  // config.yaml still says 2 epochs and the checkpoint is later: resume says to give --epochs again.
  // A refusal: bounded, so that a resume that trains on instead (1000000 epochs) fails the test, not hangs it.
  const auto again = run_seqlab("resume '" + run + "' --no-plots", "", seqlab::test::kRefusalSeconds);
  INFO(again.output);
  CHECK(again.exit_code == 2);
  CHECK(contains(again.output, "give its --epochs again"));

  const auto completed = run_seqlab("resume '" + run + "' --epochs 200 --no-plots");
  INFO(completed.output);
  CHECK(completed.exit_code == 0);
  CHECK(contains(read_file(run + "/summary.json"), "\"epochs\": 200"));
  CHECK(contains(read_file(run + "/config.yaml"), "epochs: 200"));
  CHECK(read_file(run + "/weights/fc.weight.npy") != before.at("weights/fc.weight.npy"));
  for (const auto& entry : fs::recursive_directory_iterator(run))
    CHECK(entry.path().extension() != ".tmp");  // the killed continuation's temporaries were cleared
}
