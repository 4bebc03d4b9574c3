// Ctrl-C and SIGTERM during a sweep: noted, so that the sweep stops its trials itself and summarises what finished.
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

 private:
  struct sigaction old_int_ {
  }, old_term_{};
};

}  // namespace seqlab
