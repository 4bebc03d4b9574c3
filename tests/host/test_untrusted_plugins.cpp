// A run folder is data: no path in it makes seqlab load a library, and no library runs code before its
// descriptor is checked. Proven with a library whose constructor leaves a marker file.
#include <doctest/doctest.h>

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/process.hpp"

using seqlab::test::contains;
using seqlab::test::read_file;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace {

namespace fs = std::filesystem;

const std::string kBad = SEQLAB_TEST_BAD_PLUGIN_DIR;
// The marker libraries (tests/host/bad_plugins/marker_constructor.cpp): no descriptor, a working loss plugin
// `marker_loss`, a future API's descriptor. Each one's constructor appends to $SEQLAB_TEST_MARKER.
const std::string kNoDescriptor = kBad + "/marker_no_descriptor/marker_no_descriptor.so";
const std::string kMarkerPluginDir = kBad + "/marker_plugin";

// One year ahead from the last 12 sunspot numbers: a csv run with a test split, trained in a blink.
std::string tiny_experiment(const std::string& loss = "mse") {
  return "name: tiny\nseed: 0\ndataset: {plugin: csv, path: '" + std::string(SEQLAB_TEST_SOURCE_DIR) +
         "/experiments/data/sunspots.csv', time_column: year, targets: [sunactivity], window: 12}\n"
         "model: {plugin: rnn, hidden_size: 2}\nloss: {plugin: " +
         loss + "}\noptimizer: {plugin: sgd, lr: 0.01}\ntraining: {epochs: 2, batch_size: 32}\n";
}

// A finished run, made once; each case works on its own copy.
const std::string& pristine_run() {
  static ScratchDir dir("untrusted-run");
  static const std::string run = [] {
    write_file(dir / "tiny.yaml", tiny_experiment());
    const auto r = run_seqlab("run '" + (dir / "tiny.yaml") + "' --no-plots --out '" + (dir / "run") + "'");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    return dir / "run";
  }();
  return run;
}

nlohmann::json read_json(const std::string& file) { return nlohmann::json::parse(read_file(file)); }
void write_json(const std::string& file, const nlohmann::json& json) { write_file(file, json.dump(2)); }

// A copy of the run whose folder `evil` holds the marker library, as `file_name`.
struct PlantedRun {
  ScratchDir dir{"untrusted"};
  std::string run = dir / "run";
  std::string evil = run + "/evil";
  std::string marker = dir / "marker";
  explicit PlantedRun(const std::string& library = kNoDescriptor, const std::string& file_name = "x.so") {
    fs::copy(pristine_run(), run, fs::copy_options::recursive);
    fs::create_directories(evil);
    fs::copy_file(library, evil + "/" + file_name);
  }
  // `seqlab ARGS` with the marker's path in the environment.
  seqlab::test::ProcessResult seqlab(const std::string& args) const {
    return run_seqlab(args, "SEQLAB_TEST_MARKER='" + marker + "'");
  }
  bool marker_left() const { return fs::exists(marker); }
};

// The commands that read a run folder, each as it is meant to succeed on the tiny run.
struct Command {
  const char* name;
  std::function<std::string(const std::string& run)> args;
};
const std::vector<Command>& commands() {
  static const std::vector<Command> all = {
      {"eval", [](const std::string& run) { return "eval '" + run + "' --no-plots"; }},
      {"predict", [](const std::string& run) { return "predict '" + run + "' --steps 2 --no-plots"; }},
      {"resume", [](const std::string& run) { return "resume '" + run + "' --epochs 3 --no-plots"; }},
      {"reproduce", [](const std::string& run) { return "reproduce '" + run + "'"; }},
  };
  return all;
}

// Plants the marker library by `plant` (an edit of a copy of the run) and runs every command on the copy:
// each must do what it does on an untouched run (exit 0) without loading the library.
void each_command_ignores(const std::function<void(PlantedRun&)>& plant, const std::string& library = kNoDescriptor,
                          const std::string& file_name = "x.so") {
  for (const Command& command : commands()) {
    PlantedRun planted(library, file_name);
    plant(planted);
    const auto r = planted.seqlab(command.args(planted.run));
    INFO(command.name);
    INFO(r.output);
    CHECK(r.exit_code == 0);
    CHECK_FALSE(planted.marker_left());
  }
}

}  // namespace

TEST_CASE("a run folder's summary.json plugin_dirs loads nothing: eval, predict, resume, reproduce") {
  each_command_ignores([](PlantedRun& p) {
    auto summary = read_json(p.run + "/summary.json");
    summary["plugin_dirs"] = {p.evil};
    write_json(p.run + "/summary.json", summary);
    fs::remove(p.run + "/plugins.json");  // resume reads summary.json when there is no plugins.json
  });
}

TEST_CASE("a run folder's plugins.json plugin_dirs loads nothing: eval, predict, resume, reproduce") {
  each_command_ignores([](PlantedRun& p) {
    auto record = read_json(p.run + "/plugins.json");
    record["plugin_dirs"] = {p.evil, "evil"};  // relative too: once resolved against the current folder
    write_json(p.run + "/plugins.json", record);
  });
}

TEST_CASE("the folder of a recorded plugin file loads nothing: summary.json and plugins.json") {
  // The recorded file exists (the marker library under the recorded name); its folder is never searched.
  const auto point_loss_at = [](const std::string& record_file, const std::string& evil) {
    auto record = read_json(record_file);
    record["plugins"]["loss"]["file"] = evil + "/mse.so";
    write_json(record_file, record);
  };
  SUBCASE("summary.json") {
    each_command_ignores(
        [&](PlantedRun& p) {
          point_loss_at(p.run + "/summary.json", p.evil);
          fs::remove(p.run + "/plugins.json");
        },
        kNoDescriptor, "mse.so");
  }
  SUBCASE("plugins.json") {
    each_command_ignores([&](PlantedRun& p) { point_loss_at(p.run + "/plugins.json", p.evil); }, kNoDescriptor,
                         "mse.so");
  }
  SUBCASE("a working plugin there is not loaded either") {
    each_command_ignores(
        [&](PlantedRun& p) {
          point_loss_at(p.run + "/summary.json", p.evil);
          fs::remove(p.run + "/plugins.json");
        },
        kMarkerPluginDir + "/marker_plugin.so", "mse.so");
  }
}

TEST_CASE("plugin_dirs in a run folder's config.yaml is not followed, and a warning says so") {
  each_command_ignores([](PlantedRun& p) {
    write_file(p.run + "/config.yaml", "plugin_dirs: [evil]\n" + read_file(p.run + "/config.yaml"));
  });
  PlantedRun planted;
  write_file(planted.run + "/config.yaml", "plugin_dirs: [evil]\n" + read_file(planted.run + "/config.yaml"));
  // From the root, as the reviewer ran it: nothing the folder names is loaded from anywhere.
  const auto r = seqlab::test::run_shell("cd / && SEQLAB_TEST_MARKER='" + planted.marker + "' '" + SEQLAB_TEST_BINARY +
                                         "' eval '" + planted.run + "' --no-plots");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK_FALSE(planted.marker_left());
  CHECK(contains(r.output, planted.run + "/config.yaml:1:1: warning: plugin_dirs: not followed"));
  CHECK(contains(r.output, "a run folder, which is data"));
}

TEST_CASE("from a trusted plugin folder, a library that is no plugin for this seqlab runs no code") {
  ScratchDir dir("trusted");
  const std::string marker = dir / "marker";
  SUBCASE("no descriptor") {
    const auto r =
        run_seqlab("plugins --plugin-dir '" + kBad + "/marker_no_descriptor'", "SEQLAB_TEST_MARKER='" + marker + "'");
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.output, "marker_no_descriptor.so: is a shared library but not a seqlab plugin"));
  }
  SUBCASE("another plugin API") {
    const auto r =
        run_seqlab("plugins --plugin-dir '" + kBad + "/marker_wrong_api'", "SEQLAB_TEST_MARKER='" + marker + "'");
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.output, "marker_wrong_api.so: built for seqlab plugin API version "));
  }
  SUBCASE("seqlab check on the file itself") {
    const auto r = run_seqlab("check '" + kNoDescriptor + "'", "SEQLAB_TEST_MARKER='" + marker + "'");
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.output, "not a seqlab plugin"));
  }
  CHECK_FALSE(fs::exists(marker));
}

TEST_CASE("a recorded plugin that is another build is refused, naming it and --allow-plugin-mismatch") {
  for (const Command& command : commands()) {
    PlantedRun planted;
    for (const char* record : {"/summary.json", "/plugins.json"}) {
      auto json = read_json(planted.run + record);
      json["plugins"]["model"]["sha256"] = std::string(64, '0');
      write_json(planted.run + record, json);
    }
    INFO(command.name);
    const auto refused = planted.seqlab(command.args(planted.run));
    INFO(refused.output);
    CHECK(refused.exit_code == 2);
    CHECK(contains(refused.output, "model plugin 'rnn' ("));
    CHECK(contains(refused.output, "is not the build the run used (its sha256 differs from "));
    CHECK(contains(refused.output, "--plugin-dir"));
    CHECK(contains(refused.output, "--allow-plugin-mismatch"));
    const auto allowed = planted.seqlab(command.args(planted.run) + " --allow-plugin-mismatch");
    INFO(allowed.output);
    // reproduce goes on too, and then says the plugin differs (exit 1); the others succeed.
    const bool reproduce = std::string(command.name) == "reproduce";
    CHECK(allowed.exit_code == (reproduce ? 1 : 0));
    if (reproduce) CHECK(contains(allowed.output, "DIFFERENT  model plugin 'rnn' sha256"));
    CHECK(contains(allowed.output, "warning: model plugin 'rnn' ("));
    CHECK(contains(allowed.output, "going on (--allow-plugin-mismatch): results may differ"));
  }
}

TEST_CASE("a recorded plugin missing from the search path is refused, naming it and the --plugin-dir to add") {
  ScratchDir dir("missing");
  const std::string marker = dir / "marker";
  write_file(dir / "exp.yaml", tiny_experiment("marker_loss"));
  const auto made = run_seqlab("run '" + (dir / "exp.yaml") + "' --no-plots --out '" + (dir / "run") +
                               "' --plugin-dir '" + kMarkerPluginDir + "'");
  INFO(made.output);
  REQUIRE(made.exit_code == 0);
  for (const Command& command : commands()) {
    INFO(command.name);
    const std::string run = dir / (std::string("run-") + command.name);
    fs::copy(dir / "run", run, fs::copy_options::recursive);
    const auto r = run_seqlab(command.args(run), "SEQLAB_TEST_MARKER='" + marker + "'");
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.output, "the run used the loss plugin 'marker_loss', which is not in the plugin search path"));
    CHECK(contains(
        r.output, "add the folder that holds it with --plugin-dir DIR (the run found it in " + kMarkerPluginDir + ")"));
    CHECK_FALSE(fs::exists(marker));
    // Given as the user's own --plugin-dir, it is found and used: its constructor runs (which proves that the
    // marker would show a load above).
    const auto found = run_seqlab(command.args(run) + " --plugin-dir '" + kMarkerPluginDir + "'",
                                  "SEQLAB_TEST_MARKER='" + marker + "'");
    INFO(found.output);
    CHECK(found.exit_code == 0);
    CHECK(contains(read_file(marker), "the constructor ran"));
    fs::remove(marker);
  }
}

TEST_CASE("halving resumes its trials with the plugin folders the experiment file adds") {
  ScratchDir dir("halving-dirs");
  fs::create_directories(dir / "mine");
  fs::copy_file(kMarkerPluginDir + "/marker_plugin.so", dir / "mine/marker_plugin.so");
  write_file(dir / "exp.yaml",
             "plugin_dirs: [mine]\n" + tiny_experiment("marker_loss") +
                 "sweep:\n  parameters:\n    optimizer.lr: [0.001, 0.01, 0.1]\n"
                 "  scheduler: {plugin: halving, min_epochs: 1, max_epochs: 3, reduction_factor: 3}\n");
  const auto r = run_seqlab("sweep '" + (dir / "exp.yaml") + "' --out '" + (dir / "sweep") + "'");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK_FALSE(contains(r.output, "not in the plugin search path"));
}
