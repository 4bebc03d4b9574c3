// Resolving experiments: sections, plugins, parameters, and the shape contract between data and model.
// Tested in tests/config/test_experiment_variants.cpp, tests/cli/test_cli_errors.cpp,
//   tests/config/test_hostile_input.cpp
#include "config/experiment.hpp"

#include <filesystem>
#include <iostream>
#include <set>
#include <yaml-cpp/yaml.h>

#include "config/param_validation.hpp"
#include "config/runner_schemas.hpp"
#include "util/paths.hpp"
#include "util/suggest.hpp"
#include "util/utf8.hpp"

namespace seqlab {

namespace {

constexpr std::size_t kMaxNameBytes = 200;  // leaves room for "-sweep" and a time stamp within a 255-byte name

PluginKind kind_of_section(const std::string& section) {
  if (section == "dataset") return PluginKind::dataset;
  if (section == "model") return PluginKind::model;
  if (section == "loss") return PluginKind::loss;
  if (section == "scheduler") return PluginKind::scheduler;
  return PluginKind::optimizer;
}

// Sizes the runner infers from the data (a model section may state them, and they must then agree),
// and the weights to start from.
ParamSchema with_io_sizes(ParamSchema schema) {
  schema.push_back(integer("input_size", 0, "features per input step; 0 = inferred from the dataset").at_least(0));
  schema.push_back(integer("output_size", 0, "features per predicted step; 0 = inferred from the dataset").at_least(0));
  schema.push_back(
      file_path("init_from", "",
                "start from these weights instead of the random initialisation: a run folder, or a folder "
                "of <parameter name>.npy files (tools/torch2seqlab writes one from a PyTorch state_dict)"));
  return schema;
}

// `runner_keys`: the runner's own keys in the section besides `plugin` (scheduler: step_on), validated apart
// from the plugin's parameters into runner_params.
ComponentConfig resolve_component(const ExperimentSource& source, const PluginRegistry& registry,
                                  const std::string& section, const ParamSchema& runner_keys = {}) {
  const YAML::Node node = source.root()[section];
  const PluginKind kind = kind_of_section(section);
  const auto known = registry.names(kind);
  const std::string known_text = known.empty() ? "none found; is the plugin folder right?" : join(known);
  if (!node.IsDefined() || node.IsNull())
    source.fail(section, "missing section '" + section + "'; add `" + section + ": {plugin: NAME}` (" +
                             kind_name(kind) + " plugins: " + known_text + ")");
  if (!node.IsMap()) source.fail(section, "expected a mapping like {plugin: NAME, ...}");
  const YAML::Node name_node = node["plugin"];
  if (!name_node.IsDefined() || !name_node.IsScalar())
    source.fail(section, "missing 'plugin: NAME' (" + std::string(kind_name(kind)) + " plugins: " + known_text + ")");
  const std::string name = name_node.Scalar();
  ComponentConfig config;
  config.section = section;
  try {
    config.plugin = registry.find(kind, name);
  } catch (const PluginLoadError& clash) {  // two user-folder plugins of this kind share the name
    source.fail(section + ".plugin", clash.what());
  }
  if (!config.plugin) {
    const std::string guess = closest_name(name, known);
    source.fail(section + ".plugin", "unknown " + std::string(kind_name(kind)) + " plugin '" + name + "' (known: " +
                                         known_text + ")" + (guess.empty() ? "" : "; did you mean '" + guess + "'?"));
  }
  const ParamSchema& declared = config.plugin->info->meta.params;
  const ParamSchema schema = kind == PluginKind::model ? with_io_sizes(declared) : declared;
  std::set<std::string> runner_names = {"plugin"}, plugin_names = {"plugin"};
  for (const ParamSpec& spec : runner_keys) runner_names.insert(spec.name);
  for (const ParamSpec& spec : schema) {
    if (runner_names.count(spec.name))
      source.fail(section + ".plugin", std::string(kind_name(kind)) + " plugin '" + name + "' declares '" + spec.name +
                                           "', a key the runner reads in this section; rename it");
    plugin_names.insert(spec.name);
  }
  config.params =
      validate_params(schema, source, section, runner_names, std::string(kind_name(kind)) + " plugin '" + name + "'");
  if (!runner_keys.empty())
    config.runner_params = validate_params(runner_keys, source, section, plugin_names, "the " + section + " section");
  return config;
}

// The name becomes a folder below runs/ (runs/<name>/<time>, runs/<name>-sweep): one
// plain folder name, never a path that leads elsewhere.
void check_run_name(const std::string& name, const ExperimentSource& source) {
  const bool named = source.root()["name"].IsDefined();
  auto refuse = [&](const std::string& why) {
    source.fail(named ? "name" : "",
                "the run's name '" + (is_valid_utf8(name) ? name : std::string("(not UTF-8)")) + "' " + why +
                    (named ? "" : " (it comes from the file name; set `name:` in the experiment)") +
                    "; a name is one folder name such as sine_lstm");
  };
  if (name.empty()) refuse("is empty");
  if (!is_valid_utf8(name)) refuse("is not valid UTF-8 text");
  if (name.size() > kMaxNameBytes) refuse("is longer than " + std::to_string(kMaxNameBytes) + " bytes");
  if (name == "." || name == "..") refuse("would name the folder above or itself");
  for (const char c : name) {
    if (c == '/' || c == '\\')
      refuse("contains '" + std::string(1, c) + "', which would put the run in another folder");
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) refuse("contains a control character");
  }
}

}  // namespace

std::vector<std::string> experiment_plugin_dirs(const ExperimentSource& source) {
  const YAML::Node node = source.root()["plugin_dirs"];
  std::vector<std::string> dirs;
  if (!node.IsDefined() || node.IsNull()) return dirs;
  if (!node.IsSequence()) source.fail("plugin_dirs", "expected a list of folders, e.g. plugin_dirs: [my_plugins]");
  const std::filesystem::path base = std::filesystem::absolute(source.file()).parent_path();
  for (std::size_t i = 0; i < node.size(); ++i) {
    if (!node[i].IsScalar() || node[i].Scalar().empty()) source.fail("plugin_dirs", "expected a folder name");
    const std::filesystem::path dir = node[i].Scalar();
    bool climbs = false;
    for (const auto& part : dir) climbs = climbs || part == "..";
    if (dir.is_absolute() || climbs)
      source.fail("plugin_dirs", "'" + dir.string() +
                                     "' is not below the experiment's folder; an experiment may only add plugin "
                                     "folders relative to itself (use --plugin-dir or SEQLAB_PLUGIN_PATH for others)");
    const std::filesystem::path full = (base / dir).lexically_normal();
    if (!std::filesystem::is_directory(full)) source.fail("plugin_dirs", "folder " + full.string() + " does not exist");
    // The lexical check above is not enough: a symbolic link below the experiment may point anywhere.
    std::error_code ec;
    const std::filesystem::path real = std::filesystem::canonical(full, ec);
    const std::filesystem::path real_base = std::filesystem::canonical(base, ec);
    if (ec || !is_within(real, real_base))
      source.fail("plugin_dirs", "'" + dir.string() + "' leads to " + real.string() +
                                     ", outside the experiment's folder " + real_base.string() +
                                     " (through a symbolic link); an experiment may only add plugin folders that "
                                     "really lie below it (use --plugin-dir or SEQLAB_PLUGIN_PATH for others)");
    dirs.push_back(full.string());
  }
  return dirs;
}

ExperimentPart experiment_part_of(const std::string& path) {
  const std::string section = path.substr(0, path.find('.'));
  if (section == "dataset") return ExperimentPart::dataset;
  if (section == "model") return ExperimentPart::model;
  if (section == "loss") return ExperimentPart::loss;
  if (section == "optimizer") return ExperimentPart::optimizer;
  if (section == "scheduler") return ExperimentPart::scheduler;
  if (section == "training") return ExperimentPart::training;
  return ExperimentPart::top;
}

void resolve_experiment_part(ExperimentPart part, const ExperimentSource& source, const PluginRegistry& registry,
                             ResolvedExperiment& experiment) {
  switch (part) {
    case ExperimentPart::top: {
      const ParamValues top = validate_params(
          experiment_schema(), source, "",
          {"dataset", "model", "loss", "optimizer", "scheduler", "training", "plugin_dirs", "sweep"}, "the experiment");
      // A run folder's file is data: whatever folders it names hold no code seqlab will load.
      if (experiment.origin == ExperimentOrigin::user_file) experiment.plugin_dirs = experiment_plugin_dirs(source);
      experiment.name = top.text("name");
      if (experiment.name.empty()) experiment.name = std::filesystem::path(source.file()).stem().string();
      check_run_name(experiment.name, source);
      experiment.seed = static_cast<std::uint64_t>(top.integer("seed"));
      return;
    }
    case ExperimentPart::dataset:
      experiment.dataset = resolve_component(source, registry, "dataset");
      return;
    case ExperimentPart::model:
      experiment.model = resolve_component(source, registry, "model");
      return;
    case ExperimentPart::loss:
      experiment.loss = resolve_component(source, registry, "loss");
      return;
    case ExperimentPart::optimizer:
      experiment.optimizer = resolve_component(source, registry, "optimizer");
      return;
    case ExperimentPart::scheduler: {
      const YAML::Node scheduler = source.root()["scheduler"];
      experiment.scheduler.reset();
      experiment.scheduling = {};
      if (scheduler.IsDefined() && !scheduler.IsNull()) {
        experiment.scheduler = resolve_component(source, registry, "scheduler", scheduler_runner_schema());
        experiment.scheduling = scheduler_settings(experiment.scheduler->runner_params);
      }
      return;
    }
    case ExperimentPart::training: {
      experiment.training_params =
          validate_params(training_schema(), source, "training", {"early_stopping"}, "the training section");
      const YAML::Node early_stopping = source.root()["training"]["early_stopping"];
      experiment.early_stopping_params.reset();
      if (early_stopping.IsDefined() && !early_stopping.IsNull())
        experiment.early_stopping_params =
            validate_params(early_stopping_schema(), source, "training.early_stopping", {}, "training.early_stopping");
      experiment.training = training_settings(experiment.training_params, experiment.early_stopping_params);
      return;
    }
  }
}

ResolvedExperiment resolve_experiment(std::shared_ptr<const ExperimentSource> source, const PluginRegistry& registry,
                                      ExperimentOrigin origin) {
  ResolvedExperiment experiment;
  experiment.origin = origin;
  for (const ExperimentPart part : kExperimentParts) resolve_experiment_part(part, *source, registry, experiment);
  experiment.source = std::move(source);
  return experiment;
}

LoadedExperiment load_experiment(const std::string& file, const std::vector<std::string>& overrides,
                                 const std::vector<std::string>& plugin_dirs, ExperimentOrigin origin,
                                 const PluginCheck& check_plugins) {
  auto source = std::make_shared<const ExperimentSource>(file, overrides);
  std::vector<std::string> dirs = plugin_dirs;
  const YAML::Node named_dirs = source->root()["plugin_dirs"];
  if (origin == ExperimentOrigin::user_file) {
    for (const auto& dir : experiment_plugin_dirs(*source)) dirs.push_back(dir);
  } else if (named_dirs.IsDefined() && !named_dirs.IsNull()) {
    // `seqlab run` never writes the key into a run folder (its config.yaml names the folders in comments):
    // someone put it there. Not an error, so a folder edited by hand stays usable; never followed.
    std::cerr << source->locate("plugin_dirs").describe()
              << ": warning: plugin_dirs: not followed: this file is part of a run folder, which is data, and seqlab "
                 "loads no code from where data points; the run's plugins are looked for in --plugin-dir, "
                 "SEQLAB_PLUGIN_PATH and seqlab's own plugins folder\n";
  }
  LoadedExperiment loaded;
  loaded.registry = std::make_unique<PluginRegistry>(dirs);
  if (check_plugins) check_plugins(*loaded.registry);
  loaded.experiment = resolve_experiment(std::move(source), *loaded.registry, origin);
  return loaded;
}

namespace {

// `params` as the entries of the map being written into `out`; with `inferred`, a model's input_size and
// output_size as the data gave them instead of 0.
void write_params(YAML::Emitter& out, const std::string& section, const ParamValues& params,
                  const ModelShape* inferred) {
  for (const auto& [name, stated] : params.all()) {
    ParamValue value = stated;
    if (inferred && section == "model" && name == "input_size") value = static_cast<std::int64_t>(inferred->input_size);
    if (inferred && section == "model" && name == "output_size")
      value = static_cast<std::int64_t>(inferred->output_size);
    out << YAML::Key << name << YAML::Value;
    if (const auto* list = std::get_if<std::vector<double>>(&value)) {
      out << YAML::Flow << YAML::BeginSeq;
      for (double v : *list) out << format_value(v);
      out << YAML::EndSeq;
    } else if (const auto* entries = std::get_if<ParamMap>(&value)) {
      out << YAML::Flow << YAML::BeginMap;
      for (const auto& [key, text] : *entries) out << YAML::Key << key << YAML::Value << text;
      out << YAML::EndMap;
    } else if (const auto* texts = std::get_if<std::vector<std::string>>(&value)) {
      out << YAML::Flow << YAML::BeginSeq;
      for (const auto& v : *texts) out << v;
      out << YAML::EndSeq;
    } else {
      out << format_value(value);
    }
  }
}

// A plugin section as one entry of the map being written into `out`.
void write_component(YAML::Emitter& out, const ComponentConfig& c, const ModelShape* inferred) {
  out << YAML::Key << c.section << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "plugin" << YAML::Value << c.plugin->name();
  write_params(out, c.section, c.params, inferred);
  write_params(out, c.section, c.runner_params, inferred);
  out << YAML::EndMap;
}

// The lines of the configuration YAML that `part` gives ("" for a missing scheduler). A top-level block
// map's entries are written alike whether emitted together or apart, so the parts joined by newlines
// are the whole document: ExperimentVariants keeps each part's text and joins them without emitting.
std::string part_yaml(ExperimentPart part, const ResolvedExperiment& experiment, const ModelShape* inferred) {
  if (part == ExperimentPart::scheduler && !experiment.scheduler) return "";
  YAML::Emitter out;
  out << YAML::BeginMap;
  switch (part) {
    case ExperimentPart::top:
      out << YAML::Key << "name" << YAML::Value << experiment.name;
      out << YAML::Key << "seed" << YAML::Value << experiment.seed;
      break;
    case ExperimentPart::dataset:
      write_component(out, experiment.dataset, inferred);
      break;
    case ExperimentPart::model:
      write_component(out, experiment.model, inferred);
      break;
    case ExperimentPart::loss:
      write_component(out, experiment.loss, inferred);
      break;
    case ExperimentPart::optimizer:
      write_component(out, experiment.optimizer, inferred);
      break;
    case ExperimentPart::scheduler:
      write_component(out, *experiment.scheduler, inferred);
      break;
    case ExperimentPart::training:
      // training, with early_stopping as its own map inside it
      out << YAML::Key << "training" << YAML::Value << YAML::BeginMap;
      write_params(out, "training", experiment.training_params, inferred);
      if (experiment.early_stopping_params) {
        out << YAML::Key << "early_stopping" << YAML::Value << YAML::BeginMap;
        write_params(out, "early_stopping", *experiment.early_stopping_params, inferred);
        out << YAML::EndMap;
      }
      out << YAML::EndMap;
      break;
  }
  out << YAML::EndMap;
  return out.c_str();
}

std::string configuration_yaml(const ResolvedExperiment& experiment, const ModelShape* inferred) {
  std::vector<std::string> parts;
  for (const ExperimentPart part : kExperimentParts) parts.push_back(part_yaml(part, experiment, inferred));
  return join_configuration_parts(parts);
}

}  // namespace

std::string configuration_part(ExperimentPart part, const ResolvedExperiment& experiment) {
  return part_yaml(part, experiment, nullptr);
}

std::string join_configuration_parts(const std::vector<std::string>& parts) {
  std::string text;
  for (const std::string& part : parts)
    if (!part.empty()) text += part + "\n";
  return text;
}

std::string resolved_configuration(const ResolvedExperiment& experiment) {
  return configuration_yaml(experiment, nullptr);
}

std::string resolved_yaml(const ResolvedExperiment& experiment, const ModelShape* inferred) {
  std::string text = "# The resolved experiment: every default filled in. `seqlab run` this file to rerun it.\n";
  text += "# source: " + experiment.source->file() + "\n";
  for (const auto& o : experiment.source->overrides()) text += "# override: " + o + "\n";
  for (const auto& d : experiment.plugin_dirs) text += "# plugin folder added by the experiment: " + d + "\n";
  return text + configuration_yaml(experiment, inferred);
}

}  // namespace seqlab
