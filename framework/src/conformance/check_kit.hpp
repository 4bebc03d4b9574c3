// What every kind's checks share: verdicts, exception guards, random data, and gradient error bookkeeping.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "conformance/conformance.hpp"
#include "seqlab/random.hpp"
#include "seqlab/tensor.hpp"

namespace seqlab::conformance {

// "1.23e-05": three significant digits for the report.
std::string num(double v);

CheckResult pass(std::string name, std::string detail);
CheckResult fail(std::string name, std::string detail);
CheckResult skip(std::string name, std::string detail);  // not applicable: counts as passed
CheckResult warn(std::string name, std::string detail);  // passed, with a cost the author should know of

// Runs one check; whatever the plugin throws is that check's failure, not the suite's.
CheckResult guarded(const std::string& name, const std::function<CheckResult()>& body);

// "a; b; c"
std::string join_problems(const std::vector<std::string>& problems);

// Passed with `ok` when `problems` is empty, else failed listing them.
CheckResult verdict(const std::string& name, const std::vector<std::string>& problems, const std::string& ok);

// (a, b, c) values uniform in [-1, 1].
Tensor3 random_tensor(Random& random, std::size_t a, std::size_t b, std::size_t c);

// |numeric - analytic| relative to their size, with a floor so that gradients
// that are zero up to float noise do not count as huge relative errors. A
// non-finite gradient is infinitely wrong.
double relative_error(double numeric, double analytic);

// Largest |a - b| over n values, relative to the largest |b|: float rounding scales with a tensor's
// magnitude, not with each entry's (for comparing two computations of the same tensor).
double relative_difference(const float* a, const float* b, std::size_t n);

// The worst of many finite-difference comparisons, judged against kGradientTolerance.
struct Worst {
  double error = -1;
  std::string where;
  double numeric = 0, analytic = 0;
  std::size_t entries = 0;
  void offer(double numeric_value, double analytic_value, const std::string& name);
  CheckResult result(const std::string& check, const std::string& what) const;
};

}  // namespace seqlab::conformance
