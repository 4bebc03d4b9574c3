// The conformance suite's shared helpers.
// Tested in tests/conformance/test_conformance.cpp
#include "conformance/check_kit.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace seqlab::conformance {

std::string num(double v) { return fmt::format("{:.3g}", v); }

CheckResult pass(std::string name, std::string detail) { return {std::move(name), true, std::move(detail)}; }
CheckResult fail(std::string name, std::string detail) { return {std::move(name), false, std::move(detail)}; }
CheckResult skip(std::string name, std::string detail) { return {std::move(name), true, std::move(detail), true}; }
CheckResult warn(std::string name, std::string detail) {
  return {std::move(name), true, std::move(detail), false, true};
}

CheckResult guarded(const std::string& name, const std::function<CheckResult()>& body) {
  try {
    return body();
  } catch (const ParamError& e) {
    return fail(name, "threw ParamError for '" + e.param() + "': " + e.what());
  } catch (const std::exception& e) {
    return fail(name, std::string("threw: ") + e.what());
  } catch (...) {
    return fail(name, "threw an exception that is not a std::exception");
  }
}

std::string join_problems(const std::vector<std::string>& problems) {
  std::string out;
  for (const auto& p : problems) out += (out.empty() ? "" : "; ") + p;
  return out;
}

CheckResult verdict(const std::string& name, const std::vector<std::string>& problems, const std::string& ok) {
  return problems.empty() ? pass(name, ok) : fail(name, join_problems(problems));
}

Tensor3 random_tensor(Random& random, std::size_t a, std::size_t b, std::size_t c) {
  Tensor3 t = Tensor3::from_shape({a, b, c});
  for (auto& v : t) v = static_cast<float>(random.uniform(-1.0, 1.0));
  return t;
}

double relative_difference(const float* a, const float* b, std::size_t n) {
  double diff = 0, scale = 1e-30;
  for (std::size_t i = 0; i < n; ++i) {
    diff = std::max(diff, std::abs(static_cast<double>(a[i]) - b[i]));
    scale = std::max(scale, std::abs(static_cast<double>(b[i])));
  }
  return diff / scale;
}

double relative_error(double numeric, double analytic) {
  const double e = std::abs(numeric - analytic) / std::max({std::abs(numeric), std::abs(analytic), 1e-2});
  return std::isfinite(e) ? e : INFINITY;
}

void Worst::offer(double numeric_value, double analytic_value, const std::string& name) {
  ++entries;
  const double e = relative_error(numeric_value, analytic_value);
  if (e > error) {
    error = e;
    where = name;
    numeric = numeric_value;
    analytic = analytic_value;
  }
}

CheckResult Worst::result(const std::string& check, const std::string& what) const {
  if (entries == 0) return pass(check, "nothing to check (" + what + ")");
  const std::string detail = fmt::format(
      "worst {}: analytic {}, finite difference {}, relative error {} "
      "(tolerance {}; {} entries {})",
      where, num(analytic), num(numeric), num(error), num(kGradientTolerance), entries, what);
  return error < kGradientTolerance ? pass(check, detail) : fail(check, detail);
}

}  // namespace seqlab::conformance
