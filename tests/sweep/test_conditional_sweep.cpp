// Conditional sweep parameters (`optimizer.plugin: {adam: {...}, sgd: {...}}`): expansion, draws, ids and errors.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <set>

#include "config/experiment_source.hpp"
#include "host/plugin_loader.hpp"
#include "sweep/sweep_fixture.hpp"
#include "sweep/sweep_spec.hpp"
#include "sweep/trial_expansion.hpp"
#include "sweep/trial_resolution.hpp"

using seqlab::ConfigError;
using seqlab::ExperimentSource;
using seqlab::SweepSpec;
using seqlab::SweepTrial;
using seqlab::test::kTiny;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace {

const seqlab::PluginRegistry& registry() {
  static const seqlab::PluginRegistry r({SEQLAB_TEST_PLUGIN_DIR});
  return r;
}

// kTiny (seven lines) and `sweep_section` (from line 8) in a scratch file, its sweep parsed and
// expanded; resolve() names the trials as `seqlab sweep` does. Kept in place: trials point into spec.
class ConditionalSweep {
 public:
  explicit ConditionalSweep(const std::string& sweep_section, const std::string& experiment = kTiny) : dir_("cond") {
    write_file(file(), experiment + sweep_section);
    source_ = std::make_unique<ExperimentSource>(file(), std::vector<std::string>{});
    spec = seqlab::parse_sweep(*source_);
    trials = seqlab::expand_trials(spec, 0);
  }
  void resolve() { seqlab::resolve_trials(trials, file(), {}, registry()); }
  std::string file() const { return dir_ / "exp.yaml"; }

  SweepSpec spec;
  std::vector<SweepTrial> trials;

 private:
  ScratchDir dir_;
  std::unique_ptr<ExperimentSource> source_;
};

// The error `seqlab sweep` would report for `sweep_section` (parsing, expanding and resolving it), or "".
std::string error_of(const std::string& sweep_section, const std::string& experiment = kTiny) {
  try {
    ConditionalSweep sweep(sweep_section, experiment);
    sweep.resolve();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

std::size_t trials_choosing(const std::vector<SweepTrial>& trials, const std::string& override) {
  return static_cast<std::size_t>(std::count_if(trials.begin(), trials.end(), [&](const SweepTrial& t) {
    return std::find(t.overrides.begin(), t.overrides.end(), override) != t.overrides.end();
  }));
}

const char* const kOptimizers = R"(sweep:
  repeats: 2
  parameters:
    optimizer.plugin: {adam: {lr: [0.01, 0.001]}, sgd: {lr: [0.1], momentum: [0.0, 0.9]}}
    model.hidden_size: [2, 3]
)";

}  // namespace

TEST_CASE("a grid over per-plugin parameter sets: each plugin's product, times the other parameters") {
  ConditionalSweep sweep(kOptimizers);
  // (adam: 2 learning rates + sgd: 1 x 2 momenta) x 2 hidden sizes x 2 seeds.
  REQUIRE(sweep.trials.size() == 16);
  CHECK(trials_choosing(sweep.trials, "optimizer.plugin=adam") == 8);
  CHECK(trials_choosing(sweep.trials, "optimizer.plugin=sgd") == 8);
  CHECK(trials_choosing(sweep.trials, "optimizer.momentum=0.9") == 4);
  CHECK(sweep.trials.front().configuration == "optimizer.plugin=adam optimizer.lr=0.01 model.hidden_size=2");
  CHECK(sweep.trials.back().configuration ==
        "optimizer.plugin=sgd optimizer.lr=0.1 optimizer.momentum=0.9 model.hidden_size=3");
  for (const SweepTrial& t : sweep.trials) {
    CAPTURE(t.configuration);
    const bool adam = t.value_of("optimizer.plugin") == "adam";
    CHECK(t.value_of("optimizer.momentum").empty() == adam);  // adam has no momentum: never set
    CHECK_FALSE(t.value_of("optimizer.lr").empty());
    CHECK(t.overrides.size() == t.sources.size());
    CHECK(t.overrides.size() == t.value_index.size());
  }
  const auto columns = seqlab::sweep_columns(sweep.spec);
  REQUIRE(columns.size() == 4);  // optimizer.lr once, though two plugins sweep it
  CHECK(columns[0].path == "optimizer.plugin");
  CHECK(columns[1].path == "optimizer.lr");
  CHECK(columns[2].path == "optimizer.momentum");
  CHECK(columns[3].path == "model.hidden_size");

  sweep.resolve();
  CHECK(sweep.trials.size() == 16);
  std::set<std::string> ids;
  for (const SweepTrial& t : sweep.trials) ids.insert(t.id);
  CHECK(ids.size() == 16);
}

TEST_CASE("a plugin without swept parameters, and any section's plugin key, may be conditional") {
  ConditionalSweep empty(R"(sweep:
  parameters:
    optimizer.plugin: {adam: {}, sgd: {momentum: [0.0, 0.5, 0.9]}, rmsprop:}
)");
  CHECK(empty.trials.size() == 5);
  CHECK(empty.trials.front().configuration == "optimizer.plugin=adam");
  empty.resolve();
  CHECK(empty.trials.size() == 5);

  ConditionalSweep models(R"(sweep:
  parameters:
    model.plugin: {rnn: {hidden_size: [2, 3]}, lstm: {hidden_size: [4], num_layers: [1, 2]}, gru: {}}
    optimizer.lr: [0.01, 0.02]
)");
  CHECK(models.trials.size() == (2 + 2 + 1) * 2);
  models.resolve();
  CHECK(models.trials.size() == 10);
  CHECK(trials_choosing(models.trials, "model.num_layers=2") == 2);
}

TEST_CASE("a random search draws the plugin, then that plugin's parameters, deterministically") {
  const std::string section = R"(sweep:
  method: random
  trials: 40
  parameters:
    optimizer.plugin: {adam: {lr: {loguniform: [1e-4, 1e-2]}}, sgd: {lr: [0.1, 0.2], momentum: [0.0, 0.9]}}
    model.hidden_size: {range: [2, 4, 1]}
)";
  ConditionalSweep sweep(section);
  ConditionalSweep again(section);
  REQUIRE(sweep.trials.size() == 40);
  std::size_t adam = 0, sgd = 0;
  for (std::size_t i = 0; i < sweep.trials.size(); ++i) {
    const SweepTrial& t = sweep.trials[i];
    CAPTURE(t.configuration);
    CHECK(t.configuration == again.trials[i].configuration);
    CHECK_FALSE(t.value_of("model.hidden_size").empty());
    if (t.value_of("optimizer.plugin") == "adam") {
      ++adam;
      const double lr = std::stod(t.value_of("optimizer.lr"));
      CHECK(lr >= 1e-4);
      CHECK(lr <= 1e-2);
      CHECK(t.value_of("optimizer.momentum").empty());
    } else {
      ++sgd;
      CHECK((t.value_of("optimizer.lr") == "0.1" || t.value_of("optimizer.lr") == "0.2"));
      CHECK((t.value_of("optimizer.momentum") == "0.0" || t.value_of("optimizer.momentum") == "0.9"));
    }
  }
  CHECK(adam > 5);  // both plugins drawn
  CHECK(sgd > 5);
  const auto columns = seqlab::sweep_columns(sweep.spec);
  CHECK(columns[1].loguniform);  // optimizer.lr: log-uniform for adam, so plotted on a log axis
  // sgd's 12 combinations repeat among the draws: each distinct configuration runs once, under its own id.
  std::set<std::string> configurations;
  for (const SweepTrial& t : sweep.trials) configurations.insert(t.configuration);
  sweep.resolve();
  CHECK(sweep.trials.size() == configurations.size());
  std::set<std::string> ids;
  for (const SweepTrial& t : sweep.trials) ids.insert(t.id);
  CHECK(ids.size() == configurations.size());
}

TEST_CASE("each trial is validated as now: a value a chosen plugin refuses is reported at its sweep line") {
  // Line 8 `sweep:`, 9 `parameters:`, 10 the conditional entry.
  const std::string momentum_under_adam = error_of(R"(sweep:
  parameters:
    optimizer.plugin: {adam: {lr: [0.01], momentum: [0.9]}, sgd: {}}
)");
  CHECK(seqlab::test::contains(momentum_under_adam,
                               "exp.yaml:10:43: error: optimizer.momentum: unknown parameter "
                               "'momentum' for optimizer plugin 'adam'"));
  const std::string unknown_plugin = error_of("sweep:\n  parameters:\n    optimizer.plugin: {adamm: {}, sgd: {}}\n");
  CHECK(seqlab::test::contains(unknown_plugin,
                               "exp.yaml:10:24: error: optimizer.plugin: unknown optimizer plugin "
                               "'adamm'"));
  CHECK(seqlab::test::contains(unknown_plugin, "did you mean 'adam'?"));
  const std::string bad_value = error_of(R"(sweep:
  parameters:
    optimizer.plugin:
      adam: {lr: [0.01]}
      sgd:
        momentum: [0.5, 1.5]
)");
  CHECK(seqlab::test::contains(bad_value, "exp.yaml:13:25: error: optimizer.momentum: must be in [0, 1], got 1.5"));
  CHECK(seqlab::test::contains(bad_value, "(sweep value 1.5)"));
  // Swept for every plugin, though only some take it: at its key, saying where it belongs.
  const std::string for_all = error_of(R"(sweep:
  parameters:
    optimizer.plugin: {sgd: {}, adam: {}}
    optimizer.momentum: [0.9]
)");
  CHECK(seqlab::test::contains(for_all, "exp.yaml:11:5: error: optimizer.momentum: unknown parameter 'momentum'"));
  CHECK(seqlab::test::contains(for_all, "this trial chooses optimizer.plugin=adam"));
  CHECK(seqlab::test::contains(for_all, "optimizer.plugin: {NAME: {momentum: [...]}, ...}"));
  // A setting of the file that a chosen plugin does not take: at the file's line, naming the choice.
  std::string with_momentum = kTiny;
  with_momentum.replace(with_momentum.find("lr: 0.01}"), 9, "lr: 0.01, momentum: 0.9}");
  const std::string in_file =
      error_of("sweep:\n  parameters:\n    optimizer.plugin: {sgd: {}, adam: {}}\n", with_momentum);
  CHECK(seqlab::test::contains(in_file, "exp.yaml:6:36: error: optimizer.momentum: unknown parameter 'momentum'"));
  CHECK(seqlab::test::contains(in_file, "the sweep chooses optimizer.plugin=adam at "));
  CHECK(seqlab::test::contains(in_file, "exp.yaml:10:33: move this setting into the sweep"));
}

TEST_CASE("mistakes in per-plugin parameter sets are reported at their file:line:col with what would be right") {
  struct Case {
    std::string parameters, where, message;
  };
  const std::vector<Case> cases = {
      {"optimizer.plugin: {adam: {lr: [0.01]}, sgd: [0.1]}",
       "exp.yaml:10:49:", "expected the parameters swept with sgd as a mapping, e.g. sgd: {lr: [0.01, 0.001]}"},
      {"optimizer.plugin: {}", "exp.yaml:10:23:", "no plugins to choose from"},
      {"optimizer.plugin: {adam: {plugin: [sgd]}}", "exp.yaml:10:31:", "the plugin is the choice itself"},
      {"optimizer.plugin: {adam: {lr: {loguniform: [1e-4, 1e-2]}}}", "exp.yaml:10:36:", "a grid cannot enumerate"},
      {"optimizer.plugin: {adam: {lr: []}}", "exp.yaml:10:35:", "the list is empty"},
      {"optimizer.plugin: {adam: {lr: {range: [0.1, 0.01, 0.01]}}}", "exp.yaml:10:49:", "below its start"},
      {"optimizer.plugin: {adam: {lr: [0.1]}}\n    optimizer.lr: [0.2]",
       "exp.yaml:10:31:", "optimizer.lr is also swept at"},
      {"model.hidden_size: {a: {b: [1]}}", "exp.yaml:10:25:", "expected a list of values"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.parameters);
    const std::string error = error_of("sweep:\n  parameters:\n    " + c.parameters + "\n");
    CAPTURE(error);
    CHECK(seqlab::test::contains(error, c.where));
    CHECK(seqlab::test::contains(error, c.message));
  }
}
