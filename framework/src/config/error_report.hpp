// How a failure reaches the user: one message on stderr and the exit code its kind calls for.
#pragma once

namespace seqlab {

// Inside a catch block: prints the exception being handled as the CLI does and
// returns its exit code: ConfigError and PluginLoadError (the user's experiment,
// command line or plugin files) 2, RunError and anything else 1.
int report_exception();

// Runs `body` (returning an exit code), turning whatever it throws into a
// message and an exit code as report_exception() does.
template <class Body>
int report_errors(Body body) {
  try {
    return body();
  } catch (...) {
    return report_exception();
  }
}

}  // namespace seqlab
