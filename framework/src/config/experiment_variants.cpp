// Resolving variants of one experiment part by part, each part once per distinct set of its overrides.
#include "config/experiment_variants.hpp"

#include <optional>

namespace seqlab {

ExperimentVariants::ExperimentVariants(const std::string& file, const std::vector<std::string>& base_overrides,
                                       const PluginRegistry& registry)
    : base_(file, base_overrides), registry_(registry) {
  ResolvedExperiment resolved;
  for (const ExperimentPart part : kExperimentParts) {
    resolve_experiment_part(part, base_, registry_, resolved);
    base_parts_.push_back(configuration_part(part, resolved));
  }
}

std::string ExperimentVariants::configuration(const std::vector<std::string>& overrides) {
  // Each part's overrides in their order: the key under which its text is kept.
  std::vector<std::string> keys(std::size(kExperimentParts));
  for (const std::string& override : overrides) {
    const auto part = static_cast<std::size_t>(experiment_part_of(override.substr(0, override.find('='))));
    keys[part] += (keys[part].empty() ? std::to_string(part) : "") + "\n" + override;
  }
  std::vector<std::string> texts = base_parts_;
  std::optional<ExperimentSource> variant;  // parsed only when some part is new
  for (const ExperimentPart part : kExperimentParts) {
    const auto index = static_cast<std::size_t>(part);
    if (keys[index].empty()) continue;
    auto known = part_texts_.find(keys[index]);
    if (known == part_texts_.end()) {
      if (!variant) variant.emplace(base_, overrides);
      ResolvedExperiment resolved;
      resolve_experiment_part(part, *variant, registry_, resolved);  // a ConfigError leaves no entry
      known = part_texts_.emplace(keys[index], configuration_part(part, resolved)).first;
    }
    texts[index] = known->second;
  }
  return join_configuration_parts(texts);
}

}  // namespace seqlab
