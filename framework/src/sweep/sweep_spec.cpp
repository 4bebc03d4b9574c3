// Parsing and checking the sweep section as a whole; each entry is parsed by sweep_parameter.
// Tested in tests/sweep/test_sweep_spec.cpp, tests/sweep/test_conditional_sweep.cpp
#include "sweep/sweep_spec.hpp"

#include <algorithm>

#include "config/param_validation.hpp"
#include "sweep/sweep_parameter.hpp"

namespace seqlab {

namespace {

// Whether two setting paths set the same thing: equal, or one a section of the other.
bool overlap(const std::string& a, const std::string& b) {
  return a == b || a.rfind(b + ".", 0) == 0 || b.rfind(a + ".", 0) == 0;
}

// Every parameter, a conditional one's own before its choices'.
std::vector<const SweepParameter*> all_parameters(const SweepSpec& spec) {
  std::vector<const SweepParameter*> all;
  for (const SweepParameter& p : spec.parameters) {
    all.push_back(&p);
    for (const auto& set : p.per_choice)
      for (const SweepParameter& sub : set) all.push_back(&sub);
  }
  return all;
}

// A choice's parameter that another entry of the section sweeps too: each trial could take only one of
// the two values, so say where both are.
void refuse_swept_twice(const SweepSpec& spec) {
  for (const SweepParameter& p : spec.parameters)
    for (std::size_t k = 0; k < p.per_choice.size(); ++k)
      for (const SweepParameter& sub : p.per_choice[k])
        for (const SweepParameter& other : spec.parameters) {
          if (&other == &p || !overlap(sub.path, other.path)) continue;
          throw ConfigError(sub.key_at, "sweep.parameters." + p.path + "." + p.values[k],
                            sub.path + " is also swept at " + other.key_at.describe() +
                                " for every trial; sweep it in one place (under each plugin that takes it, or "
                                "only at the top)");
        }
}

// A command-line override of a swept setting (or of its section) would be replaced by every trial's value:
// refuse it at the sweep's line instead of ignoring it.
void refuse_overrides_of_swept(const ExperimentSource& source, const SweepSpec& spec) {
  for (const std::string& override : source.overrides()) {
    const std::string path = override.substr(0, override.find('='));
    if (path == "sweep" || path.rfind("sweep.", 0) == 0) continue;  // changes the sweep itself
    for (const SweepParameter* p : all_parameters(spec)) {
      if (!overlap(path, p->path)) continue;
      throw ConfigError(p->key_at, "sweep.parameters." + p->path,
                        "is swept here, so the command line override '" + override +
                            "' would be replaced by every trial's value; remove the override, or sweep the values "
                            "you want (e.g. 'sweep.parameters={" +
                            p->path + ": [...]}')");
    }
  }
}

}  // namespace

const ParamSchema& sweep_schema() {
  static const ParamSchema schema = {
      choice("method", {"grid", "random"}, "grid", "grid: every combination of the lists; random: `trials` draws"),
      integer("trials", 0, "random only: how many configurations to draw").at_least(0),
      integer("repeats", 1, "seeds per configuration: seed, seed+1, ...").at_least(1),
      choice("metric", {"val_loss", "train_loss"}, "val_loss", "what summary.md ranks by (final value, minimised)"),
      real("trial_timeout", 0.0, "seconds before a trial is killed; 0 = no limit").at_least(0),
  };
  return schema;
}

SweepSpec parse_sweep(const ExperimentSource& source) {
  const YAML::Node node = source.root()["sweep"];
  if (!node.IsDefined() || node.IsNull())
    throw ConfigError(source.locate(""), "sweep",
                      "the experiment has no sweep: section; add one, e.g. "
                      "sweep: {parameters: {model.hidden_size: [16, 32]}}");
  if (!node.IsMap()) source.fail("sweep", "expected a mapping with parameters:, method:, repeats:, ...");
  const ParamValues v =
      validate_params(sweep_schema(), source, "sweep", {"parameters", "scheduler"}, "the sweep section");
  SweepSpec spec;
  spec.method = v.text("method");
  spec.trials = static_cast<int>(v.integer("trials"));
  spec.repeats = static_cast<int>(v.integer("repeats"));
  spec.metric = v.text("metric");
  spec.trial_timeout = v.real("trial_timeout");
  if (spec.method == "random" && spec.trials == 0)
    source.fail("sweep.method", "method random needs sweep.trials: how many configurations to draw");
  if (spec.method == "grid" && node["trials"].IsDefined())
    source.fail("sweep.trials", "is for method: random; a grid runs every combination of the lists");
  const YAML::Node params = node["parameters"];
  if (!params.IsDefined() || params.IsNull())
    source.fail("sweep", "missing 'parameters:', e.g. parameters: {model.hidden_size: [16, 32]}");
  if (!params.IsMap() || params.size() == 0)
    source.fail("sweep.parameters",
                "expected a mapping of setting paths to values, e.g. parameters: {model.hidden_size: [16, 32]}");
  for (const auto& pair : params)
    spec.parameters.push_back(parse_sweep_parameter(source, spec.method, pair.first, pair.second));
  refuse_swept_twice(spec);
  refuse_overrides_of_swept(source, spec);
  spec.halving = parse_halving(source);
  return spec;
}

std::vector<SweepColumn> sweep_columns(const SweepSpec& spec) {
  std::vector<SweepColumn> columns;
  for (const SweepParameter* p : all_parameters(spec)) {
    auto same = std::find_if(columns.begin(), columns.end(), [&](const SweepColumn& c) { return c.path == p->path; });
    if (same == columns.end()) same = columns.insert(columns.end(), SweepColumn{p->path});
    same->loguniform = same->loguniform || p->kind == SweepParameter::Kind::loguniform;
  }
  return columns;
}

std::string SweepTrial::value_of(const std::string& path) const {
  for (std::size_t i = 0; i < sources.size(); ++i)
    if (sources[i]->path == path) return values[i];
  return "";
}

}  // namespace seqlab
