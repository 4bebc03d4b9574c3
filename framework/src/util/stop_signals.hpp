// Ctrl-C and SIGTERM noted, not obeyed at once: a sweep stops its trials and summarises what finished;
// a run finishes its batch, writes a checkpoint and says how to resume.
#pragma once

#include <csignal>

namespace seqlab {

// While one lives, SIGINT and SIGTERM only set stop_requested(); the previous
// handlers come back when it dies.
class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // A SIGINT or SIGTERM arrived since the newest StopSignals was made.
  static bool stop_requested();
  // The signal that asked (SIGINT or SIGTERM), 0 if none.
  static int signal_number();

 private:
  struct sigaction old_int_ {
  }, old_term_{};
};

}  // namespace seqlab
