// fork+exec for trial processes, the child inheriting the trial's lock.
// Tested in tests/sweep/test_trial_scheduler.cpp
#include "sweep/trial_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <unistd.h>

#include "util/run_error.hpp"

namespace seqlab {

pid_t start_child_holding_lock(std::vector<std::string> args, const std::string& stdout_log,
                               const std::string& stderr_log, int lock) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::cout << std::flush;
  std::cerr << std::flush;
  const pid_t pid = fork();
  if (pid < 0) throw RunError(std::string("cannot start a trial: fork failed"));
  if (pid == 0) {
    setpgid(0, 0);  // its own group: the sweep decides when a trial stops
    const int in = open("/dev/null", O_RDONLY);
    // The scheduler removed whatever was at these names; O_EXCL|O_NOFOLLOW makes sure nothing planted since (a
    // symbolic link into someone's files) is written through.
    const int out = open(stdout_log.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644);
    const int err = open(stderr_log.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644);
    if (in < 0 || out < 0 || err < 0) _exit(127);
    fcntl(lock, F_SETFD, 0);  // the child holds the trial's lock until it exits, even if the sweep dies
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    execv("/proc/self/exe", argv.data());
    const char message[] = "error: cannot execute /proc/self/exe\n";
    (void)!write(2, message, sizeof message - 1);
    _exit(127);
  }
  setpgid(pid, pid);
  return pid;
}

}  // namespace seqlab
