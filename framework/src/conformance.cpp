// The plugin conformance suite behind `seqlab check` and the conformance test.
#include "conformance.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <unistd.h>

#include "experiment_source.hpp"
#include "param_validation.hpp"

namespace seqlab {

bool ConformanceReport::passed() const { return failures() == 0; }

std::size_t ConformanceReport::failures() const {
  return static_cast<std::size_t>(
      std::count_if(checks.begin(), checks.end(), [](const CheckResult& c) { return !c.passed; }));
}

namespace {

using namespace conformance;

std::string num(double v) { return fmt::format("{:.3g}", v); }

CheckResult pass(std::string name, std::string detail) { return {std::move(name), true, std::move(detail)}; }
CheckResult fail(std::string name, std::string detail) { return {std::move(name), false, std::move(detail)}; }
CheckResult skip(std::string name, std::string detail) { return {std::move(name), true, std::move(detail), true}; }

// Runs one check; whatever the plugin throws is that check's failure, not the suite's.
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

// ---- schema ------------------------------------------------------------------

bool is_identifier(const std::string& s) {
  static const std::regex form(R"(^[A-Za-z_][A-Za-z0-9_]*$)");
  return std::regex_match(s, form);
}

bool default_has_type(const ParamSpec& spec, const ParamValue& v) {
  switch (spec.type) {
    case ParamType::integer:
      return std::holds_alternative<std::int64_t>(v);
    case ParamType::real:
      return std::holds_alternative<double>(v);
    case ParamType::boolean:
      return std::holds_alternative<bool>(v);
    case ParamType::text:
    case ParamType::choice:
      return std::holds_alternative<std::string>(v);
    case ParamType::real_list:
      return std::holds_alternative<std::vector<double>>(v);
  }
  return false;
}

std::vector<CheckResult> schema_checks(const LoadedPlugin& plugin) {
  const PluginMeta& meta = plugin.info->meta;
  const ParamSchema& schema = meta.params;
  std::vector<CheckResult> out;

  std::vector<std::string> problems;
  if (!is_identifier(meta.name)) problems.push_back("the plugin name '" + meta.name + "' is not an identifier");
  if (meta.summary.empty()) problems.push_back("the summary is empty");
  if (meta.summary.find('\n') != std::string::npos) problems.push_back("the summary is more than one line");
  out.push_back(verdict("metadata", problems, "name '" + meta.name + "' and a one-line summary"));

  problems.clear();
  std::set<std::string> reserved = {"plugin"};
  if (plugin.kind() == PluginKind::model) reserved.insert({"input_size", "output_size"});
  std::set<std::string> seen;
  for (const auto& spec : schema) {
    if (!is_identifier(spec.name)) problems.push_back("'" + spec.name + "' is not an identifier");
    if (reserved.count(spec.name)) problems.push_back("'" + spec.name + "' is reserved for the runner");
    if (!seen.insert(spec.name).second) problems.push_back("'" + spec.name + "' is declared twice");
  }
  out.push_back(verdict("schema: parameter names", problems,
                        schema.empty() ? "no parameters" : std::to_string(schema.size()) + " unique names"));

  problems.clear();
  std::size_t required = 0;
  for (const auto& spec : schema) {
    const std::string who = "'" + spec.name + "'";
    if (spec.type == ParamType::choice) {
      if (spec.choices.empty()) problems.push_back(who + " has no choices");
      if (std::set<std::string>(spec.choices.begin(), spec.choices.end()).size() != spec.choices.size())
        problems.push_back(who + " lists a choice twice");
    }
    if (spec.min && spec.max && *spec.min > *spec.max)
      problems.push_back(who + " has an empty range " + range_text(spec));
    if (!spec.default_value) {
      ++required;
      continue;
    }
    const ParamValue& def = *spec.default_value;
    if (!default_has_type(spec, def)) {
      problems.push_back(who + "'s default " + format_value(def) + " is not " + type_text(spec));
      continue;
    }
    if (spec.type == ParamType::choice &&
        std::find(spec.choices.begin(), spec.choices.end(), std::get<std::string>(def)) == spec.choices.end())
      problems.push_back(who + "'s default '" + std::get<std::string>(def) + "' is not one of its choices");
    std::optional<double> v;
    if (const auto* i = std::get_if<std::int64_t>(&def)) v = static_cast<double>(*i);
    if (const auto* d = std::get_if<double>(&def)) v = *d;
    if (v) {
      const bool below = spec.min && (spec.min_exclusive ? *v <= *spec.min : *v < *spec.min);
      const bool above = spec.max && *v > *spec.max;
      if (!std::isfinite(*v) || below || above)
        problems.push_back(who + "'s default " + format_value(def) + " is outside its range " + range_text(spec));
    }
  }
  out.push_back(verdict("schema: defaults within range and choices", problems,
                        schema.empty() ? "no parameters"
                                       : "every default fits" +
                                             (required ? " (" + std::to_string(required) + " required, without default)"
                                                       : std::string())));

  problems.clear();
  for (const auto& spec : schema) {
    if (spec.help.empty()) problems.push_back("'" + spec.name + "' has no help");
    if (spec.help.find('\n') != std::string::npos) problems.push_back("'" + spec.name + "''s help is not one line");
  }
  out.push_back(
      verdict("schema: help", problems, schema.empty() ? "no parameters" : "every parameter has one line of help"));

  problems.clear();
  std::size_t lists = 0;
  for (const auto& spec : schema) {
    if (spec.type != ParamType::real_list || !spec.default_value) continue;
    ++lists;
    const auto* list = std::get_if<std::vector<double>>(&*spec.default_value);
    if (list && spec.list_length && list->size() != spec.list_length)
      problems.push_back("'" + spec.name + "''s default has " + std::to_string(list->size()) + " numbers, declared " +
                         std::to_string(spec.list_length));
  }
  out.push_back(verdict("schema: list defaults of the declared length", problems,
                        lists ? std::to_string(lists) + " list(s) fit" : "no list parameters"));
  return out;
}

// ---- parameters ----------------------------------------------------------------

// A scratch "{}" experiment file that the key=value settings are applied to as
// overrides, so they are parsed and validated exactly like an experiment's.
class ScratchYaml {
 public:
  ScratchYaml() {
    std::string pattern = (std::filesystem::temp_directory_path() / "seqlab-check-XXXXXX").string();
    const int fd = mkstemp(pattern.data());
    if (fd < 0) throw std::runtime_error("cannot create a temporary file: " + std::string(std::strerror(errno)));
    const char text[] = "{}\n";
    const bool written = ::write(fd, text, sizeof text - 1) == static_cast<ssize_t>(sizeof text - 1);
    ::close(fd);
    path_ = pattern;
    if (!written) throw std::runtime_error("cannot write " + path_);
  }
  ~ScratchYaml() { std::remove(path_.c_str()); }
  ScratchYaml(const ScratchYaml&) = delete;
  ScratchYaml& operator=(const ScratchYaml&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The plugin's parameters from `settings` and the defaults; the first required
// parameter not given is returned in `missing` instead.
std::optional<ParamValues> resolve(const LoadedPlugin& plugin, const std::vector<std::string>& settings,
                                   std::string& missing) {
  const ParamSchema& schema = plugin.info->meta.params;
  std::set<std::string> given;
  for (const auto& s : settings) given.insert(s.substr(0, s.find('=')));
  for (const auto& spec : schema)
    if (!spec.default_value && !given.count(spec.name)) {
      missing = spec.name;
      return std::nullopt;
    }
  if (settings.empty()) return default_params(schema);
  ScratchYaml scratch;
  const ExperimentSource source(scratch.path(), settings);
  return validate_params(schema, source, "", {},
                         std::string(kind_name(plugin.kind())) + " plugin '" + plugin.name() + "'");
}

// ---- models and losses -------------------------------------------------------

Tensor3 random_tensor(Random& random, std::size_t a, std::size_t b, std::size_t c) {
  Tensor3 t = Tensor3::from_shape({a, b, c});
  for (auto& v : t) v = static_cast<float>(random.uniform(-1.0, 1.0));
  return t;
}

// L = sum(weights * outputs): a fixed random linear functional, whose gradient
// with respect to the outputs is `weights`.
double weighted_sum(const Tensor3& outputs, const Tensor3& weights) {
  double sum = 0;
  for (std::size_t i = 0; i < outputs.size(); ++i) sum += static_cast<double>(outputs.data()[i]) * weights.data()[i];
  return sum;
}

// |numeric - analytic| relative to their size, with a floor so that gradients
// that are zero up to float noise do not count as huge relative errors. A
// non-finite gradient is infinitely wrong.
double relative_error(double numeric, double analytic) {
  const double e = std::abs(numeric - analytic) / std::max({std::abs(numeric), std::abs(analytic), 1e-2});
  return std::isfinite(e) ? e : INFINITY;
}

struct Worst {
  double error = -1;
  std::string where;
  double numeric = 0, analytic = 0;
  std::size_t entries = 0;
  void offer(double numeric_value, double analytic_value, const std::string& name) {
    ++entries;
    const double e = relative_error(numeric_value, analytic_value);
    if (e > error) {
      error = e;
      where = name;
      numeric = numeric_value;
      analytic = analytic_value;
    }
  }
  CheckResult result(const std::string& check, const std::string& what) const {
    if (entries == 0) return pass(check, "nothing to check (" + what + ")");
    const std::string detail = fmt::format(
        "worst {}: analytic {}, finite difference {}, relative error {} "
        "(tolerance {}; {} entries {})",
        where, num(analytic), num(numeric), num(error), num(kGradientTolerance), entries, what);
    return error < kGradientTolerance ? pass(check, detail) : fail(check, detail);
  }
};

constexpr std::size_t kBatch = 3, kSteps = 5, kInputs = 3, kOutputs = 2;

std::vector<CheckResult> model_checks(const LoadedPlugin& plugin, const ParamValues& params, const std::string& with) {
  std::vector<CheckResult> out;
  struct Mode {
    std::size_t target_steps;
    std::string label;
    std::unique_ptr<Random> random;  // a plugin may keep a reference to its Random: it outlives the model
    Handle<Model> model;
    std::string refused;
  };
  std::vector<Mode> modes;
  modes.push_back({1, "target_steps = 1", std::make_unique<Random>(7), nullptr, ""});
  modes.push_back({kSteps, "target_steps = steps", std::make_unique<Random>(7), nullptr, ""});

  // Construction: a model may refuse one target layout (ParamError), not both.
  std::vector<std::string> notes, problems;
  for (auto& mode : modes) {
    try {
      mode.model = create_model(plugin, {params, *mode.random, {kInputs, kOutputs, kSteps, mode.target_steps}});
      if (mode.model->output_steps(kSteps) != mode.target_steps) {
        mode.refused = "it predicts " + std::to_string(mode.model->output_steps(kSteps)) + " steps for " +
                       std::to_string(kSteps) + " input steps";
        mode.model.reset();
      }
    } catch (const ParamError& e) {
      mode.refused = std::string("refused with ParamError: ") + e.what();
    } catch (const std::exception& e) {
      problems.push_back(mode.label + ": threw " + e.what());
    }
    if (!mode.refused.empty()) notes.push_back(mode.label + " " + mode.refused);
  }
  const bool any = std::any_of(modes.begin(), modes.end(), [](const Mode& m) { return m.model != nullptr; });
  if (problems.empty() && !any) problems.push_back("no target layout works: " + join_problems(notes));
  const std::string shape = fmt::format("input_size {}, output_size {}, {} steps", kInputs, kOutputs, kSteps);
  out.push_back(
      verdict("construction", problems, with + ", " + shape + (notes.empty() ? "" : "; " + join_problems(notes))));
  if (!problems.empty()) return out;

  Model& first = *std::find_if(modes.begin(), modes.end(), [](const Mode& m) { return m.model != nullptr; })->model;
  out.push_back(guarded("parameters", [&] {
    std::vector<std::string> bad;
    std::set<std::string> names;
    std::size_t total = 0;
    for (const auto& p : first.parameters()) {
      std::size_t product = 1;
      for (std::size_t d : p.shape) product *= d;
      if (p.name.empty()) bad.push_back("a parameter has no name");
      if (!names.insert(p.name).second) bad.push_back("'" + p.name + "' is listed twice");
      if (p.value.size() != product || p.grad.size() != product)
        bad.push_back("'" + p.name + "': value and grad must have the shape's " + std::to_string(product) + " entries");
      total += p.size();
    }
    return verdict(
        "parameters", bad,
        std::to_string(first.parameters().size()) + " named parameters, " + std::to_string(total) + " numbers");
  }));

  for (auto& mode : modes) {
    const std::string gradient_name = "gradient, " + mode.label;
    const std::string repeat_name = "backward twice, " + mode.label;
    if (!mode.model) {
      out.push_back(skip(gradient_name, "not applicable: " + mode.refused));
      out.push_back(skip(repeat_name, "not applicable"));
      continue;
    }
    Model& model = *mode.model;
    Random random(8);
    const Tensor3 inputs = random_tensor(random, kBatch, kSteps, kInputs);
    const Tensor3 weights = random_tensor(random, kBatch, mode.target_steps, kOutputs);
    std::unique_ptr<ModelCache> cache;
    Tensor3 outputs;
    auto loss = [&] {
      model.forward(inputs, *cache, outputs);
      return weighted_sum(outputs, weights);
    };
    std::vector<Tensor1> analytic;
    const CheckResult shapes = guarded(gradient_name, [&] {
      cache = model.make_cache(kBatch, kSteps);
      loss();
      const std::array<std::size_t, 3> expected{kBatch, mode.target_steps, kOutputs};
      if (outputs.shape() != expected)
        return fail(gradient_name, fmt::format("forward gave outputs of shape ({}), expected ({})",
                                               fmt::join(outputs.shape(), ", "), fmt::join(expected, ", ")));
      model.backward(inputs, *cache, weights);
      for (const auto& p : model.parameters()) analytic.push_back(p.grad);
      return pass(gradient_name, "");
    });
    if (!shapes.passed) {
      out.push_back(shapes);
      out.push_back(skip(repeat_name, "not checked: the first backward did not complete"));
      continue;
    }
    out.push_back(guarded(gradient_name, [&] {
      Worst worst;
      for (std::size_t i = 0; i < model.parameters().size(); ++i) {
        auto& p = model.parameters()[i];
        // Up to 25 entries per parameter, spread over it: enough to catch a wrong term.
        const std::size_t stride = std::max<std::size_t>(1, p.size() / 25);
        for (std::size_t k = 0; k < p.size(); k += stride) {
          const float saved = p.value[k];
          p.value[k] = static_cast<float>(saved + kFiniteDifferenceStep);
          const double up = loss();
          p.value[k] = static_cast<float>(saved - kFiniteDifferenceStep);
          const double down = loss();
          p.value[k] = saved;
          worst.offer((up - down) / (2 * kFiniteDifferenceStep), analytic[i][k],
                      p.name + "[" + std::to_string(k) + "]");
        }
      }
      return worst.result(gradient_name, fmt::format("of {} parameters, central differences with step {}",
                                                     model.parameters().size(), num(kFiniteDifferenceStep)));
    }));
    // backward writes, it does not accumulate: a second pass gives the same gradients.
    out.push_back(guarded(repeat_name, [&] {
      loss();
      model.backward(inputs, *cache, weights);
      for (std::size_t i = 0; i < analytic.size(); ++i) {
        const auto& p = model.parameters()[i];
        for (std::size_t k = 0; k < p.size(); ++k)
          if (std::memcmp(&p.grad[k], &analytic[i][k], sizeof(float)) != 0)
            return fail(repeat_name, fmt::format("{}[{}] was {} after the first backward and {} after the second "
                                                 "(backward must write the gradients, not add to them)",
                                                 p.name, k, num(analytic[i][k]), num(p.grad[k])));
      }
      return pass(repeat_name, "identical gradients");
    }));
  }
  return out;
}

std::vector<CheckResult> loss_checks(const LoadedPlugin& plugin, const ParamValues& params, const std::string& with) {
  std::vector<CheckResult> out;
  Random random(11);
  Handle<Loss> loss;
  out.push_back(guarded("construction", [&] {
    loss = create_loss(plugin, {params, random, {}});
    return pass("construction", with);
  }));
  if (!loss) return out;
  Tensor3 predictions = random_tensor(random, 3, 4, 2);
  const Tensor3 targets = random_tensor(random, 3, 4, 2);
  out.push_back(guarded("gradient", [&] {
    const double value = loss->value(predictions, targets);
    if (!std::isfinite(value)) return fail("gradient", "the loss of random (3, 4, 2) predictions is " + num(value));
    Tensor3 grad;
    loss->gradient(predictions, targets, grad);
    if (grad.shape() != predictions.shape())
      return fail("gradient", fmt::format("the gradient has shape ({}), the predictions ({})",
                                          fmt::join(grad.shape(), ", "), fmt::join(predictions.shape(), ", ")));
    const double step = 1e-3;
    Worst worst;
    for (std::size_t n = 0; n < predictions.shape()[0]; ++n)
      for (std::size_t t = 0; t < predictions.shape()[1]; ++t)
        for (std::size_t f = 0; f < predictions.shape()[2]; ++f) {
          const float saved = predictions(n, t, f);
          predictions(n, t, f) = static_cast<float>(saved + step);
          const double up = loss->value(predictions, targets);
          predictions(n, t, f) = static_cast<float>(saved - step);
          const double down = loss->value(predictions, targets);
          predictions(n, t, f) = saved;
          worst.offer((up - down) / (2 * step), grad(n, t, f), fmt::format("predictions[{}, {}, {}]", n, t, f));
        }
    return worst.result("gradient", "with respect to the predictions, central differences with step " + num(step));
  }));
  return out;
}

// ---- optimizers ----------------------------------------------------------------

std::vector<CheckResult> optimizer_checks(const LoadedPlugin& plugin, const ParamValues& params,
                                          const std::string& with) {
  std::vector<CheckResult> out;
  Random random(13);
  Handle<Optimizer> optimizer;
  out.push_back(guarded("construction", [&] {
    optimizer = create_optimizer(plugin, {params, random, {}});
    return pass("construction", with);
  }));
  if (!optimizer) return out;
  const std::string name = "descent on a quadratic";
  out.push_back(guarded(name, [&] {
    // f(w) = 0.5 * sum_k c_k (w_k - m_k)^2 over three parameters of different
    // shapes; curvatures c in [0.5, 2], minimum m, start 0.1 to 0.5 away from it.
    std::vector<Parameter> parameters = {{"a.weight", {4, 3}}, {"b.bias", {5}}, {"c.kernel", {2, 1, 3}}};
    std::vector<Tensor1> curvature, minimum;
    for (auto& p : parameters) {
      curvature.push_back(Tensor1::from_shape({p.size()}));
      minimum.push_back(Tensor1::from_shape({p.size()}));
      for (std::size_t k = 0; k < p.size(); ++k) {
        curvature.back()[k] = static_cast<float>(random.uniform(0.5, 2.0));
        minimum.back()[k] = static_cast<float>(random.uniform(-1.0, 1.0));
        const double away = random.uniform(0.1, 0.5) * (random.uniform() < 0.5 ? -1 : 1);
        p.value[k] = static_cast<float>(minimum.back()[k] + away);
      }
    }
    auto evaluate = [&] {  // f, and the gradient into every grad
      double f = 0;
      for (std::size_t i = 0; i < parameters.size(); ++i)
        for (std::size_t k = 0; k < parameters[i].size(); ++k) {
          const double d = static_cast<double>(parameters[i].value[k]) - minimum[i][k];
          f += 0.5 * curvature[i][k] * d * d;
          parameters[i].grad[k] = static_cast<float>(curvature[i][k] * d);
        }
      return f;
    };
    const double start = evaluate();
    double f = start;
    for (int s = 1; s <= kOptimizerSteps; ++s) {
      optimizer->step(parameters);
      f = evaluate();
      if (!std::isfinite(f))
        for (const auto& p : parameters)
          for (std::size_t k = 0; k < p.size(); ++k)
            if (!std::isfinite(p.value[k]))
              return fail(name, fmt::format("{}[{}] became {} at step {}", p.name, k, num(p.value[k]), s));
    }
    const double lr = optimizer->learning_rate();
    const std::string detail = fmt::format(
        "f = 0.5 sum c (w - m)^2 over 3 parameters (4x3, 5, 2x1x3) went from {} to {} in {} steps (needs at most "
        "{}% of the start); learning_rate() {}",
        num(start), num(f), kOptimizerSteps, num(100 * kOptimizerReduction), num(lr));
    if (!std::isfinite(lr)) return fail(name, detail + ", which is not finite");
    return f <= kOptimizerReduction * start ? pass(name, detail) : fail(name, detail);
  }));
  return out;
}

// ---- datasets ------------------------------------------------------------------

bool same(const Tensor3& a, const Tensor3& b) {
  return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}
bool same(const DatasetSplits& a, const DatasetSplits& b) {
  return same(a.train.inputs, b.train.inputs) && same(a.train.targets, b.train.targets) &&
         same(a.validation.inputs, b.validation.inputs) && same(a.validation.targets, b.validation.targets);
}

std::string shape_text(const Tensor3& t) { return fmt::format("({})", fmt::join(t.shape(), ", ")); }

std::vector<CheckResult> dataset_checks(const LoadedPlugin& plugin, const ParamValues& params,
                                        const std::string& with) {
  std::vector<CheckResult> out;
  auto load = [&](std::uint64_t seed) {
    Random random = Random::stream(seed, "dataset");
    auto dataset = create_dataset(plugin, {params, random, {}});
    return dataset->load();
  };
  std::optional<DatasetSplits> data;
  out.push_back(guarded("construction and load()", [&] {
    data = load(0);
    return pass("construction and load()", fmt::format("{}: {} training and {} validation sequences", with,
                                                       data->train.count(), data->validation.count()));
  }));
  if (!data) return out;

  out.push_back(guarded("shapes", [&] {
    std::vector<std::string> bad;
    const Tensor3& in = data->train.inputs;
    const Tensor3& tg = data->train.targets;
    if (in.shape()[0] == 0) bad.push_back("the training set is empty");
    if (in.shape()[1] == 0 || in.shape()[2] == 0)
      bad.push_back("training inputs " + shape_text(in) + " have no steps or features");
    auto check_set = [&](const SequenceSet& set, const std::string& which) {
      const auto& i = set.inputs.shape();
      const auto& t = set.targets.shape();
      if (t[0] != i[0])
        bad.push_back(which + " targets " + shape_text(set.targets) + " do not match inputs " + shape_text(set.inputs));
      if (set.count() == 0) return;
      if (i[1] != in.shape()[1] || i[2] != in.shape()[2])
        bad.push_back(which + " inputs " + shape_text(set.inputs) + " differ in steps or features from training " +
                      shape_text(in));
      if (t[1] != 1 && t[1] != i[1])
        bad.push_back(which + " targets " + shape_text(set.targets) + " must have 1 step or the inputs' " +
                      std::to_string(i[1]));
      if (t[1] != tg.shape()[1] || t[2] != tg.shape()[2] || t[2] == 0)
        bad.push_back(which + " targets " + shape_text(set.targets) + " do not fit training targets " + shape_text(tg));
    };
    check_set(data->train, "training");
    check_set(data->validation, "validation");
    return verdict("shapes", bad,
                   fmt::format("training inputs {} -> targets {}, validation {} -> {}", shape_text(in), shape_text(tg),
                               shape_text(data->validation.inputs), shape_text(data->validation.targets)));
  }));

  out.push_back(guarded("finite values", [&] {
    const std::pair<const Tensor3*, const char*> tensors[] = {{&data->train.inputs, "training inputs"},
                                                              {&data->train.targets, "training targets"},
                                                              {&data->validation.inputs, "validation inputs"},
                                                              {&data->validation.targets, "validation targets"}};
    for (const auto& [t, which] : tensors)
      for (std::size_t k = 0; k < t->size(); ++k)
        if (!std::isfinite(t->data()[k]))
          return fail("finite values", fmt::format("{} hold {} at flat index {}", which, num(t->data()[k]), k));
    return pass("finite values", "no NaN or infinity");
  }));

  out.push_back(guarded("same seed, same data", [&] {
    return same(load(0), *data) ? pass("same seed, same data", "load() from seed 0 twice: identical bytes")
                                : fail("same seed, same data",
                                       "two datasets made from the same seed gave different data; draw every random "
                                       "number from PluginArgs::random");
  }));
  out.push_back(guarded("another seed, other data", [&] {
    return same(load(1), *data)
               ? fail("another seed, other data",
                      "seeds 0 and 1 gave identical data; draw the dataset's randomness from PluginArgs::random")
               : pass("another seed, other data", "seeds 0 and 1 differ");
  }));
  return out;
}

}  // namespace

ConformanceReport check_plugin(const LoadedPlugin& plugin, const std::vector<std::string>& settings) {
  ConformanceReport report;
  report.plugin = std::string(kind_name(plugin.kind())) + " plugin '" + plugin.name() + "'";
  report.file = plugin.file;
  report.checks = schema_checks(plugin);

  std::string missing;
  const std::optional<ParamValues> params = resolve(plugin, settings, missing);
  if (!params) {
    report.checks.push_back(fail(
        "construction",
        "cannot check: parameter " + missing + " is required; give it after the plugin, e.g. " + missing + "=VALUE"));
    return report;
  }
  std::string with = "with the defaults";
  if (!settings.empty()) {
    with = "with";
    for (const auto& s : settings) with += " " + s;
  }
  std::vector<CheckResult> rest;
  switch (plugin.kind()) {
    case PluginKind::dataset:
      rest = dataset_checks(plugin, *params, with);
      break;
    case PluginKind::model:
      rest = model_checks(plugin, *params, with);
      break;
    case PluginKind::loss:
      rest = loss_checks(plugin, *params, with);
      break;
    case PluginKind::optimizer:
      rest = optimizer_checks(plugin, *params, with);
      break;
  }
  report.checks.insert(report.checks.end(), rest.begin(), rest.end());
  return report;
}

std::string format_report(const ConformanceReport& report) {
  std::string out = report.plugin + " (" + report.file + ")\n";
  std::size_t skipped = 0;
  for (const auto& c : report.checks) {
    const char* mark = !c.passed ? "FAIL" : c.skipped ? "skip" : "ok";
    skipped += c.skipped;
    out += fmt::format("  {:<5} {}{}{}\n", mark, c.name, c.detail.empty() ? "" : ": ", c.detail);
  }
  const std::size_t failed = report.failures();
  const std::size_t passed = report.checks.size() - failed - skipped;
  if (failed)
    out += fmt::format("FAILED: {} of {} checks failed\n", failed, report.checks.size());
  else
    out += fmt::format("passed: {} checks{}\n", passed, skipped ? fmt::format(", {} not applicable", skipped) : "");
  return out;
}

}  // namespace seqlab
