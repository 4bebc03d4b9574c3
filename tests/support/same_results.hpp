// What two run folders of the same experiment must share byte for byte, however one of them was interrupted:
// metrics.csv (the seconds column aside), predictions.csv and every weight file.
#pragma once

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "runs/run_folder.hpp"
#include "support/process.hpp"

namespace seqlab::test {

// `weight_files`: how many files weights/ holds (a check that the comparison compared something).
inline void check_same_results(const std::string& a, const std::string& b, int weight_files) {
  CHECK(seqlab::metrics_without_seconds(read_file(a + "/metrics.csv")) ==
        seqlab::metrics_without_seconds(read_file(b + "/metrics.csv")));
  CHECK(read_file(a + "/predictions.csv") == read_file(b + "/predictions.csv"));
  int weights = 0;
  for (const auto& entry : std::filesystem::directory_iterator(a + "/weights")) {
    CAPTURE(entry.path().filename().string());
    CHECK(read_file(entry.path().string()) == read_file(b + "/weights/" + entry.path().filename().string()));
    ++weights;
  }
  CHECK(weights == weight_files);
}

}  // namespace seqlab::test
