// `seqlab reproduce RUN_DIR`: rerun a run from its own record and say whether the results are byte-identical.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "cli/subcommand.hpp"
#include "runs/finished_run.hpp"
#include "runs/run_experiment.hpp"
#include "runs/run_folder.hpp"
#include "util/sha256.hpp"

namespace fs = std::filesystem;

namespace seqlab {

namespace {

struct ReproduceOptions {
  CommonOptions common;
  std::string run_dir;  // the run to reproduce
  std::string out;      // where the rerun goes; default RUN_DIR-reproduced
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::set<std::string> file_names(const fs::path& dir) {
  std::set<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) names.insert(entry.path().filename().string());
  return names;
}

// Reruns RUN_DIR/config.yaml at the recorded thread count with the recorded
// plugin folders, then compares metrics (all but the wall-clock seconds),
// predictions and every weight file byte for byte, and the plugins' sha256.
// Exit code: 0 identical, 1 different or the rerun failed, 2 not a run folder.
int reproduce(const ReproduceOptions& options) {
  const fs::path original = options.run_dir;
  const fs::path summary_file = original / "summary.json";
  nlohmann::json summary;
  try {
    summary = nlohmann::json::parse(read_file(summary_file));
  } catch (const std::exception&) {
    std::cerr << summary_file.string() << ": error: not a seqlab run folder (no readable summary.json); "
              << "give the folder that `seqlab run` wrote\n";
    return 2;
  }
  if (summary.value("status", "") != "completed") {
    std::cerr << summary_file.string() << ": error: the run did not complete (status "
              << summary.value("status", "unknown") << "), so there is nothing to compare against\n";
    return 2;
  }

  const int processes = summary.value("data_parallel_processes", 1);
  if (processes > 1) {
    std::cerr << summary_file.string() << ": error: the run was trained data-parallel over " << processes
              << " MPI processes, which one process does not reproduce bit for bit; rerun it with `mpirun -np "
              << processes << " seqlab run " << (original / "config.yaml").string() << " --backend mpi --threads "
              << summary.value("threads", 1) << "` and compare the two with `seqlab compare`\n";
    return 2;
  }

  RunOptions run;
  run.common = options.common;
  // The plugins the run used, from where it found them, and the folders its experiment added.
  for (const auto& dir : recorded_plugin_dirs(summary)) run.common.plugin_dirs.push_back(dir);
  run.experiment = (original / "config.yaml").string();
  run.out = options.out.empty() ? original.string() + "-reproduced" : options.out;
  run.threads = summary.value("threads", 1);
  run.plots = false;
  run.command_line = "seqlab reproduce " + original.string();
  std::cout << "reproducing " << original.string() << " at " << run.threads << " thread(s) into " << run.out << "\n";
  const int code = run_experiment(run);
  if (code != 0) {
    std::cerr << "error: the rerun failed (exit code " << code << "); see above\n";
    return 1;
  }

  const fs::path rerun = run.out;
  bool identical = true;
  auto report = [&](const std::string& what, bool same) {
    std::cout << (same ? "  identical  " : "  DIFFERENT  ") << what << "\n";
    identical = identical && same;
  };
  report("metrics.csv (all columns but seconds)", metrics_without_seconds(read_file(original / "metrics.csv")) ==
                                                      metrics_without_seconds(read_file(rerun / "metrics.csv")));
  report("predictions.csv", read_file(original / "predictions.csv") == read_file(rerun / "predictions.csv"));
  const auto weights = file_names(original / "weights");
  report("the set of weight files", weights == file_names(rerun / "weights"));
  for (const auto& name : weights)
    report("weights/" + name, read_file(original / "weights" / name) == read_file(rerun / "weights" / name));
  // Same bytes from different plugin code would be luck, not reproduction: say so.
  const auto rerun_summary = nlohmann::json::parse(read_file(rerun / "summary.json"));
  for (const auto& [kind, plugin] : summary["plugins"].items())
    report(kind + " plugin '" + plugin.value("name", "") + "' sha256",
           plugin.value("sha256", "") == rerun_summary["plugins"][kind].value("sha256", "?"));
  std::cout << (identical ? "reproduced: byte-identical\n" : "NOT reproduced: see the differences above\n");
  return identical ? 0 : 1;
}

}  // namespace

Subcommand add_reproduce_command(CLI::App& app, const Invocation&) {
  auto options = std::make_shared<ReproduceOptions>();
  auto* command = app.add_subcommand(
      "reproduce",
      "rerun a run from its record (config.yaml, summary.json) and report whether metrics, predictions and weights "
      "are byte-identical. Exit 0 identical, 1 different, 2 not a run folder");
  command->add_option("run_dir", options->run_dir, "the run folder")->required()->type_name("RUN_DIR");
  command->add_option("--out", options->out, "where the rerun goes (new or empty); default RUN_DIR-reproduced")
      ->type_name("DIR");
  add_plugin_dir_option(*command, options->common);
  return {command, [options] { return reproduce(*options); }};
}

}  // namespace seqlab
