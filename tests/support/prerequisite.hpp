// Tests that need something this machine may lack: under CI they fail, naming what to install; elsewhere they
// report themselves skipped. ctest shows them as skipped, never as passed (tests/CMakeLists.txt).
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

namespace seqlab::test {

// The line ctest's SKIP_REGULAR_EXPRESSION looks for (tests/CMakeLists.txt): the entry is then "Skipped".
inline constexpr const char* kSkipMarker = "SEQLAB_TEST_SKIPPED:";

// CI=true is how .ci/run (and most CI services) say the suite must not skip anything it could have run.
inline bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && *ci != '\0' && std::strcmp(ci, "false") != 0 && std::strcmp(ci, "0") != 0;
}

// Reports the running test skipped, saying why. For a case that does not apply to this build or machine (an
// AddressSanitizer build, say), so CI skips it too.
inline void report_skipped(const std::string& why) {
  MESSAGE("skipped: " << why);
  std::cout << kSkipMarker << " " << why << std::endl;
}

// A missing prerequisite: under CI a failure that says how to get it, elsewhere a skip. The caller returns
// after it (`if (!have_x) { missing_prerequisite(...); return; }`).
inline void missing_prerequisite(const std::string& what, const std::string& how_to_get_it) {
  if (in_ci())
    FAIL_CHECK(what << " is missing, so this test cannot run; CI must run it: " << how_to_get_it);
  else
    report_skipped(what + " is missing (" + how_to_get_it + ")");
}

}  // namespace seqlab::test
