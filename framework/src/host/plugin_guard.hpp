// Names the plugin when its code crashes: a fatal signal while plugin code runs becomes a clear error.
#pragma once

#include <string>

namespace seqlab {

// While alive, a SIGSEGV, SIGBUS, SIGFPE, SIGILL or SIGABRT in this process is
// reported as "error: plugin FILE crashed (SIGNAL) while ACTIVITY; ..." and the
// process exits with code 2, instead of dying with no word about the culprit.
// Scopes nest; the innermost one is named. Meant for plugin calls the runner
// makes once (loading, the descriptor, constructors), not for hot loops.
class PluginGuard {
 public:
  PluginGuard(const std::string& file, const std::string& activity);
  ~PluginGuard();
  PluginGuard(const PluginGuard&) = delete;
  PluginGuard& operator=(const PluginGuard&) = delete;

 private:
  std::string message_;
  const char* previous_;
};

}  // namespace seqlab
