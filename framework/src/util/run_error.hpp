// The exception for a failure during a run that is not the user's configuration (I/O, divergence): exit code 1.
#pragma once

#include <stdexcept>

namespace seqlab {

// Its user-mistake twin, ConfigError (config/config_error.hpp), carries a
// location and exits 2; this one carries only its message.
class RunError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace seqlab
