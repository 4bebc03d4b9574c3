// After the first epoch, training allocates nothing: every buffer is sized once per batch shape.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <atomic>

#include "config/experiment.hpp"
#include "support/process.hpp"
#include "training/trainer.hpp"

extern std::atomic<long> g_allocations;

namespace {

void check_epochs_allocate_nothing(const std::vector<std::string>& overrides) {
  seqlab::PluginRegistry registry({SEQLAB_TEST_PLUGIN_DIR});
  auto source =
      std::make_shared<const seqlab::ExperimentSource>(seqlab::test::experiment_path("sine_lstm.yaml"), overrides);
  const auto experiment = seqlab::resolve_experiment(source, registry);
  seqlab::Components components = seqlab::instantiate(experiment);
  seqlab::Trainer trainer(components, experiment);
  std::vector<long> after_epoch;
  after_epoch.reserve(16);  // the callback itself must not allocate
  trainer.run([&](const seqlab::EpochRecord&) { after_epoch.push_back(g_allocations.load()); });
  REQUIRE(after_epoch.size() == 5);
  INFO("allocations so far after each epoch: ", after_epoch[0], " ", after_epoch[1], " ", after_epoch[2], " ",
       after_epoch[3], " ", after_epoch[4]);
  CHECK(after_epoch[4] == after_epoch[1]);  // epochs 3, 4 and 5 allocated nothing
}

}  // namespace

TEST_CASE("full-batch epochs allocate nothing after the first, at 1 and 2 threads") {
  for (const std::string model : {"lstm", "rnn", "gru"})
    for (const std::string threads : {"1", "2"}) {
      CAPTURE(model);
      CAPTURE(threads);
      check_epochs_allocate_nothing(
          {"model.plugin=" + model, "training.epochs=5", "dataset.num_samples=200", "training.threads=" + threads});
    }
}

TEST_CASE("mini-batch epochs with a smaller last batch allocate nothing after the first") {
  check_epochs_allocate_nothing(
      {"training.epochs=5", "dataset.num_samples=200", "training.batch_size=64", "training.threads=2"});
}

TEST_CASE("training with dropout draws its masks into buffers of the cache: nothing allocated after the first epoch") {
  for (const std::string model : {"lstm", "rnn", "gru"}) {
    CAPTURE(model);
    check_epochs_allocate_nothing({"model.plugin=" + model, "model.num_layers=3", "model.dropout=0.3",
                                   "training.epochs=5", "dataset.num_samples=200", "training.threads=2"});
  }
}

TEST_CASE("the counter counts: an allocation is seen") {
  const long before = g_allocations.load();
  auto* p = new std::vector<int>(100);
  delete p;
  CHECK(g_allocations.load() > before);
}
