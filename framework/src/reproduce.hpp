// `seqlab reproduce RUN_DIR`: rerun a run from its own record and say whether the results are byte-identical.
#pragma once

#include <string>

#include "commands.hpp"

namespace seqlab {

struct ReproduceOptions {
  CommonOptions common;
  std::string run_dir;  // the run to reproduce
  std::string out;      // where the rerun goes; default RUN_DIR-reproduced
};

// Reruns RUN_DIR/config.yaml at the recorded thread count with the recorded
// plugin folders, then compares metrics (all but the wall-clock seconds),
// predictions and every weight file byte for byte, and the plugins' sha256.
// Exit code: 0 identical, 1 different or the rerun failed, 2 not a run folder.
int reproduce_command(const ReproduceOptions& options);

}  // namespace seqlab
