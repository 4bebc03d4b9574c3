// Turning run options into the settings the experiment is resolved with.
#include "runs/run_options.hpp"

namespace seqlab {

std::vector<std::string> run_overrides(const RunOptions& options) {
  std::vector<std::string> overrides = options.overrides;
  if (options.threads > 0) overrides.push_back("training.threads=" + std::to_string(options.threads));
  return overrides;
}

}  // namespace seqlab
