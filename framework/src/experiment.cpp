// Resolving experiments: sections, plugins, parameters, and the shape contract between data and model.
#include "experiment.hpp"

#include <filesystem>
#include <xtensor/xview.hpp>
#include <yaml-cpp/yaml.h>

#include "blas_runtime.hpp"
#include "param_validation.hpp"
#include "suggest.hpp"
#include "trainer.hpp"

namespace seqlab {

namespace {

PluginKind kind_of_section(const std::string& section) {
  if (section == "dataset") return PluginKind::dataset;
  if (section == "model") return PluginKind::model;
  if (section == "loss") return PluginKind::loss;
  return PluginKind::optimizer;
}

// The runner's own settings at the top level, declared like a plugin's.
const ParamSchema& experiment_schema() {
  static const ParamSchema schema = {
      text("name", "", "the run's name; default: the file name without .yaml"),
      integer("seed", 0, "the seed every random draw of the run derives from").at_least(0),
  };
  return schema;
}

// Sizes the runner infers from the data; a model section may state them, and
// they must then agree.
ParamSchema with_io_sizes(ParamSchema schema) {
  schema.push_back(integer("input_size", 0, "features per input step; 0 = inferred from the dataset").at_least(0));
  schema.push_back(integer("output_size", 0, "features per predicted step; 0 = inferred from the dataset").at_least(0));
  return schema;
}

ComponentConfig resolve_component(const ExperimentSource& source, const PluginRegistry& registry,
                                  const std::string& section) {
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
  config.plugin = registry.find(kind, name);
  if (!config.plugin) {
    const std::string guess = closest_name(name, known);
    source.fail(section + ".plugin", "unknown " + std::string(kind_name(kind)) + " plugin '" + name + "' (known: " +
                                         known_text + ")" + (guess.empty() ? "" : "; did you mean '" + guess + "'?"));
  }
  const ParamSchema& declared = config.plugin->info->meta.params;
  const ParamSchema schema = kind == PluginKind::model ? with_io_sizes(declared) : declared;
  config.params =
      validate_params(schema, source, section, {"plugin"}, std::string(kind_name(kind)) + " plugin '" + name + "'");
  return config;
}

template <class Make>
auto construct(const ExperimentSource& source, const ComponentConfig& config, Make make) {
  try {
    return make();
  } catch (const ParamError& e) {
    source.fail(config.section + "." + e.param(), e.what());
  } catch (const std::exception& e) {
    throw PluginLoadError(std::string(kind_name(config.plugin->kind())) + " plugin '" + config.plugin->name() + "' (" +
                          config.plugin->file + ") threw while being created: " + e.what() +
                          "; this is a bug in the plugin or a setting it does not accept");
  }
}

void check_set(const SequenceSet& set, const std::string& split, const ComponentConfig& dataset) {
  const std::string who = "dataset plugin '" + dataset.plugin->name() + "'";
  if (set.inputs.dimension() != 3 || set.targets.dimension() != 3)
    throw RunError(who + " produced " + split + " data that is not (count, steps, features)");
  if (set.targets.shape()[0] != set.inputs.shape()[0])
    throw RunError(who + " produced " + std::to_string(set.inputs.shape()[0]) + " " + split + " inputs but " +
                   std::to_string(set.targets.shape()[0]) + " targets");
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
    dirs.push_back(full.string());
  }
  return dirs;
}

ResolvedExperiment resolve_experiment(std::shared_ptr<const ExperimentSource> source, const PluginRegistry& registry) {
  ResolvedExperiment experiment;
  const ExperimentSource& src = *source;
  const ParamValues top =
      validate_params(experiment_schema(), src, "",
                      {"dataset", "model", "loss", "optimizer", "training", "plugin_dirs", "sweep"}, "the experiment");
  experiment.plugin_dirs = experiment_plugin_dirs(src);
  experiment.name = top.text("name");
  if (experiment.name.empty()) experiment.name = std::filesystem::path(src.file()).stem().string();
  experiment.seed = static_cast<std::uint64_t>(top.integer("seed"));
  experiment.dataset = resolve_component(src, registry, "dataset");
  experiment.model = resolve_component(src, registry, "model");
  experiment.loss = resolve_component(src, registry, "loss");
  experiment.optimizer = resolve_component(src, registry, "optimizer");
  experiment.training = validate_params(training_schema(), src, "training", {}, "the training section");
  experiment.source = std::move(source);
  return experiment;
}

Components instantiate(const ResolvedExperiment& experiment) {
  const ExperimentSource& source = *experiment.source;
  Components c;
  // seqlab's own loops split the work across the threads and call BLAS from
  // each of them, so BLAS itself runs single-threaded: N threads in all.
  c.pool = std::make_unique<ThreadPool>(static_cast<std::size_t>(experiment.training.integer("threads")));
  set_blas_threads(1);

  Random dataset_random = Random::stream(experiment.seed, "dataset");
  auto dataset = construct(source, experiment.dataset, [&] {
    return create_dataset(*experiment.dataset.plugin, {experiment.dataset.params, dataset_random, {}, c.pool.get()});
  });
  c.data = construct(source, experiment.dataset, [&] { return dataset->load(); });
  check_set(c.data.train, "training", experiment.dataset);
  check_set(c.data.validation, "validation", experiment.dataset);
  if (c.data.train.count() == 0)
    throw RunError("dataset plugin '" + experiment.dataset.plugin->name() + "' produced no training sequences");

  const auto& in = c.data.train.inputs.shape();
  const auto& out = c.data.train.targets.shape();
  c.shape = {in[2], out[2], in[1], out[1]};
  const ParamValues& model_params = experiment.model.params;
  for (const char* io : {"input_size", "output_size"}) {
    const auto stated = model_params.integer(io);
    const std::size_t inferred = std::string(io) == "input_size" ? c.shape.input_size : c.shape.output_size;
    if (stated != 0 && static_cast<std::size_t>(stated) != inferred)
      source.fail(std::string("model.") + io, "is " + std::to_string(stated) + " but the dataset gives " +
                                                  std::to_string(inferred) + " features per step; remove it or set " +
                                                  std::to_string(inferred));
  }

  Random model_random = Random::stream(experiment.seed, "model");
  c.model = construct(source, experiment.model, [&] {
    return create_model(*experiment.model.plugin, {model_params, model_random, c.shape, c.pool.get()});
  });
  Random unused_random = Random::stream(experiment.seed, "loss");
  c.loss = construct(source, experiment.loss, [&] {
    return create_loss(*experiment.loss.plugin, {experiment.loss.params, unused_random, c.shape, c.pool.get()});
  });
  Random optimizer_random = Random::stream(experiment.seed, "optimizer");
  c.optimizer = construct(source, experiment.optimizer, [&] {
    return create_optimizer(*experiment.optimizer.plugin,
                            {experiment.optimizer.params, optimizer_random, c.shape, c.pool.get()});
  });

  // The tutorial's bug (a (N,1) output against (N,T,1) targets) is caught here, before training.
  const std::size_t predicted = c.model->output_steps(c.shape.steps);
  if (predicted != c.shape.target_steps) {
    const std::string model_path = model_params.has("head") ? "model.head" : "model.plugin";
    source.fail(model_path, "the model predicts " + std::to_string(predicted) + " step(s) per sequence but dataset '" +
                                experiment.dataset.plugin->name() + "' gives " + std::to_string(c.shape.target_steps) +
                                " target step(s) of " + std::to_string(c.shape.steps) +
                                "; make the model's head and the dataset's target agree "
                                "(e.g. model.head: sequence with dataset.target: sequence)");
  }
  // One sequence through the model proves the output shape before any epoch runs.
  Tensor3 probe_in = xt::view(c.data.train.inputs, xt::range(0, 1), xt::all(), xt::all());
  Tensor3 probe_out;
  auto probe_cache = c.model->make_cache(1, c.shape.steps);
  c.model->forward(probe_in, *probe_cache, probe_out);
  const std::array<std::size_t, 3> expected = {1, c.shape.target_steps, c.shape.output_size};
  if (probe_out.dimension() != 3 || !std::equal(expected.begin(), expected.end(), probe_out.shape().begin()))
    throw RunError("model plugin '" + experiment.model.plugin->name() +
                   "' produced an output of the wrong shape for one "
                   "sequence (expected 1 x " +
                   std::to_string(c.shape.target_steps) + " x " + std::to_string(c.shape.output_size) + ")");
  return c;
}

std::string resolved_configuration(const ResolvedExperiment& experiment) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << experiment.name;
  out << YAML::Key << "seed" << YAML::Value << experiment.seed;
  auto section = [&](const std::string& key, const std::string* plugin, const ParamValues& params) {
    out << YAML::Key << key << YAML::Value << YAML::BeginMap;
    if (plugin) out << YAML::Key << "plugin" << YAML::Value << *plugin;
    for (const auto& [name, value] : params.all()) {
      out << YAML::Key << name << YAML::Value;
      if (const auto* list = std::get_if<std::vector<double>>(&value)) {
        out << YAML::Flow << YAML::BeginSeq;
        for (double v : *list) out << format_value(v);
        out << YAML::EndSeq;
      } else {
        out << format_value(value);
      }
    }
    out << YAML::EndMap;
  };
  for (const ComponentConfig* c : {&experiment.dataset, &experiment.model, &experiment.loss, &experiment.optimizer})
    section(c->section, &c->plugin->name(), c->params);
  section("training", nullptr, experiment.training);
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

std::string resolved_yaml(const ResolvedExperiment& experiment) {
  std::string text = "# The resolved experiment: every default filled in. `seqlab run` this file to rerun it.\n";
  text += "# source: " + experiment.source->file() + "\n";
  for (const auto& o : experiment.source->overrides()) text += "# override: " + o + "\n";
  for (const auto& d : experiment.plugin_dirs) text += "# plugin folder added by the experiment: " + d + "\n";
  return text + resolved_configuration(experiment);
}

}  // namespace seqlab
