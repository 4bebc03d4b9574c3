// A trial as a process of its own: `seqlab run` started as a child that holds the trial's lock (util/flock.hpp).
#pragma once

#include <filesystem>
#include <string>
#include <sys/types.h>
#include <vector>

namespace seqlab {

// Starts this same executable (/proc/self/exe) with `args` (args[0] is the
// name it sees) as a child in its own process group, stdin from /dev/null,
// stdout and stderr into the two log files. The child inherits `lock`, so the
// lock is held until the child exits, even if the sweep dies first. Returns the
// child's pid; throws RunError when fork fails.
pid_t start_child_holding_lock(std::vector<std::string> args, const std::string& stdout_log,
                               const std::string& stderr_log, int lock);

}  // namespace seqlab
