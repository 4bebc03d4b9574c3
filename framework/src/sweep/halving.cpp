#include "sweep/halving.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "config/param_validation.hpp"

namespace seqlab {

const ParamSchema& halving_schema() {
  static const ParamSchema schema = {
      choice("plugin", {"halving"}, "halving", "halving: successive halving over the sweep's trials"),
      integer("min_epochs", 1, "epochs every trial trains in the first rung").at_least(1),
      integer("max_epochs", 0, "epochs of the last rung; required").at_least(1),
      integer("reduction_factor", 3, "each rung keeps the best 1/reduction_factor of its trials").at_least(2),
  };
  return schema;
}

std::optional<HalvingSpec> parse_halving(const ExperimentSource& source) {
  const YAML::Node node = source.root()["sweep"]["scheduler"];
  if (!node.IsDefined() || node.IsNull()) return std::nullopt;
  if (!node.IsMap())
    source.fail("sweep.scheduler",
                "expected a mapping, e.g. scheduler: {plugin: halving, min_epochs: 5, max_epochs: 45, "
                "reduction_factor: 3}");
  if (!node["plugin"].IsDefined())
    source.fail("sweep.scheduler", "missing 'plugin:'; the one sweep scheduler is halving");
  if (!node["max_epochs"].IsDefined())
    source.fail("sweep.scheduler", "missing 'max_epochs:', the epochs the best trials train in the end");
  const ParamValues v = validate_params(halving_schema(), source, "sweep.scheduler", {}, "the sweep's scheduler");
  HalvingSpec spec;
  spec.min_epochs = static_cast<int>(v.integer("min_epochs"));
  spec.max_epochs = static_cast<int>(v.integer("max_epochs"));
  spec.reduction_factor = static_cast<int>(v.integer("reduction_factor"));
  if (spec.max_epochs < spec.min_epochs)
    source.fail("sweep.scheduler.max_epochs", "is below min_epochs (" + std::to_string(spec.min_epochs) +
                                                  "); the last rung trains at least as long as the first");
  return spec;
}

std::vector<int> rung_epochs(const HalvingSpec& spec) {
  std::vector<int> epochs;
  long long e = spec.min_epochs;
  while (e < spec.max_epochs) {
    epochs.push_back(static_cast<int>(e));
    e *= spec.reduction_factor;
  }
  epochs.push_back(spec.max_epochs);
  return epochs;
}

std::vector<std::size_t> promoted(const std::vector<double>& metric, int reduction_factor) {
  if (metric.empty()) return {};
  std::vector<std::size_t> order(metric.size());
  std::iota(order.begin(), order.end(), 0);
  // Finite metrics first, lowest first; a tie keeps the sweep's order (stable).
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const bool fa = std::isfinite(metric[a]), fb = std::isfinite(metric[b]);
    if (fa != fb) return fa;
    return fa && metric[a] < metric[b];
  });
  std::size_t keep = std::max<std::size_t>(1, metric.size() / static_cast<std::size_t>(reduction_factor));
  while (keep > 0 && !std::isfinite(metric[order[keep - 1]])) --keep;  // a failed trial never goes on
  order.resize(std::min(keep, order.size()));
  std::sort(order.begin(), order.end());
  return order;
}

}  // namespace seqlab
