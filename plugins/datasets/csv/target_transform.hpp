// The csv dataset's reversible target transform: log or log1p, then differences at given lags, applied to the
// target columns before normalisation. The runner undoes it (framework/src/forecast/target_inversion).
#pragma once

#include <cstddef>
#include <string>
#include <vector>
#include <seqlab/tensor.hpp>

#include "table.hpp"

namespace seqlab::csv {

struct TargetTransform {
  std::string kind = "none";      // none | log | log1p
  std::vector<std::size_t> lags;  // `difference`, in the order applied
  bool active() const { return kind != "none" || !lags.empty(); }
};

// The `difference` parameter's list as lags: whole numbers >= 1. Throws ParamError("difference") otherwise.
std::vector<std::size_t> difference_lags(const std::vector<double>& values);

// Transforms, then differences at each lag in turn, every target column in place (a target that is also an
// input is one column, so the input changes with it), in double precision as the runner inverts it. Returns the
// targets as they were (rows, targets), NaN in gaps: DataSeries::levels. The first sum(lags) rows, and rows whose
// difference reaches a gap, become NaN: gaps that windows skip. Throws ParamError("transform") naming the file,
// line, column and value the transform cannot take (log: <= 0, log1p: <= -1).
Tensor2 apply_target_transform(Table& table, const TargetTransform& transform);

}  // namespace seqlab::csv
