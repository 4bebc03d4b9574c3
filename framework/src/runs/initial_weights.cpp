// Starting weights: found, checked all at once, then copied in.
#include "runs/initial_weights.hpp"

#include <filesystem>
#include <fmt/format.h>

#include "runs/finished_run.hpp"
#include "util/short_list.hpp"

namespace fs = std::filesystem;

namespace seqlab {

void load_initial_weights(const ResolvedExperiment& experiment, Components& components) {
  const std::string& from = experiment.model.params.text("init_from");
  if (from.empty()) return;
  const ExperimentSource& source = *experiment.source;
  if (!fs::is_directory(from))
    source.fail("model.init_from", "'" + from + "' is not a folder; give a run folder or a folder of .npy weights");
  const fs::path weights = fs::is_directory(fs::path(from) / "weights") ? fs::path(from) / "weights" : fs::path(from);
  // All or nothing: a copy takes the weights, and the model gets them only when every one fits.
  std::vector<Parameter> loaded = components.model->parameters();
  const std::vector<std::string> problems = read_weights(weights, loaded);
  if (!problems.empty())
    source.fail("model.init_from", fmt::format("the weights in {} do not fit this model ({} problem(s); names and "
                                               "shapes are PyTorch's state_dict's):\n  {}",
                                               weights.string(), problems.size(), short_list(problems, "\n  ")));
  std::vector<Parameter>& parameters = components.model->parameters();
  for (std::size_t i = 0; i < parameters.size(); ++i) parameters[i].value = loaded[i].value;
}

}  // namespace seqlab
