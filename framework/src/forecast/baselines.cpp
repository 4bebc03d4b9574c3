// Persistence in the data's units and the ridge linear autoregression in the model's units.
#include "forecast/baselines.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <fmt/format.h>
#include <xtensor-blas/xlinalg.hpp>
#include <xtensor/xview.hpp>

#include "forecast/ridge_gcv.hpp"

namespace seqlab {

namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

// The design matrix row of window n: its inputs flattened step by step, then the intercept's 1.
void design_row(const Tensor3& inputs, std::size_t n, double* row) {
  const std::size_t width = inputs.shape()[1] * inputs.shape()[2];
  const float* window = &inputs(n, 0, 0);
  for (std::size_t i = 0; i < width; ++i) row[i] = window[i];
  row[width] = 1.0;
}

template <class Values>
Matrix last_step_of(const Values& values) {
  const std::size_t count = values.shape()[0], steps = values.shape()[1], outputs = values.shape()[2];
  Matrix out = Matrix::from_shape({count, outputs});
  for (std::size_t n = 0; n < count; ++n)
    for (std::size_t o = 0; o < outputs; ++o) out(n, o) = values(n, steps - 1, o);
  return out;
}

}  // namespace

Matrix last_step(const Tensor3& values) { return last_step_of(values); }
Matrix last_step(const xt::xtensor<double, 3>& values) { return last_step_of(values); }

Matrix persistence_forecast(const SequenceSet& set, const Matrix& levels, const std::vector<OutputFeature>& outputs,
                            std::size_t season) {
  Matrix out = Matrix::from_shape({set.count(), outputs.size()});
  for (std::size_t n = 0; n < set.count(); ++n) {
    const auto last = static_cast<long long>(set.last_rows.at(n));
    for (std::size_t o = 0; o < outputs.size(); ++o) {
      long long row = last;
      if (season > 0) {
        const auto ahead = static_cast<long long>(outputs[o].step) + 1;  // the predicted row is last + ahead
        const auto s = static_cast<long long>(season);
        row = last + ahead - s * ((ahead + s - 1) / s);  // the latest row a whole number of seasons back, <= last
      }
      out(n, o) = row < 0 || row >= static_cast<long long>(levels.shape()[0])
                      ? kMissing
                      : levels(static_cast<std::size_t>(row), outputs[o].target);
    }
  }
  return out;
}

LinearAutoregression fit_linear_autoregression(const SequenceSet& train) {
  const std::size_t count = train.count();
  if (count == 0) throw std::logic_error("fit_linear_autoregression: no training windows");
  const std::size_t columns = train.inputs.shape()[1] * train.inputs.shape()[2] + 1;
  const std::size_t used = std::max<std::size_t>(1, std::min(count, kMaxDesignValues / columns));
  const Matrix targets = last_step(train.targets);
  Matrix design = Matrix::from_shape({used, columns});
  Matrix wanted = Matrix::from_shape({used, targets.shape()[1]});
  for (std::size_t i = 0; i < used; ++i) {
    // Evenly spaced over the training period, the last window always among them.
    const std::size_t n =
        used == count ? i : (count - 1) - (used - 1 - i) * (count - 1) / std::max<std::size_t>(1, used - 1);
    design_row(train.inputs, n, &design(i, 0));
    for (std::size_t o = 0; o < wanted.shape()[1]; ++o) wanted(i, o) = targets(n, o);
  }
  LinearAutoregression fit;
  const Matrix inputs_only = xt::view(design, xt::all(), xt::range(0, columns - 1));
  RidgeFit ridge = ridge_gcv(inputs_only, wanted);
  fit.lambda = ridge.lambda;
  fit.weights = ridge.lambda > 0 ? std::move(ridge.weights) : Matrix(std::get<0>(xt::linalg::lstsq(design, wanted)));
  fit.windows_used = used;
  return fit;
}

Matrix predict_linear_autoregression(const LinearAutoregression& fit, const SequenceSet& set) {
  const std::size_t columns = fit.weights.shape()[0], outputs = fit.weights.shape()[1];
  Matrix out = Matrix::from_shape({set.count(), outputs});
  std::vector<double> row(columns);
  for (std::size_t n = 0; n < set.count(); ++n) {
    design_row(set.inputs, n, row.data());
    for (std::size_t o = 0; o < outputs; ++o) {
      double sum = 0;
      for (std::size_t c = 0; c < columns; ++c) sum += row[c] * fit.weights(c, o);
      out(n, o) = sum;
    }
  }
  return out;
}

std::string linear_autoregression_note(const LinearAutoregression& fit) {
  const std::size_t coefficients = fit.weights.shape()[0];
  if (fit.windows_used >= 10 * coefficients) return "";
  return fmt::format(
      "the linear AR baseline fits {} coefficients on {} training windows, fewer than ten per coefficient: "
      "ridge (lambda {:.3g}, chosen by GCV) holds it back, but read its score with care",
      coefficients, fit.windows_used, fit.lambda);
}

nlohmann::json linear_autoregression_to_json(const LinearAutoregression& fit) {
  nlohmann::json rows = nlohmann::json::array();
  for (std::size_t r = 0; r < fit.weights.shape()[0]; ++r) {
    nlohmann::json row = nlohmann::json::array();
    for (std::size_t o = 0; o < fit.weights.shape()[1]; ++o) row.push_back(fit.weights(r, o));
    rows.push_back(row);
  }
  return {{"about",
           "ridge weights of outputs on [window inputs flattened step by step, 1], model units; lambda on the "
           "standardised inputs, chosen by generalised cross-validation (0: plain least squares)"},
          {"training_windows", fit.windows_used},
          {"lambda", fit.lambda},
          {"weights", rows}};
}

LinearAutoregression linear_autoregression_from_json(const nlohmann::json& json) {
  try {
    LinearAutoregression fit;
    fit.windows_used = json.at("training_windows").get<std::size_t>();
    // Files written before the ridge have no lambda: their weights are least squares, lambda 0.
    if (json.contains("lambda")) fit.lambda = json.at("lambda").get<double>();
    if (!std::isfinite(fit.lambda) || fit.lambda < 0) throw std::runtime_error("lambda is not a finite number >= 0");
    const auto& rows = json.at("weights");
    const std::size_t outputs = rows.empty() ? 0 : rows.at(0).size();
    fit.weights = Matrix::from_shape({rows.size(), outputs});
    for (std::size_t r = 0; r < rows.size(); ++r) {
      if (rows[r].size() != outputs) throw std::runtime_error("ragged weights");
      for (std::size_t o = 0; o < outputs; ++o) fit.weights(r, o) = rows[r][o].get<double>();
    }
    return fit;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("malformed: ") + e.what());
  }
}

}  // namespace seqlab
