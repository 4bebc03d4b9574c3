// Ctrl-C and SIGTERM only noted while a StopSignals lives; the handlers before it come back when it goes.
#include <doctest/doctest.h>

#include <csignal>

#include "util/stop_signals.hpp"

using seqlab::StopSignals;

namespace {

volatile std::sig_atomic_t g_outer_calls = 0;
extern "C" void count_outer(int) { g_outer_calls = g_outer_calls + 1; }

// The test's own handlers for SIGINT and SIGTERM, standing for whatever a process had before; restored at the end.
class OuterHandlers {
 public:
  OuterHandlers() {
    struct sigaction action {};
    action.sa_handler = count_outer;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
    g_outer_calls = 0;
  }
  ~OuterHandlers() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  OuterHandlers(const OuterHandlers&) = delete;
  OuterHandlers& operator=(const OuterHandlers&) = delete;

 private:
  struct sigaction old_int_ {
  }, old_term_{};
};

bool handler_is_outer(int signal) {
  struct sigaction now {};
  sigaction(signal, nullptr, &now);
  return now.sa_handler == count_outer;
}

}  // namespace

TEST_CASE("StopSignals notes SIGINT and SIGTERM instead of letting them act, and says which came") {
  const OuterHandlers outer;
  {
    const StopSignals stop;
    CHECK_FALSE(StopSignals::stop_requested());
    CHECK(StopSignals::signal_number() == 0);
    std::raise(SIGINT);
    CHECK(StopSignals::stop_requested());
    CHECK(StopSignals::signal_number() == SIGINT);
  }
  {
    const StopSignals stop;  // a new one starts with no signal noted
    CHECK_FALSE(StopSignals::stop_requested());
    std::raise(SIGTERM);
    CHECK(StopSignals::signal_number() == SIGTERM);
  }
  CHECK(g_outer_calls == 0);
}

TEST_CASE("StopSignals gives the previous handlers back when it goes, nested ones in turn") {
  const OuterHandlers outer;
  {
    const StopSignals outer_stop;
    {
      const StopSignals inner_stop;
      CHECK_FALSE(handler_is_outer(SIGINT));
    }
    // The outer StopSignals' handler is back, not the test's: a signal is still only noted.
    CHECK_FALSE(handler_is_outer(SIGINT));
    std::raise(SIGTERM);
    CHECK(StopSignals::signal_number() == SIGTERM);
    CHECK(g_outer_calls == 0);
  }
  CHECK(handler_is_outer(SIGINT));
  CHECK(handler_is_outer(SIGTERM));
  std::raise(SIGINT);
  CHECK(g_outer_calls == 1);
}
