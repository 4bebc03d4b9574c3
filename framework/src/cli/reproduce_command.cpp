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
#include "config/error_report.hpp"
#include "runs/finished_run.hpp"
#include "runs/run_experiment.hpp"
#include "runs/run_folder.hpp"
#include "util/regular_file.hpp"
#include "util/sha256.hpp"
#include "util/short_list.hpp"

namespace fs = std::filesystem;

namespace seqlab {

namespace {

struct ReproduceOptions {
  CommonOptions common;
  std::string run_dir;  // the run to reproduce
  std::string out;      // where the rerun goes; default RUN_DIR-reproduced
};

// A file of either run, for comparison ("" when missing). Only a regular file is read: a FIFO planted in a
// shared folder would block the read for ever, so it is refused (UnreadableFile: exit 1, naming it).
std::string read_file(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return "";
  return read_regular_file(path, UINT64_MAX);
}

std::set<std::string> file_names(const fs::path& dir) {
  std::set<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) names.insert(entry.path().filename().string());
  return names;
}

// Reruns RUN_DIR/config.yaml at the recorded thread count with the run's plugins
// (found by name in the user's plugin search path, sha256 checked), then compares
// metrics (all but the wall-clock seconds), predictions and every weight file byte
// for byte, and the plugins' sha256.
// Exit code: 0 identical, 1 different or the rerun failed, 2 not a run folder or refused.
int reproduce(const ReproduceOptions& options) {
  const fs::path original = options.run_dir;
  const fs::path summary_file = original / "summary.json";
  // summary.json is data from wherever the folder came from: each field is read through its type, and a
  // wrong one is refused naming the file and the field (exit 2).
  const JsonRecord record =
      read_run_record(summary_file, "not a seqlab run folder; give the folder that `seqlab run` wrote");
  const nlohmann::json& summary = record.json();
  if (record.text_or("status", "") != "completed") {
    std::cerr << summary_file.string() << ": error: the run did not complete (status "
              << printable(record.text_or("status", "unknown")) << "), so there is nothing to compare against\n";
    return 2;
  }

  const std::int64_t processes = record.integer_or("data_parallel_processes", 1, 1, 1 << 20);
  if (processes > 1) {
    std::cerr << summary_file.string() << ": error: the run was trained data-parallel over " << processes
              << " MPI processes, which one process does not reproduce bit for bit; rerun it with `mpirun -np "
              << processes << " seqlab run " << (original / "config.yaml").string() << " --backend mpi --threads "
              << recorded_threads(record) << "` and compare the two with `seqlab compare`\n";
    return 2;
  }

  RunOptions run;
  run.common = options.common;
  // The run's config.yaml is data: plugins only from the user's search path, checked against the record.
  run.experiment = (original / "config.yaml").string();
  run.experiment_in_run_folder = true;
  run.check_plugins = recorded_plugins_check(summary, summary_file, options.common);
  run.out = options.out.empty() ? original.string() + "-reproduced" : options.out;
  run.threads = recorded_threads(record);
  run.plots = false;
  run.command_line = "seqlab reproduce " + original.string();
  std::cout << "reproducing " << original.string() << " at " << run.threads << " thread(s) into " << run.out << "\n";
  const int code = run_experiment(run);
  if (code == 2) return 2;  // its input refused (a recorded plugin missing or another build...): said above
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
  const JsonRecord rerun_record = read_run_record(rerun / "summary.json", "the rerun's record");
  if (record.has("plugins"))
    for (const auto& [kind, plugin] : record.at("plugins").members()) {
      // A kind the rerun does not have differs.
      const bool same = rerun_record.has("plugins") && rerun_record.at("plugins").has(kind) &&
                        plugin.text_or("sha256", "") == rerun_record.at("plugins").at(kind).text_or("sha256", "?");
      report(printable(kind) + " plugin '" + printable(plugin.text_or("name", "")) + "' sha256", same);
    }
  std::cout << (identical ? "reproduced: byte-identical\n" : "NOT reproduced: see the differences above\n");
  return identical ? 0 : 1;
}

}  // namespace

Subcommand add_reproduce_command(CLI::App& app, const Invocation&) {
  auto options = std::make_shared<ReproduceOptions>();
  auto* command = app.add_subcommand(
      "reproduce",
      "rerun a run from its record (config.yaml, summary.json) and report whether metrics, predictions and weights "
      "are byte-identical. Exit 0 identical, 1 different, 2 not a run folder or refused (e.g. a plugin the run used "
      "is missing)");
  command->add_option("run_dir", options->run_dir, "the run folder")->required()->type_name("RUN_DIR");
  command->add_option("--out", options->out, "where the rerun goes (new or empty); default RUN_DIR-reproduced")
      ->type_name("DIR");
  add_run_folder_plugin_options(*command, options->common);
  // A refusal (ConfigError: a malformed record) exits 2, any other failure 1.
  return {command, [options] { return report_errors([&] { return reproduce(*options); }); }};
}

}  // namespace seqlab
