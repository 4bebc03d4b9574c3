// The fatal-signal handler behind PluginGuard: async-signal-safe (write and _exit only).
// Tested in tests/host/test_loader_refusals.cpp
#include "host/plugin_guard.hpp"

#include <atomic>
#include <csignal>
#include <cstring>
#include <unistd.h>

namespace seqlab {

namespace {

// The message of the innermost guard, built before any plugin code runs, so the
// handler only has to write it.
std::atomic<const char*> g_message{nullptr};

const char* signal_name(int signal) {
  switch (signal) {
    case SIGSEGV:
      return "SIGSEGV, a bad memory access";
    case SIGBUS:
      return "SIGBUS, a bad memory access";
    case SIGFPE:
      return "SIGFPE, an arithmetic fault";
    case SIGILL:
      return "SIGILL, an illegal instruction";
    case SIGABRT:
      return "SIGABRT, an abort";
  }
  return "a fatal signal";
}

void write_all(const char* text) {
  std::size_t left = std::strlen(text);
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, text, left);
    if (n <= 0) return;
    text += n;
    left -= static_cast<std::size_t>(n);
  }
}

void on_fatal_signal(int signal) {
  const char* message = g_message.load();
  if (message == nullptr) {  // not in plugin code: die as the signal says
    std::signal(signal, SIG_DFL);
    std::raise(signal);
    return;
  }
  write_all("error: plugin ");
  write_all(message);
  write_all(" (");
  write_all(signal_name(signal));
  write_all("); this is a bug in the plugin: fix or remove it\n");
  _exit(2);
}

void install_handlers() {
  static const bool installed = [] {
    for (int signal : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) std::signal(signal, on_fatal_signal);
    return true;
  }();
  (void)installed;
}

}  // namespace

PluginGuard::PluginGuard(const std::string& file, const std::string& activity)
    : message_(file + " crashed while " + activity) {
  install_handlers();
  previous_ = g_message.exchange(message_.c_str());
}

PluginGuard::~PluginGuard() { g_message.store(previous_); }

}  // namespace seqlab
