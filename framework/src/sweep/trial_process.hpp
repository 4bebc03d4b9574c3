// A trial as a process of its own: its lock file, and `seqlab run` started as a child that holds that lock.
#pragma once

#include <filesystem>
#include <string>
#include <sys/types.h>
#include <vector>

namespace seqlab {

// An exclusive flock on `file` (created with its folder if missing), or -1 when
// another process holds it. The descriptor is close-on-exec; close() releases it.
// Throws RunError when the file cannot be opened.
int try_lock_file(const std::filesystem::path& file);

// Starts this same executable (/proc/self/exe) with `args` (args[0] is the
// name it sees) as a child in its own process group, stdin from /dev/null,
// stdout and stderr into the two log files. The child inherits `lock`, so the
// lock is held until the child exits, even if the sweep dies first. Returns the
// child's pid; throws RunError when fork fails.
pid_t start_child_holding_lock(std::vector<std::string> args, const std::string& stdout_log,
                               const std::string& stderr_log, int lock);

}  // namespace seqlab
