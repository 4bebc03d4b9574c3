// scheduler.step_on: batch end to end: the schedule steps after every optimizer step as a torch training loop
// steps OneCycleLR; with one step per epoch it trains exactly as step_on: epoch; a run stopped between two
// mini-batches resumes to the uninterrupted run's bytes; the settings it refuses.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/same_results.hpp"
#include "training/checkpoint_codec.hpp"

using seqlab::test::contains;
using seqlab::test::read_file;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;

namespace fs = std::filesystem;

namespace {

// 250 training sequences in mini-batches of 10: 25 optimizer steps per epoch, over 4 epochs; sgd with momentum
// 0.9 from rate 0.01 under onecycle up to 0.1: tests/fixtures/torch's "onecycle_cos_sgd" case, step for step.
const std::string kBase =
    "experiments/sine_lstm.yaml dataset.num_samples=250 dataset.val_samples=50 model.hidden_size=8 "
    "optimizer.plugin=sgd optimizer.lr=0.01 optimizer.momentum=0.9 training.epochs=4 training.batch_size=10 "
    "training.log_every=0 --no-plots";
const std::string kExperiment = kBase + " scheduler.plugin=onecycle scheduler.max_lr=0.1";
const std::string kStopLoss =
    std::string(" loss.plugin=stop_mse --plugin-dir '") + SEQLAB_TEST_BAD_PLUGIN_DIR + "/stop_mse'";

// metrics.csv's lr column.
std::vector<double> lr_column(const std::string& run) {
  std::istringstream in(read_file(run + "/metrics.csv"));
  std::string line;
  std::getline(in, line);
  REQUIRE(line.rfind("epoch,train_loss,val_loss,lr,", 0) == 0);
  std::vector<double> rates;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string field;
    for (int i = 0; i < 4; ++i) std::getline(fields, field, ',');
    rates.push_back(std::stod(field));
  }
  return rates;
}

// What two runs must share byte for byte (support/same_results.hpp); the weights: one LSTM layer of 4 tensors,
// and the head's 2.
void check_same_results(const std::string& a, const std::string& b) { seqlab::test::check_same_results(a, b, 6); }

}  // namespace

TEST_CASE("step_on: batch steps the schedule after every optimizer step, as a torch loop steps OneCycleLR") {
  ScratchDir dir("step-on-batch");
  const std::string out = dir / "run";
  const auto ran = run_seqlab("run " + kExperiment + " scheduler.step_on=batch --out '" + out + "'");
  INFO(ran.output);
  REQUIRE(ran.exit_code == 0);
  CHECK(contains(read_file(out + "/config.yaml"), "step_on: batch"));
  std::ifstream in(std::string(SEQLAB_TEST_SOURCE_DIR) + "/tests/fixtures/torch/manifest.json");
  REQUIRE(in);
  nlohmann::json torch_case;
  const nlohmann::json manifest = nlohmann::json::parse(in);  // kept: a range-for over parse(in).at() would dangle
  for (const auto& c : manifest.at("onecycle"))
    if (c.at("case") == "onecycle_cos_sgd") torch_case = c;
  REQUIRE(torch_case.contains("rates"));
  const std::vector<double> torch_rates = torch_case.at("rates");
  // The lr column is the rate of each epoch's last step: torch's rate of step 25e - 1.
  const std::vector<double> logged = lr_column(out);
  REQUIRE(logged.size() == 4);
  for (std::size_t e = 0; e < logged.size(); ++e) {
    const double want = torch_rates.at(25 * (e + 1) - 1);
    INFO("epoch ", e + 1, ": lr ", logged[e], ", torch ", want);
    CHECK(std::abs(logged[e] - want) <= 1e-12 * want);
  }
}

TEST_CASE("with one optimizer step per epoch (the full batch), step_on: batch trains exactly as step_on: epoch") {
  ScratchDir dir("step-on-full-batch");
  const std::string per_epoch = dir / "epoch", per_batch = dir / "batch";
  const std::string full = " training.batch_size=0 training.epochs=12";
  REQUIRE(run_seqlab("run " + kExperiment + full + " --out '" + per_epoch + "'").exit_code == 0);
  const auto ran = run_seqlab("run " + kExperiment + full + " scheduler.step_on=batch --out '" + per_batch + "'");
  INFO(ran.output);
  REQUIRE(ran.exit_code == 0);
  check_same_results(per_epoch, per_batch);
  const std::vector<double> rates = lr_column(per_batch);
  CHECK(rates.front() < rates.at(3));  // the cycle rises, then falls
  CHECK(rates.back() < rates.front());
}

TEST_CASE("a step_on: batch run stopped between two mini-batches resumes to the uninterrupted run's bytes") {
  ScratchDir dir("step-on-resume");
  const std::string whole = dir / "whole", stopped = dir / "stopped";
  const std::string settings = kExperiment + kStopLoss + " scheduler.step_on=batch";
  REQUIRE(run_seqlab("run " + settings + " --out '" + whole + "'").exit_code == 0);
  // value() calls: 25 training batches and a validation per epoch; call 40 is epoch 2's 14th batch.
  const auto stop = run_seqlab("run " + settings + " --out '" + stopped + "'", "SEQLAB_TEST_STOP_AT_CALL=40");
  INFO(stop.output);
  CHECK(stop.exit_code == 143);
  const seqlab::TrainingState state = seqlab::decode_checkpoint(read_file(stopped + "/checkpoint.bin"));
  CHECK(state.epochs_done == 1);
  CHECK(state.rows_done == 140);  // 14 mini-batches of 10: the checkpoint is in the middle of epoch 2
  const auto resumed =
      run_seqlab("resume '" + stopped + "' --no-plots --plugin-dir '" + SEQLAB_TEST_BAD_PLUGIN_DIR + "/stop_mse'");
  INFO(resumed.output);
  CHECK(resumed.exit_code == 0);
  check_same_results(whole, stopped);
}

TEST_CASE("step_on refusals: another value, a scheduler that watches a loss, a cycle shorter than the run") {
  ScratchDir dir("step-on-refusals");
  const auto other = run_seqlab(
      "validate experiments/sine_lstm.yaml scheduler.plugin=onecycle scheduler.max_lr=0.1 scheduler.step_on=iteration");
  INFO(other.output);
  CHECK(other.exit_code == 2);
  CHECK(contains(other.output, "scheduler.step_on"));
  CHECK(contains(other.output, "epoch"));
  CHECK(contains(other.output, "batch"));
  const auto plateau =
      run_seqlab("run " + kBase + " scheduler.plugin=plateau scheduler.step_on=batch --out '" + (dir / "p") + "'");
  CHECK(plateau.exit_code == 2);
  CHECK(contains(plateau.output, "scheduler.step_on"));
  CHECK(contains(plateau.output, "known only when an epoch ends"));
  const auto short_cycle = run_seqlab("run " + kExperiment +
                                      " scheduler.step_on=batch scheduler.total_steps=99 --out '" + (dir / "s") + "'");
  CHECK(short_cycle.exit_code == 2);
  CHECK(contains(short_cycle.output, "scheduler.total_steps"));
  CHECK(contains(short_cycle.output, "100 times (4 epochs x 25 steps)"));
  CHECK_FALSE(fs::exists(dir / "s"));  // refused before the run folder is made
}
