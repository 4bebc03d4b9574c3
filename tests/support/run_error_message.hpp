// Test helper: the message of the RunError a piece of code throws, for checks on its exact wording.
#pragma once

#include <string>

#include "util/run_error.hpp"

namespace seqlab::test {

// what() of the RunError `action` throws, "" when it throws none (any other exception reaches the test and
// fails it).
template <typename Action>
std::string run_error_message(Action action) {
  try {
    action();
  } catch (const RunError& e) {
    return e.what();
  }
  return "";
}

}  // namespace seqlab::test
