// The signal handler only sets a flag: everything else happens in the sweep's or the run's own loop.
#include "util/stop_signals.hpp"

namespace seqlab {

namespace {

volatile std::sig_atomic_t g_stop_signal = 0;
extern "C" void on_stop_signal(int signal) { g_stop_signal = signal; }

}  // namespace

StopSignals::StopSignals() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &old_int_);
  sigaction(SIGTERM, &action, &old_term_);
  g_stop_signal = 0;
}

StopSignals::~StopSignals() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
}

bool StopSignals::stop_requested() { return g_stop_signal != 0; }

int StopSignals::signal_number() { return g_stop_signal; }

}  // namespace seqlab
