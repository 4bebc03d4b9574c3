// `seqlab check` against planted bugs: copies of the shipped rnn plugin with one wrong gradient entry, a
// bug only in the second layer, and a wrong sequence head (built by tests/conformance/CMakeLists.txt).
#include <doctest/doctest.h>

#include <string>

#include "conformance/conformance.hpp"
#include "host/plugin_loader.hpp"

namespace {

seqlab::ConformanceReport check_mutant(const std::string& name) {
  const auto plugin =
      seqlab::load_plugin_file(std::string(SEQLAB_TEST_BAD_PLUGIN_DIR) + "/mutant_" + name + "/mutant_" + name + ".so");
  return seqlab::check_plugin(plugin);
}

// The names of the checks that failed, as one string for CHECKs and messages.
std::string failures(const seqlab::ConformanceReport& report) {
  std::string names;
  for (const auto& c : report.checks)
    if (!c.passed) names += "<" + c.name + ": " + c.detail + ">";
  return names;
}

bool failed(const seqlab::ConformanceReport& report, const std::string& check) {
  for (const auto& c : report.checks)
    if (c.name == check) return !c.passed;
  FAIL("no check named '", check, "'");
  return false;
}

}  // namespace

TEST_CASE("seqlab check catches one wrong gradient entry: every entry is checked") {
  const auto report = check_mutant("doubled_entry");
  INFO(failures(report));
  CHECK_FALSE(report.passed());
  CHECK(failed(report, "gradient, target_steps = 1 [as given]"));
  CHECK(failures(report).find("worst rnn.weight_hh_l0[5]") != std::string::npos);
}

TEST_CASE("seqlab check catches a bug only in the second layer: it checks num_layers=2 too") {
  const auto report = check_mutant("layer_two");
  INFO(failures(report));
  CHECK_FALSE(report.passed());
  CHECK_FALSE(failed(report, "gradient, target_steps = 1 [as given]"));  // one layer: nothing to see
  CHECK(failed(report, "gradient, target_steps = 1 [num_layers=2]"));
  CHECK(failed(report, "gradient, target_steps = steps [num_layers=2]"));
}

TEST_CASE("seqlab check catches a wrong sequence head: it checks both heads") {
  const auto report = check_mutant("sequence_head");
  INFO(failures(report));
  CHECK_FALSE(report.passed());
  CHECK_FALSE(failed(report, "gradient, target_steps = 1 [as given]"));
  CHECK(failed(report, "gradient, target_steps = steps [as given]"));
  CHECK(failed(report, "gradient, target_steps = steps [batch=1]"));
}
