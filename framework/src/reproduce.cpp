// Reproducing a run: the record in summary.json and config.yaml is the whole recipe.
#include "reproduce.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "run_folder.hpp"
#include "sha256.hpp"

namespace fs = std::filesystem;

namespace seqlab {

namespace {

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

}  // namespace

int reproduce_command(const ReproduceOptions& options) {
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
  for (const auto& [kind, plugin] : summary["plugins"].items())
    if (fs::exists(plugin.value("file", ""))) run.common.plugin_dirs.push_back(fs::path(plugin["file"]).parent_path());
  for (const auto& dir : summary.value("plugin_dirs", std::vector<std::string>{}))
    run.common.plugin_dirs.push_back(dir);
  run.experiment = (original / "config.yaml").string();
  run.out = options.out.empty() ? original.string() + "-reproduced" : options.out;
  run.threads = summary.value("threads", 1);
  run.plots = false;
  run.command_line = "seqlab reproduce " + original.string();
  std::cout << "reproducing " << original.string() << " at " << run.threads << " thread(s) into " << run.out << "\n";
  const int code = run_command(run);
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

}  // namespace seqlab
