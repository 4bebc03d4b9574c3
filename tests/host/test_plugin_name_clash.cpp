// Two plugins of one kind and name: a user's folder overrides the shipped one (with a warning); two in the
// user's folders clash, an error only for what uses the name.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "host/plugin_loader.hpp"
#include "support/process.hpp"

using seqlab::test::contains;
using seqlab::test::count_of;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace {

namespace fs = std::filesystem;

// A file as messages name it: its folder's canonical path (weakly: never throws before the tests start).
std::string named(const std::string& file) { return fs::weakly_canonical(file).string(); }

// The folders of tests/host/stand_in_mse.cpp's two builds (a loss named `mse`), and their files.
const std::string kUserDir = std::string(SEQLAB_TEST_BAD_PLUGIN_DIR) + "/stand_in_mse";
const std::string kOtherUserDir = std::string(SEQLAB_TEST_BAD_PLUGIN_DIR) + "/stand_in_mse_copy";
const std::string kUserFile = named(kUserDir + "/stand_in_mse.so");
const std::string kOtherUserFile = named(kOtherUserDir + "/stand_in_mse_copy.so");
const std::string kShippedFile = named(std::string(SEQLAB_TEST_PLUGIN_DIR) + "/mse.so");
const std::string kStandInSummary = "the name-clash tests' stand-in for the shipped mse";
const std::string kClash =
    "two loss plugins are named 'mse': " + kUserFile + " and " + kOtherUserFile + "; remove or rename one";
const std::string kBothUserDirs = " --plugin-dir '" + kUserDir + "' --plugin-dir '" + kOtherUserDir + "'";

// One year ahead from the last 12 sunspot numbers with loss `loss`: trained in a blink.
std::string write_experiment(const ScratchDir& dir, const std::string& loss) {
  const std::string file = dir / (loss + ".yaml");
  write_file(file, "name: tiny\nseed: 0\ndataset: {plugin: csv, path: '" + std::string(SEQLAB_TEST_SOURCE_DIR) +
                       "/experiments/data/sunspots.csv', time_column: year, targets: [sunactivity], window: 12}\n"
                       "model: {plugin: rnn, hidden_size: 2}\nloss: {plugin: " +
                       loss + "}\noptimizer: {plugin: sgd, lr: 0.01}\ntraining: {epochs: 2, batch_size: 32}\n");
  return "'" + file + "'";
}

}  // namespace

TEST_CASE("name clash: a plugin in a user's folder overrides the shipped one, warned once naming both files") {
  const std::string warning =
      "warning: the loss plugin 'mse' of " + kUserFile + " overrides the shipped " + kShippedFile + "\n";
  SUBCASE("--plugin-dir: `plugins mse` describes the user's plugin") {
    const auto result = run_seqlab("plugins mse --plugin-dir '" + kUserDir + "'");
    INFO(result.output);
    CHECK(result.exit_code == 0);
    CHECK(contains(result.output, "loss plugin 'mse': " + kStandInSummary));
    CHECK(contains(result.output, "file: " + kUserFile));
    CHECK(count_of(result.output, warning) == 1);
  }
  SUBCASE("SEQLAB_PLUGIN_PATH: an experiment using the name validates, warned once") {
    ScratchDir dir("override");
    const auto result = run_seqlab("validate " + write_experiment(dir, "mse"), "SEQLAB_PLUGIN_PATH='" + kUserDir + "'");
    INFO(result.output);
    CHECK(result.exit_code == 0);
    CHECK(count_of(result.output, warning) == 1);
    CHECK(count_of(result.output, "warning:") == 1);
  }
  SUBCASE("the list marks the override and does not warn: it uses no name") {
    const auto result = run_seqlab("plugins --plugin-dir '" + kUserDir + "'");
    INFO(result.output);
    CHECK(result.exit_code == 0);
    CHECK(contains(result.output, kStandInSummary));
    CHECK(contains(result.output, kUserFile + " (overrides the shipped " + kShippedFile + ")"));
    CHECK_FALSE(contains(result.output, "warning:"));
  }
}

TEST_CASE("name clash: the registry resolves the override and refuses only the clashing name") {
  const seqlab::PluginRegistry overriding({kUserDir});
  const seqlab::LoadedPlugin* mse = overriding.find(seqlab::PluginKind::loss, "mse");
  REQUIRE(mse != nullptr);
  CHECK(mse->file == kUserFile);
  CHECK(mse->info->meta.summary == kStandInSummary);
  CHECK(overriding.clashes().empty());

  const seqlab::PluginRegistry clashing({kUserDir, kOtherUserDir});
  CHECK_THROWS_WITH_AS(clashing.find(seqlab::PluginKind::loss, "mse"), kClash.c_str(), seqlab::PluginLoadError);
  CHECK_THROWS_WITH_AS(clashing.get(seqlab::PluginKind::loss, "mse"), kClash.c_str(), seqlab::PluginLoadError);
  CHECK(clashing.find(seqlab::PluginKind::loss, "mae") != nullptr);
  CHECK(clashing.clashes().size() == 1);
  const auto losses = clashing.names(seqlab::PluginKind::loss);
  CHECK(std::count(losses.begin(), losses.end(), "mse") == 1);  // known, so a typo's "did you mean" finds it
}

TEST_CASE("name clash: two user folders with one name fail only the commands that use it") {
  ScratchDir dir("clash");
  for (const std::string& command : {std::string("validate"), "run --no-plots --out '" + (dir / "out") + "'"}) {
    INFO(command);
    const auto result = run_seqlab(command + " " + write_experiment(dir, "mse") + kBothUserDirs);
    INFO(result.output);
    CHECK(result.exit_code == 2);
    // Reported at the experiment's `plugin:` line, like an unknown name.
    CHECK(contains(result.output, "mse.yaml:5:8: error: loss.plugin: " + kClash));
  }
  const auto other = run_seqlab("validate " + write_experiment(dir, "mae") + kBothUserDirs);
  INFO(other.output);
  CHECK(other.exit_code == 0);
  // A folder from SEQLAB_PLUGIN_PATH is the user's too.
  const auto from_path = run_seqlab("validate " + write_experiment(dir, "mse") + " --plugin-dir '" + kUserDir + "'",
                                    "SEQLAB_PLUGIN_PATH='" + kOtherUserDir + "'");
  CHECK(from_path.exit_code == 2);
  CHECK(contains(from_path.output, kClash));

  const auto list = run_seqlab("plugins" + kBothUserDirs);
  INFO(list.output);
  CHECK(list.exit_code == 0);
  CHECK(contains(list.output, "CLASH"));
  CHECK(contains(list.output, kUserFile));
  CHECK(contains(list.output, kOtherUserFile));
  CHECK(contains(list.output, "Mean absolute error"));  // the other losses are still listed
  for (const char* command : {"plugins mse", "check mse", "plugins --markdown"}) {
    INFO(command);
    const auto result = run_seqlab(command + kBothUserDirs);
    CHECK(result.exit_code == 2);
    CHECK(contains(result.output, kClash));
  }
}

TEST_CASE("name clash: eval of a run whose recorded plugin clashes gives the clash error") {
  ScratchDir dir("clash-run");
  for (const std::string loss : {"mse", "mae"}) {
    const auto trained = run_seqlab("run " + write_experiment(dir, loss) + " --no-plots --out '" + (dir / loss) + "'");
    INFO(trained.output);
    REQUIRE(trained.exit_code == 0);
  }
  const auto clashing = run_seqlab("eval '" + (dir / "mse") + "' --no-plots" + kBothUserDirs);
  INFO(clashing.output);
  CHECK(clashing.exit_code == 2);
  CHECK(contains(clashing.output, "error: " + kClash));
  // A run that used another loss is evaluated as ever.
  const auto other = run_seqlab("eval '" + (dir / "mae") + "' --no-plots" + kBothUserDirs);
  INFO(other.output);
  CHECK(other.exit_code == 0);
}
