// The one mapping from exceptions to messages and exit codes, used by every subcommand and backend.
// Tested in tests/cli/test_cli_errors.cpp, tests/runs/test_full_disk.cpp
#include "config/error_report.hpp"

#include <exception>
#include <iostream>

#include "config/config_error.hpp"
#include "host/plugin_loader.hpp"

namespace seqlab {

int report_exception() {
  try {
    throw;
  } catch (const ConfigError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  } catch (const PluginLoadError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {  // RunError and anything else: a failure during the run
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace seqlab
