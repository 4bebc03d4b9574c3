// The training section's tools: gradient clipping, early stopping with `keep`, schedulers' rates in metrics.csv.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "config/experiment.hpp"
#include "support/process.hpp"
#include "training/trainer.hpp"

using seqlab::test::contains;
using seqlab::test::read_file;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;

namespace {

// The L2 distance the weights moved in one full-batch epoch of plain SGD at lr 1 (the step is then
// exactly the gradient as the optimizer got it), and the pre-clip norm metrics.csv would log.
std::pair<double, double> one_sgd_step(const std::string& clip) {
  seqlab::PluginRegistry registry({SEQLAB_TEST_PLUGIN_DIR});
  auto source = std::make_shared<const seqlab::ExperimentSource>(
      seqlab::test::experiment_path("sine_rnn.yaml"),
      std::vector<std::string>{"training.epochs=1", "dataset.num_samples=200", "optimizer.plugin=sgd", "optimizer.lr=1",
                               "training.clip_grad_norm=" + clip});
  const auto experiment = seqlab::resolve_experiment(source, registry);
  seqlab::Components components = seqlab::instantiate(experiment);
  std::vector<std::vector<float>> before;
  for (const auto& p : components.model->parameters()) before.emplace_back(p.value.begin(), p.value.end());
  seqlab::Trainer trainer(components, experiment);
  double logged = 0;
  trainer.run([&](const seqlab::EpochRecord& r) { logged = r.grad_norm; });
  double squares = 0;
  const auto& parameters = components.model->parameters();
  for (std::size_t i = 0; i < parameters.size(); ++i)
    for (std::size_t k = 0; k < parameters[i].size(); ++k) {
      const double d = static_cast<double>(parameters[i].value[k]) - before[i][k];
      squares += d * d;
    }
  return {std::sqrt(squares), logged};
}

std::vector<std::string> column(const std::string& csv, std::size_t index) {
  std::istringstream in(csv);
  std::string line;
  std::vector<std::string> values;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream cells(line);
    std::string cell;
    for (std::size_t i = 0; i <= index; ++i) std::getline(cells, cell, ',');
    values.push_back(cell);
  }
  return values;
}

}  // namespace

TEST_CASE("clip_grad_norm scales the gradient to the norm given, as torch.nn.utils.clip_grad_norm_") {
  const auto [unclipped_step, norm] = one_sgd_step("0");
  CHECK(norm > 0.1);  // the seed RNN's first gradient is far above the clip below
  CHECK(unclipped_step == doctest::Approx(norm).epsilon(1e-4));
  const auto [clipped_step, logged] = one_sgd_step("0.01");
  CHECK(logged == norm);  // metrics.csv logs the norm before clipping
  // max_norm / (norm + 1e-6) of the gradient: a step of length 0.01 up to float rounding.
  CHECK(clipped_step == doctest::Approx(0.01 * norm / (norm + 1e-6)).epsilon(1e-4));
  const auto [loose_step, loose_logged] = one_sgd_step("1000");  // above the norm: no change
  CHECK(loose_step == unclipped_step);
  CHECK(loose_logged == norm);
}

TEST_CASE("early stopping ends the run and keeps the best epoch's weights, which a shorter run reproduces") {
  ScratchDir dir("early-stopping");
  const std::string base = "run experiments/sine_rnn.yaml dataset.num_samples=200 training.epochs=300 --no-plots ";
  const auto stopped = run_seqlab(base +
                                  "training.early_stopping.patience=4 training.early_stopping.min_delta=1e-4 "
                                  "--out '" +
                                  dir / "stopped" + "'");
  INFO(stopped.output);
  REQUIRE(stopped.exit_code == 0);
  CHECK(contains(stopped.output, "early stopping after epoch "));
  const auto summary = nlohmann::json::parse(read_file(dir / "stopped/summary.json"));
  CHECK(summary["stopped_early"] == true);
  CHECK(summary["weights"]["kept"] == "best");
  CHECK(summary["weights"]["metric"] == "val_loss");
  const int epochs = summary["epochs"], best = summary["weights"]["epoch"];
  CHECK(epochs < 300);
  CHECK(best == epochs - 4);  // four epochs without an improvement of more than min_delta
  // The metric recorded is the best epoch's validation loss, as metrics.csv has it.
  const auto val = column(read_file(dir / "stopped/metrics.csv"), 2);
  CHECK(summary["weights"]["value"].get<double>() == std::stod(val.at(static_cast<std::size_t>(best - 1))));
  // A run of exactly `best` epochs ends with those weights, byte for byte.
  const auto shorter = run_seqlab(base + "training.epochs=" + std::to_string(best) + " --out '" + dir / "short" + "'");
  REQUIRE(shorter.exit_code == 0);
  for (const auto& entry : std::filesystem::directory_iterator(dir / "short/weights")) {
    CAPTURE(entry.path().filename().string());
    CHECK(read_file(entry.path().string()) == read_file(dir / "stopped/weights/" + entry.path().filename().string()));
  }
  // keep: last keeps the last epoch's weights instead, and says so.
  const auto last = run_seqlab(base +
                               "training.early_stopping.patience=4 training.early_stopping.min_delta=1e-4 "
                               "training.keep=last --out '" +
                               dir / "last" + "'");
  REQUIRE(last.exit_code == 0);
  const auto last_summary = nlohmann::json::parse(read_file(dir / "last/summary.json"));
  CHECK(last_summary["weights"]["kept"] == "last");
  CHECK(last_summary["weights"]["epoch"] == epochs);
}

TEST_CASE("watching val_loss without a validation split is refused before training, at the setting") {
  const auto early = run_seqlab(
      "run experiments/sine_rnn.yaml dataset.val_samples=0 training.early_stopping.patience=3 "
      "--out /nonexistent/never");
  INFO(early.output);
  CHECK(early.exit_code == 2);
  CHECK(contains(early.output, "training.early_stopping.metric"));
  CHECK(contains(early.output, "watch train_loss"));
  const auto plateau = run_seqlab(
      "run experiments/sine_rnn.yaml dataset.val_samples=0 scheduler.plugin=plateau "
      "--out /nonexistent/never");
  INFO(plateau.output);
  CHECK(plateau.exit_code == 2);
  CHECK(contains(plateau.output, "scheduler 'plateau' watches val_loss"));
}

TEST_CASE("metrics.csv's lr column is the rate each epoch trained at") {
  ScratchDir dir("schedule");
  const auto run = run_seqlab(
      "run experiments/sine_rnn.yaml dataset.num_samples=100 training.epochs=6 scheduler.plugin=step "
      "scheduler.step_size=2 scheduler.gamma=0.5 --no-plots --out '" +
      dir / "run" + "'");
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  CHECK(column(read_file(dir / "run/metrics.csv"), 3) ==
        std::vector<std::string>{"0.01", "0.01", "0.005", "0.005", "0.0025", "0.0025"});
  CHECK(contains(read_file(dir / "run/config.yaml"), "scheduler:\n  plugin: step\n"));
}
