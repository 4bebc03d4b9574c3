// Every built plugin of every kind, loaded through the real loader, through the framework's conformance suite.
// A new plugin dropped into the build is covered without writing a test.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "config/config_error.hpp"
#include "conformance/conformance.hpp"
#include "host/plugin_loader.hpp"

namespace {

seqlab::PluginRegistry& registry() {
  static seqlab::PluginRegistry r({SEQLAB_TEST_PLUGIN_DIR});
  return r;
}

const seqlab::LoadedPlugin& plugin(seqlab::PluginKind kind, const std::string& name) {
  return registry().get(kind, name);
}

const seqlab::CheckResult* find_check(const seqlab::ConformanceReport& report, const std::string& name) {
  for (const auto& c : report.checks)
    if (c.name == name || c.name == name + " [as given]") return &c;  // models: checked at several settings
  return nullptr;
}

}  // namespace

TEST_CASE("every built plugin passes the conformance suite") {
  // Plugins that cannot run on their defaults alone: a file to read.
  const std::map<std::string, std::vector<std::string>> settings = {
      {"csv",
       {std::string("path=") + SEQLAB_TEST_SOURCE_DIR + "/tests/plugins/csv/data/sensor.csv", "time_column=time",
        "missing=interpolate"}},
      {"multistep", {"milestones=[10, 30]"}},
      {"onecycle", {"max_lr=0.1"}}};
  std::map<seqlab::PluginKind, int> checked;
  for (const auto& p : registry().plugins()) {
    const auto given = settings.find(p.name());
    const seqlab::ConformanceReport report =
        seqlab::check_plugin(p, given == settings.end() ? std::vector<std::string>{} : given->second);
    INFO(seqlab::format_report(report));
    for (const auto& c : report.checks) {
      CAPTURE(c.name);
      CAPTURE(c.detail);
      CHECK(c.passed);
      CHECK_FALSE(c.skipped);  // the shipped plugins support every layout the suite tries
    }
    ++checked[p.kind()];
  }
  // At least what ships: sine and csv; rnn and lstm; mse, mae and huber; adam, adamw, rmsprop and sgd; five
  // schedulers.
  CHECK(checked[seqlab::PluginKind::dataset] >= 2);
  CHECK(checked[seqlab::PluginKind::model] >= 2);
  CHECK(checked[seqlab::PluginKind::loss] >= 3);
  CHECK(checked[seqlab::PluginKind::optimizer] >= 4);
  CHECK(checked[seqlab::PluginKind::scheduler] >= 5);
}

TEST_CASE("the conformance suite runs the checks of each kind") {
  using seqlab::PluginKind;
  const auto model = seqlab::check_plugin(plugin(PluginKind::model, "lstm"));
  for (const char* name :
       {"schema: parameter names", "construction", "parameters", "gradient, target_steps = 1",
        "backward twice, target_steps = 1", "gradient, target_steps = steps", "backward twice, target_steps = steps"}) {
    CAPTURE(name);
    CHECK(find_check(model, name) != nullptr);
  }
  CHECK(find_check(model, "gradient, target_steps = 1")->detail.find("worst lstm.") != std::string::npos);
  CHECK(find_check(seqlab::check_plugin(plugin(PluginKind::loss, "mse")), "gradient") != nullptr);
  const auto optimizer = seqlab::check_plugin(plugin(PluginKind::optimizer, "sgd"));
  for (const char* name : {"descent on a quadratic", "learning rate", "state round trip"}) {
    CAPTURE(name);
    CHECK(find_check(optimizer, name) != nullptr);
  }
  const auto scheduler = seqlab::check_plugin(plugin(PluginKind::scheduler, "plateau"));
  for (const char* name : {"rates", "determinism", "unvalidated epochs", "state round trip", "per-batch stepping",
                           "optimizer without momentum"}) {
    CAPTURE(name);
    CHECK(find_check(scheduler, name) != nullptr);
  }
  // Stepped per batch, a scheduler is driven through next_step(); one that cycles the momentum must refuse an
  // optimizer without one.
  const auto onecycle = seqlab::check_plugin(plugin(PluginKind::scheduler, "onecycle"), {"max_lr=0.1"});
  CHECK(find_check(onecycle, "per-batch stepping")->detail.find("next_step") != std::string::npos);
  CHECK(find_check(onecycle, "optimizer without momentum")->detail.find("cycle_momentum") != std::string::npos);
  CHECK(find_check(seqlab::check_plugin(plugin(PluginKind::scheduler, "cosine")), "per-batch stepping")->passed);
  const auto dataset = seqlab::check_plugin(plugin(PluginKind::dataset, "sine"));
  for (const char* name : {"shapes", "finite values", "same seed, same data", "another seed, other data"}) {
    CAPTURE(name);
    CHECK(find_check(dataset, name) != nullptr);
  }
}

TEST_CASE("parameters given to the conformance suite are validated and used") {
  using seqlab::PluginKind;
  // A model that refuses one target layout: that layout is not applicable, not a failure.
  const auto last_only = seqlab::check_plugin(plugin(PluginKind::model, "rnn"), {"head=last", "kernel=reference"});
  CHECK(last_only.passed());
  REQUIRE(find_check(last_only, "gradient, target_steps = steps") != nullptr);
  CHECK(find_check(last_only, "gradient, target_steps = steps")->skipped);
  // The plugin's own consistency check is a construction failure.
  const auto nesterov = seqlab::check_plugin(plugin(PluginKind::optimizer, "sgd"), {"nesterov=true"});
  CHECK_FALSE(nesterov.passed());
  CHECK(find_check(nesterov, "construction")->detail.find("nesterov") != std::string::npos);
  // A learning rate too small to descend in the suite's steps fails the descent check.
  const auto slow = seqlab::check_plugin(plugin(PluginKind::optimizer, "sgd"), {"lr=1e-6"});
  CHECK_FALSE(find_check(slow, "descent on a quadratic")->passed);
  // Settings reach the plugin: a small every-step sine set still passes.
  CHECK(seqlab::check_plugin(plugin(PluginKind::dataset, "sine"), {"num_samples=3", "target=sequence"}).passed());
  CHECK_THROWS_AS(seqlab::check_plugin(plugin(PluginKind::optimizer, "adam"), {"lr=abc"}), seqlab::ConfigError);
}

TEST_CASE("the conformance suite reports a sign error in one parameter's gradient") {
  const auto wrong =
      seqlab::load_plugin_file(std::string(SEQLAB_TEST_BAD_PLUGIN_DIR) + "/wrong_backward/wrong_backward.so");
  const auto report = seqlab::check_plugin(wrong);
  INFO(seqlab::format_report(report));
  CHECK_FALSE(report.passed());
  for (const char* name : {"gradient, target_steps = 1", "gradient, target_steps = steps"}) {
    const auto* check = find_check(report, name);
    REQUIRE(check != nullptr);
    CHECK_FALSE(check->passed);
    CHECK(check->detail.find("worst fc.bias[") != std::string::npos);
  }
  // Everything else about it is fine: only the gradient checks fail, at every setting.
  for (const auto& c : report.checks) {
    CAPTURE(c.name);
    CHECK(c.passed == (c.name.rfind("gradient, ", 0) != 0));
  }
}
