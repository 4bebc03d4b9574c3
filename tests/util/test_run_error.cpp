// RunError, the exception for failures that are not the user's: a std::runtime_error that carries only its message.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <type_traits>

#include "util/run_error.hpp"

TEST_CASE("RunError is a std::runtime_error carrying its message unchanged") {
  static_assert(std::is_base_of_v<std::runtime_error, seqlab::RunError>);
  try {
    throw seqlab::RunError("metrics.csv: write failed: No space left on device");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()) == "metrics.csv: write failed: No space left on device");
    CHECK(dynamic_cast<const seqlab::RunError*>(&e) != nullptr);
  }
  // Not a logic_error: callers that catch programmer bugs apart do not catch it.
  CHECK_FALSE(std::is_base_of_v<std::logic_error, seqlab::RunError>);
}
