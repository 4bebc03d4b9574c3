// The seed workload end to end: quality over three seeds, determinism, and the run folder's contents.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <utility>

#include "runs/run_folder.hpp"
#include "support/process.hpp"

using seqlab::test::read_file;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;

namespace {

nlohmann::json run_summary(const std::string& experiment, const std::string& out, const std::string& extra = "") {
  const auto result = run_seqlab("run experiments/" + experiment + " --out '" + out + "' --no-plots " + extra);
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  return nlohmann::json::parse(read_file(out + "/summary.json"));
}

double median_of_three(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[1];
}

void check_quality(const std::string& experiment, double median_limit) {
  ScratchDir dir("quality");
  std::vector<double> train, val;
  for (int seed : {0, 1, 2}) {
    const auto summary = run_summary(experiment, dir / std::to_string(seed), "seed=" + std::to_string(seed));
    CHECK(summary["epochs"] == 100);
    train.push_back(summary["final_train_loss"].get<double>());
    val.push_back(summary["final_val_loss"].get<double>());
  }
  INFO(experiment, " final train losses ", train[0], " ", train[1], " ", train[2], "; val ", val[0], " ", val[1], " ",
       val[2]);
  CHECK(median_of_three(train) <= median_limit);
  // "Of the same order": a held-out set from the same distribution.
  CHECK(median_of_three(val) <= 10 * median_limit);
}

}  // namespace

TEST_CASE("sine_lstm reaches the PyTorch reference's quality over seeds 0, 1, 2") {
  check_quality("sine_lstm.yaml", 5e-5);
}

TEST_CASE("sine_rnn reaches the PyTorch reference's quality over seeds 0, 1, 2") {
  check_quality("sine_rnn.yaml", 1.5e-5);
}

TEST_CASE("sine_gru reaches the PyTorch reference's quality over seeds 0, 1, 2") {
  check_quality("sine_gru.yaml", 1e-4);
}

TEST_CASE("the same experiment and seed give byte-identical metrics and weights") {
  ScratchDir dir("determinism");
  // The GRU with two layers and dropout: the masks are drawn from the seed too.
  for (const auto& [experiment, model] : {std::pair<const char*, const char*>{"sine_lstm.yaml", ""},
                                          {"sine_rnn.yaml", ""},
                                          {"sine_gru.yaml", " model.num_layers=2 model.dropout=0.2"}})
    for (const char* threads : {"1", "2"}) {  // 2 threads: the batch is split into shards
      CAPTURE(experiment);
      CAPTURE(threads);
      const std::string run = dir / (std::string(experiment) + threads);
      const std::string a = run + ".a", b = run + ".b";
      const std::string settings =
          std::string("training.epochs=20 training.batch_size=128 --threads ") + threads + model;
      run_summary(experiment, a, settings);
      run_summary(experiment, b, settings);
      CHECK(seqlab::metrics_without_seconds(read_file(a + "/metrics.csv")) ==
            seqlab::metrics_without_seconds(read_file(b + "/metrics.csv")));
      CHECK(read_file(a + "/predictions.csv") == read_file(b + "/predictions.csv"));
      int weights = 0;
      for (const auto& entry : std::filesystem::directory_iterator(a + "/weights")) {
        const std::string name = entry.path().filename().string();
        CHECK(read_file(entry.path().string()) == read_file(b + "/weights/" + name));
        ++weights;
      }
      CHECK(weights >= 6);
    }
}

TEST_CASE("a run folder holds everything the README promises") {
  ScratchDir dir("folder");
  const std::string out = dir / "run";
  const auto result = run_seqlab("run experiments/sine_lstm_sequence.yaml training.epochs=3 --out '" + out + "'");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  CHECK(result.output.find("Epoch [3/3], Loss: ") != std::string::npos);
  for (const char* file :
       {"config.yaml", "metrics.csv", "summary.json", "predictions.csv", "checkpoint.bin", "plugins.json",
        "weights/lstm.weight_ih_l0.npy", "weights/lstm.bias_hh_l0.npy", "weights/fc.weight.npy", "weights/fc.bias.npy",
        "loss.dat", "loss.gp", "prediction.dat", "prediction.gp"})
    CHECK_MESSAGE(std::filesystem::exists(out + "/" + file), file);
  const auto summary = nlohmann::json::parse(read_file(out + "/summary.json"));
  for (const char* key : {"final_train_loss", "final_val_loss", "epochs", "train_seconds", "median_epoch_ms",
                          "seqlab_version", "blas", "plugins"})
    CHECK_MESSAGE(summary.contains(key), key);
  CHECK(summary["plugins"]["model"]["sha256"].get<std::string>().size() == 64);
  // The resolved config is itself a runnable experiment with every default written out.
  const std::string config = read_file(out + "/config.yaml");
  CHECK(config.find("betas: [0.9, 0.999]") != std::string::npos);
  CHECK(config.find("override: training.epochs=3") != std::string::npos);
  CHECK(config.find("input_size: 1\n") != std::string::npos);  // as inferred from the data, not 0
  CHECK(config.find("output_size: 1\n") != std::string::npos);
  CHECK(summary["weights"]["kept"] == "last");
  const auto rerun = run_seqlab("validate '" + out + "/config.yaml'");
  INFO(rerun.output);
  CHECK(rerun.exit_code == 0);
  // metrics.csv: a header and one row per epoch.
  CHECK(read_file(out + "/metrics.csv").rfind("epoch,train_loss,val_loss,lr,grad_norm,seconds\n1,", 0) == 0);
}
