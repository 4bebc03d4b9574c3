// `seqlab compare RUN_DIR...`: how runs differ in configuration, and what each reached.
#pragma once

#include <string>
#include <vector>

namespace seqlab {

struct CompareOptions {
  std::vector<std::string> runs;  // run folders, or sweep folders (their trials/* are compared)
  std::string out;                // if set: compare.md and the overlaid loss curves are written here
};

// Prints a Markdown table: one row per run, a column for every setting whose
// value differs between the runs, then the metrics. Exit 0, or 2 when a folder
// is not a run.
int compare_command(const CompareOptions& options);

}  // namespace seqlab
