// Parsing and checking the sweep section, and expanding it into trials with stable ids.
#include "sweep/sweep_spec.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fmt/format.h>
#include <iostream>
#include <regex>
#include <set>

#include "config/experiment.hpp"
#include "config/param_validation.hpp"
#include "seqlab/random.hpp"
#include "util/sha256.hpp"
#include "util/suggest.hpp"

namespace seqlab {

namespace {

constexpr std::size_t kMaxRangeValues = 10000;
constexpr std::size_t kProgressTrials = 1000;  // validation shows its progress every this many trials, from this many

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

// Positions inside the sweep section; an override that set the section wins, as in locate().
SourceLocation at(const ExperimentSource& source, const YAML::Mark& mark) {
  const SourceLocation section = source.locate("sweep.parameters");
  if (!section.override.empty()) return section;
  if (mark.line < 0) return {source.file()};
  return {source.file(), mark.line + 1, mark.column + 1};
}

std::string value_text(const YAML::Node& node) {
  if (node.IsScalar()) return node.Scalar();
  YAML::Emitter out;
  out << YAML::Flow << node;
  return out.c_str();
}

bool is_integer_text(const std::string& text) {
  static const std::regex form(R"(^[+-]?[0-9]+$)");
  return std::regex_match(text, form);
}

bool number_of(const YAML::Node& node, double& out) {
  if (!node.IsScalar()) return false;
  const std::string& text = node.Scalar();
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return !text.empty() && end == text.c_str() + text.size() && std::isfinite(out);
}

std::string format_number(double v) { return fmt::format("{}", v); }

// Decimal places a number written as `text` has: "0.001" 3, "1.5e-3" 4, "50" and "2e2" 0.
int decimals_of(const std::string& text) {
  const std::size_t e = text.find_first_of("eE");
  const std::string mantissa = text.substr(0, e);
  const std::size_t dot = mantissa.find('.');
  const int places = dot == std::string::npos ? 0 : static_cast<int>(mantissa.size() - dot - 1);
  const int exponent = e == std::string::npos ? 0 : std::atoi(text.c_str() + e + 1);
  return std::max(0, places - exponent);
}

// A range's value rounded to the precision its start and step were written with, so that
// start + i * step reads 0.009, not 0.009000000000000001.
std::string format_range_value(double v, int decimals) {
  std::string text = fmt::format("{:.{}f}", v, decimals);
  if (text.find('.') != std::string::npos) {
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') text.pop_back();
  }
  return text == "-0" ? "0" : text;
}

SweepParameter parse_parameter(const ExperimentSource& source, const std::string& method, const YAML::Node& key,
                               const YAML::Node& value) {
  SweepParameter p;
  p.path = key.Scalar();
  p.key_at = at(source, key.Mark());
  p.spec_at = at(source, value.Mark());
  const std::string where = "sweep.parameters." + p.path;
  auto fail_at = [&](const SourceLocation& loc, const std::string& message) { throw ConfigError(loc, where, message); };
  static const std::regex form(R"(^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$)");
  if (!std::regex_match(p.path, form)) fail_at(p.key_at, "expected a dotted setting path such as model.hidden_size");
  if (p.path == "seed")
    fail_at(p.key_at, "the seed is not swept: sweep.repeats runs each configuration with seed, seed+1, ...");
  if (p.path == "sweep" || p.path.rfind("sweep.", 0) == 0 || p.path == "name")
    fail_at(p.key_at, "'" + p.path + "' cannot be swept");

  if (value.IsSequence()) {
    if (value.size() == 0) fail_at(p.spec_at, "the list is empty; give at least one value");
    for (const auto& item : value) {
      if (item.IsNull()) fail_at(at(source, item.Mark()), "a value in the list is empty");
      p.values.push_back(value_text(item));
      p.value_at.push_back(at(source, item.Mark()));
    }
    return p;
  }
  const std::string forms = "expected a list of values, {range: [start, stop, step]} or {loguniform: [low, high]}";
  if (!value.IsMap() || value.size() != 1) fail_at(p.spec_at, forms);
  const auto entry = *value.begin();
  const std::string kind = entry.first.Scalar();
  const SourceLocation kind_at = at(source, entry.first.Mark());
  const YAML::Node args = entry.second;
  if (kind == "range") {
    double start, stop, step;
    if (!args.IsSequence() || args.size() != 3 || !number_of(args[0], start) || !number_of(args[1], stop) ||
        !number_of(args[2], step))
      fail_at(kind_at, "expected range: [start, stop, step] (stop inclusive), e.g. {range: [50, 200, 50]}");
    if (step <= 0) fail_at(at(source, args[2].Mark()), "the range's step must be > 0, got " + args[2].Scalar());
    if (stop < start)
      fail_at(at(source, args[1].Mark()),
              "the range's stop (" + args[1].Scalar() + ") is below its start (" + args[0].Scalar() + ")");
    if ((stop - start) / step >= kMaxRangeValues)
      fail_at(kind_at, "the range gives more than " + std::to_string(kMaxRangeValues) + " values; use a larger step");
    const bool integers =
        is_integer_text(args[0].Scalar()) && is_integer_text(args[1].Scalar()) && is_integer_text(args[2].Scalar());
    const int decimals = std::max(decimals_of(args[0].Scalar()), decimals_of(args[2].Scalar()));
    for (std::size_t i = 0;; ++i) {
      const double v = start + static_cast<double>(i) * step;
      if (v > stop + 1e-9 * step) break;
      p.values.push_back(integers ? std::to_string(static_cast<long long>(std::llround(v)))
                                  : format_range_value(v, decimals));
      p.value_at.push_back(p.spec_at);
    }
    return p;
  }
  if (kind == "loguniform") {
    double low, high;
    if (!args.IsSequence() || args.size() != 2 || !number_of(args[0], low) || !number_of(args[1], high))
      fail_at(kind_at, "expected loguniform: [low, high], e.g. {loguniform: [1e-4, 1e-1]}");
    if (low <= 0 || high <= 0)
      fail_at(at(source, (low <= 0 ? args[0] : args[1]).Mark()),
              "loguniform bounds must be > 0, got [" + args[0].Scalar() + ", " + args[1].Scalar() + "]");
    if (high < low)
      fail_at(at(source, args[1].Mark()),
              "loguniform's high (" + args[1].Scalar() + ") is below its low (" + args[0].Scalar() + ")");
    if (method == "grid")
      fail_at(kind_at,
              "loguniform is a continuous distribution that a grid cannot enumerate; use sweep.method: random, or "
              "a list or {range: [start, stop, step]}");
    p.kind = SweepParameter::Kind::loguniform;
    p.low = low;
    p.high = high;
    return p;
  }
  const std::vector<std::string> kinds = {"range", "loguniform"};
  const std::string guess = closest_name(kind, kinds);
  fail_at(kind_at, "unknown value form '" + kind + "'" + (guess.empty() ? "" : "; did you mean '" + guess + "'?") +
                       " (" + forms + ")");
  return p;
}

// A command-line override of a swept setting (or of its section) would be replaced by every trial's value:
// refuse it at the sweep's line instead of ignoring it.
void refuse_overrides_of_swept(const ExperimentSource& source, const SweepSpec& spec) {
  for (const std::string& override : source.overrides()) {
    const std::string path = override.substr(0, override.find('='));
    if (path == "sweep" || path.rfind("sweep.", 0) == 0) continue;  // changes the sweep itself
    for (const SweepParameter& p : spec.parameters) {
      const bool same = path == p.path || p.path.rfind(path + ".", 0) == 0 || path.rfind(p.path + ".", 0) == 0;
      if (!same) continue;
      throw ConfigError(p.key_at, "sweep.parameters." + p.path,
                        "is swept here, so the command line override '" + override +
                            "' would be replaced by every trial's value; remove the override, or sweep the values "
                            "you want (e.g. 'sweep.parameters={" +
                            p.path + ": [...]}')");
    }
  }
}

}  // namespace

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
    spec.parameters.push_back(parse_parameter(source, spec.method, pair.first, pair.second));
  refuse_overrides_of_swept(source, spec);
  spec.halving = parse_halving(source);
  return spec;
}

std::vector<SweepTrial> expand_trials(const SweepSpec& spec, std::uint64_t seed) {
  std::vector<std::vector<std::size_t>> picks;  // per configuration, the value index of each list parameter
  std::vector<std::vector<std::string>> values;
  const std::size_t n = spec.parameters.size();
  if (spec.method == "grid") {
    std::vector<std::size_t> index(n, 0);
    while (true) {
      picks.push_back(index);
      std::vector<std::string> row;
      for (std::size_t i = 0; i < n; ++i) row.push_back(spec.parameters[i].values[index[i]]);
      values.push_back(row);
      bool advanced = false;  // the last parameter varies fastest
      for (std::size_t i = n; i > 0 && !advanced; --i) {
        if (++index[i - 1] < spec.parameters[i - 1].values.size())
          advanced = true;
        else
          index[i - 1] = 0;
      }
      if (!advanced) break;
    }
  } else {
    Random random = Random::stream(seed, "sweep");
    for (int t = 0; t < spec.trials; ++t) {
      std::vector<std::size_t> index(n, SIZE_MAX);
      std::vector<std::string> row;
      for (std::size_t i = 0; i < n; ++i) {
        const SweepParameter& p = spec.parameters[i];
        if (p.kind == SweepParameter::Kind::list) {
          index[i] = static_cast<std::size_t>(random.below(p.values.size()));
          row.push_back(p.values[index[i]]);
        } else {
          row.push_back(format_number(std::exp(random.uniform(std::log(p.low), std::log(p.high)))));
        }
      }
      picks.push_back(index);
      values.push_back(row);
    }
  }
  std::vector<SweepTrial> trials;
  for (std::size_t c = 0; c < values.size(); ++c) {
    for (int r = 0; r < spec.repeats; ++r) {
      SweepTrial trial;
      trial.seed = seed + static_cast<std::uint64_t>(r);
      trial.values = values[c];
      trial.value_index = picks[c];
      for (std::size_t i = 0; i < n; ++i) {
        trial.overrides.push_back(spec.parameters[i].path + "=" + values[c][i]);
        trial.sources.push_back(&spec.parameters[i]);
        trial.configuration += (i ? " " : "") + trial.overrides.back();
      }
      trials.push_back(std::move(trial));
    }
  }
  return trials;
}

void resolve_trials(std::vector<SweepTrial>& trials, const std::string& file,
                    const std::vector<std::string>& base_overrides, const PluginRegistry& registry) {
  std::vector<SweepTrial> distinct;
  std::set<std::string> seen;
  // A large sweep takes a while to validate (about 0.3 ms a trial here): say how far it has got.
  const bool show_progress = trials.size() >= kProgressTrials;
  std::size_t checked = 0;
  for (SweepTrial& trial : trials) {
    if (show_progress && ++checked % kProgressTrials == 0)
      std::cerr << fmt::format("\rvalidating the trials: {}/{}", checked, trials.size()) << std::flush;
    std::vector<std::string> overrides = base_overrides;
    overrides.insert(overrides.end(), trial.overrides.begin(), trial.overrides.end());
    overrides.push_back("seed=" + std::to_string(trial.seed));
    try {
      const ResolvedExperiment resolved =
          resolve_experiment(std::make_shared<const ExperimentSource>(file, overrides), registry);
      trial.id = sha256_of_text(resolved_configuration(resolved)).substr(0, 12);
      if (seen.insert(trial.id).second) distinct.push_back(std::move(trial));
    } catch (const ConfigError& e) {
      for (std::size_t i = 0; i < trial.overrides.size(); ++i) {
        if (e.where().override != trial.overrides[i]) continue;
        const SweepParameter& p = *trial.sources[i];
        const std::string prefix = e.where().describe() + ": error: " + (e.path().empty() ? "" : e.path() + ": ");
        const std::string message = std::string(e.what()).substr(prefix.size());
        // A path the experiment does not have is the key's fault; a bad value, the value's.
        const bool path_problem = e.path() != p.path || message.rfind("unknown parameter", 0) == 0 ||
                                  message.rfind("unknown top-level key", 0) == 0;
        SourceLocation where = p.spec_at;
        if (path_problem)
          where = p.key_at;
        else if (trial.value_index[i] != SIZE_MAX)
          where = p.value_at[trial.value_index[i]];
        throw ConfigError(where, e.path(), message + (path_problem ? "" : " (sweep value " + trial.values[i] + ")"));
      }
      throw;
    }
  }
  if (show_progress) std::cerr << fmt::format("\rvalidated {} trials{:20}\n", trials.size(), "");
  trials = std::move(distinct);
}

}  // namespace seqlab
