// run, validate and plugins: loading, resolving, training and reporting, with exit codes.
#include "commands.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <numeric>
#include <optional>

#include "batch_split.hpp"
#include "blas_runtime.hpp"
#include "config_error.hpp"
#include "conformance.hpp"
#include "experiment.hpp"
#include "param_validation.hpp"
#include "plots.hpp"
#include "plugin_docs.hpp"
#include "progress_line.hpp"
#include "run_folder.hpp"
#include "run_record.hpp"
#include "seqlab/version.hpp"
#include "sha256.hpp"
#include "suggest.hpp"
#include "trainer.hpp"

namespace seqlab {

int report_exception() {
  try {
    throw;
  } catch (const ConfigError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  } catch (const PluginLoadError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {  // RunError and anything else: a failure during the run
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

int refuse_mpi_backend() {
  std::cerr << "error: this seqlab was built without MPI; install libopenmpi-dev and rebuild\n";
  return 2;
}

namespace {

// Runs `body`, turning the error types into messages and exit codes.
template <class Body>
int guarded(Body body) {
  try {
    return body();
  } catch (...) {
    return report_exception();
  }
}

struct Prepared {
  PluginRegistry registry;
  ResolvedExperiment experiment;
};

// Everything before training: plugins, YAML, overrides, schemas.
Prepared prepare(const RunOptions& options) {
  std::vector<std::string> overrides = options.overrides;
  if (options.threads > 0) overrides.push_back("training.threads=" + std::to_string(options.threads));
  auto source = std::make_shared<const ExperimentSource>(options.experiment, overrides);
  std::vector<std::string> dirs = options.common.plugin_dirs;
  for (const auto& dir : experiment_plugin_dirs(*source)) dirs.push_back(dir);
  Prepared p{PluginRegistry(dirs), {}};
  p.experiment = resolve_experiment(source, p.registry);
  return p;
}

nlohmann::json plugin_record(const ComponentConfig& c) {
  return {{"name", c.plugin->name()}, {"file", c.plugin->file}, {"sha256", sha256_of_file(c.plugin->file)}};
}

double median(std::vector<double> values) {
  if (values.empty()) return std::nan("");
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

nlohmann::json summarize(const ResolvedExperiment& e, const RunOptions& options, const TrainingOutcome& outcome,
                         const Components& c) {
  std::vector<double> epoch_ms;
  double train_seconds = 0;
  for (const auto& r : outcome.history) {
    epoch_ms.push_back(r.seconds * 1e3);
    train_seconds += r.seconds;
  }
  auto number = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
  std::size_t parameter_count = 0;
  for (const auto& p : c.model->parameters()) parameter_count += p.size();
  const EpochRecord last = outcome.history.empty() ? EpochRecord{} : outcome.history.back();
  nlohmann::json j;
  j["name"] = e.name;
  j["status"] = outcome.diverged ? "diverged" : "completed";
  if (outcome.diverged) j["diverged_epoch"] = outcome.diverged_epoch;
  j["seed"] = e.seed;
  j["epochs"] = outcome.history.size();
  j["final_train_loss"] = outcome.history.empty() ? nlohmann::json(nullptr) : number(last.train_loss);
  j["final_val_loss"] = outcome.history.empty() ? nlohmann::json(nullptr) : number(last.val_loss);
  double best = std::nan("");
  for (const auto& r : outcome.history)
    if (std::isfinite(r.val_loss) && !(r.val_loss >= best)) best = r.val_loss;
  j["best_val_loss"] = number(best);
  j["train_seconds"] = train_seconds;
  j["median_epoch_ms"] = number(median(epoch_ms));
  j["parameter_count"] = parameter_count;
  j["seqlab_version"] = kVersion;
  j["compiler"] = compiler_text();
  // Where the experiment and seqlab came from; null outside a git checkout.
  j["experiment_git"] = git_state(e.source->file());
  j["seqlab_git"] = git_state(SEQLAB_SOURCE_DIR);
  j["blas"] = {{"core", blas_core()}, {"threads", blas_threads()}};
  j["threads"] = e.training.integer("threads");
  j["command"] = options.command_line;
  j["experiment_file"] = e.source->file();
  j["overrides"] = e.source->overrides();
  j["plugin_dirs"] = e.plugin_dirs;
  j["plugins"] = {{"dataset", plugin_record(e.dataset)},
                  {"model", plugin_record(e.model)},
                  {"loss", plugin_record(e.loss)},
                  {"optimizer", plugin_record(e.optimizer)}};
  return j;
}

// The validation set when there is one, else the training set.
const SequenceSet& shown_set(const Components& c) {
  return c.data.validation.count() > 0 ? c.data.validation : c.data.train;
}

PredictionSeries prediction_series(const SequenceSet& set, const Tensor3& predicted) {
  PredictionSeries series;
  const std::size_t steps = set.targets.shape()[1];
  if (steps > 1) {
    // Every step predicted: show the first sequence along its steps.
    for (std::size_t t = 0; t < steps; ++t) {
      series.target.push_back(set.targets(0, t, 0));
      series.predicted.push_back(predicted(0, t, 0));
    }
    series.x_label = "step of the first sequence";
  } else {
    // One value per sequence, and the sequences start at random phases: order
    // them by target so the curve is readable.
    std::vector<std::size_t> order(set.count());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return set.targets(a, 0, 0) < set.targets(b, 0, 0); });
    for (std::size_t n : order) {
      series.target.push_back(set.targets(n, 0, 0));
      series.predicted.push_back(predicted(n, 0, 0));
    }
    series.x_label = "sequence (sorted by target)";
  }
  return series;
}

void draw_plots(const RunFolder& folder, const ResolvedExperiment& e, const TrainingOutcome& outcome,
                const SequenceSet& set, const Tensor3& predicted) {
  LossCurve curve;
  bool has_val = false;
  for (const auto& r : outcome.history) {
    curve.epochs.push_back(r.epoch);
    curve.train_loss.push_back(r.train_loss);
    curve.val_loss.push_back(r.val_loss);
    has_val = has_val || std::isfinite(r.val_loss);
  }
  if (!has_val) curve.val_loss.clear();
  const PlotOutcome loss = plot_loss(folder.path(), curve, e.name + ": loss");
  PlotOutcome prediction{true, ""};
  if (set.count() > 0)
    prediction = plot_predictions(folder.path(), prediction_series(set, predicted), e.name + ": true vs predicted");
  // Said once: both fail for the same reason when gnuplot is missing.
  if (!loss.drawn)
    std::cerr << "note: " << loss.note << "\n";
  else if (!prediction.drawn)
    std::cerr << "note: " << prediction.note << "\n";
}

// Data-parallel: the processes agree that every one of them is set up before any
// trains, so one that fails (a plugin missing on its node, an unwritable folder)
// stops them all with its error instead of leaving them waiting in the first sum.
class SetupGate {
 public:
  explicit SetupGate(BatchSplit* split) : split_(split) {}
  ~SetupGate() {
    if (!split_ || passed_) return;
    double failed = 1;  // unwinding from this process's error: tell the others
    split_->sum(&failed, 1);
  }
  SetupGate(const SetupGate&) = delete;
  SetupGate& operator=(const SetupGate&) = delete;

  // Every process is set up: training may start. Throws in every process if one was not.
  void pass() {
    if (!split_) return;
    passed_ = true;
    double failed = 0;
    split_->sum(&failed, 1);
    if (failed > 0)
      throw RunError(fmt::format("{} of the {} data-parallel processes could not set up the run (their errors are "
                                 "above); none trained",
                                 failed, split_->parts()));
  }

 private:
  BatchSplit* split_;
  bool passed_ = false;
};

}  // namespace

int run_command(const RunOptions& options, BatchSplit* split) {
  return guarded([&] {
    SetupGate gate(split);
    const bool writes = !split || split->part() == 0;  // one folder and one log per run
    Prepared p = prepare(options);
    const ResolvedExperiment& e = p.experiment;
    Components c = instantiate(e);
    std::optional<RunFolder> folder;
    if (writes) {
      folder.emplace(RunFolder::create(options.out, e.name));
      folder->write_text("config.yaml", resolved_yaml(e));
      std::cout << "seqlab " << kVersion << ": " << e.name << " -> " << folder->path();
      if (split) std::cout << fmt::format(" (data-parallel over {} processes)", split->parts());
      std::cout << "\n" << std::flush;
    }

    // Start-up: from main() to the first epoch (plugins, YAML, data, model).
    const double startup_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - options.started).count();
    const int epochs = static_cast<int>(e.training.integer("epochs"));
    const int log_every = static_cast<int>(e.training.integer("log_every"));
    ProgressLine progress(epochs);
    Trainer trainer(c, e.training, Random::stream(e.seed, "training"), split);
    gate.pass();
    TrainingOutcome outcome;
    try {
      outcome = trainer.run([&](const EpochRecord& r) {
        if (!writes) return;
        folder->append_metrics(r);
        if (log_every > 0 && (r.epoch % log_every == 0 || r.epoch == epochs)) {
          progress.clear();
          std::cout << fmt::format("Epoch [{}/{}], Loss: {:.6f}", r.epoch, epochs, r.train_loss);
          if (std::isfinite(r.val_loss)) std::cout << fmt::format(", Val Loss: {:.6f}", r.val_loss);
          std::cout << "\n" << std::flush;
        }
        progress.update(r.epoch, r.train_loss, r.seconds);
      });
    } catch (...) {
      // Only this process failed, while the others train on: they would wait for it forever.
      if (split) split->abandon(report_exception());
      throw;
    }
    progress.clear();
    if (!writes) return outcome.diverged ? 1 : 0;  // every process sees the same losses

    nlohmann::json summary = summarize(e, options, outcome, c);
    summary["startup_ms"] = startup_ms;
    if (split) summary["data_parallel_processes"] = split->parts();
    folder->write_json("summary.json", summary);
    if (outcome.diverged) {
      std::cerr << "error: diverged at epoch " << outcome.diverged_epoch
                << " (the training loss is NaN or infinite); lower optimizer.lr or check the data. "
                << "Epochs before it are in " << folder->path() << "/metrics.csv\n";
      return 1;
    }
    folder->write_weights(c.model->parameters());
    const SequenceSet& set = shown_set(c);
    const Tensor3& predicted = trainer.predict(set.inputs);
    folder->write_predictions(set.targets, predicted);
    if (options.plots) draw_plots(*folder, e, outcome, set, predicted);
    const auto& last = outcome.history.back();
    std::cout << fmt::format("done: train loss {:.6g}", last.train_loss);
    if (std::isfinite(last.val_loss)) std::cout << fmt::format(", val loss {:.6g}", last.val_loss);
    std::cout << "; run folder " << folder->path() << "\n";
    return 0;
  });
}

int validate_command(const RunOptions& options) {
  return guarded([&] {
    Prepared p = prepare(options);
    Components c = instantiate(p.experiment);
    std::size_t parameter_count = 0;
    for (const auto& param : c.model->parameters()) parameter_count += param.size();
    std::cout << options.experiment << ": ok — " << c.data.train.count() << " training and "
              << c.data.validation.count() << " validation sequences of " << c.shape.steps << " steps x "
              << c.shape.input_size << " features -> " << c.shape.target_steps << " x " << c.shape.output_size
              << " targets; model '" << p.experiment.model.plugin->name() << "' with " << parameter_count
              << " parameters\n";
    return 0;
  });
}

int plugins_command(const CommonOptions& common, const std::string& name) {
  return guarded([&] {
    PluginRegistry registry(common.plugin_dirs);
    if (name.empty()) {
      std::vector<const LoadedPlugin*> sorted;
      for (const auto& p : registry.plugins()) sorted.push_back(&p);
      std::stable_sort(sorted.begin(), sorted.end(), [](const LoadedPlugin* a, const LoadedPlugin* b) {
        return std::make_pair(a->kind(), a->name()) < std::make_pair(b->kind(), b->name());
      });
      std::cout << fmt::format("{:<10} {:<10} {}\n", "KIND", "NAME", "SUMMARY / FILE");
      for (const LoadedPlugin* p : sorted)
        std::cout << fmt::format("{:<10} {:<10} {}\n{:<21} {}\n", kind_name(p->kind()), p->name(),
                                 p->info->meta.summary, "", p->file);
      return 0;
    }
    std::vector<std::string> all_names;
    bool found = false;
    for (const auto& p : registry.plugins()) {
      all_names.push_back(p.name());
      if (p.name() != name) continue;
      found = true;
      std::cout << kind_name(p.kind()) << " plugin '" << p.name() << "': " << p.info->meta.summary << "\n"
                << "file: " << p.file << "\n";
      if (p.info->meta.params.empty()) std::cout << "no parameters\n";
      for (const auto& spec : p.info->meta.params) {
        const std::string def = spec.default_value ? "default " + format_value(*spec.default_value) : "required";
        const std::string range = range_text(spec);
        std::cout << fmt::format("  {:<14} {:<26} {:<22} {}{}\n", spec.name, type_text(spec), def,
                                 range.empty() ? "" : "(" + range + ") ", spec.help);
      }
      if (p.kind() == PluginKind::model)
        std::cout << "  (every model section also takes input_size and output_size: inferred from the "
                     "dataset, and an error if given and different)\n";
    }
    if (!found) {
      const std::string guess = closest_name(name, all_names);
      std::cerr << "error: no plugin named '" << name << "' (known: " << join(all_names) << ")"
                << (guess.empty() ? "" : "; did you mean '" + guess + "'?") << "\n";
      return 2;
    }
    return 0;
  });
}

int plugins_markdown_command(const CommonOptions& common, const std::string& file) {
  return guarded([&] {
    PluginRegistry registry(common.plugin_dirs);
    const std::string text = plugins_markdown(registry);
    if (file.empty() || file == "-") {
      std::cout << text;
      return 0;
    }
    std::ofstream out(file, std::ios::binary);
    out << text;
    if (!out.flush()) throw RunError("cannot write " + file);
    return 0;
  });
}

int check_command(const CommonOptions& common, const std::string& plugin, const std::vector<std::string>& params) {
  return guarded([&] {
    // A path names one library; anything else is a plugin name looked up like `plugins NAME`.
    const bool is_path = plugin.find('/') != std::string::npos || std::filesystem::path(plugin).extension() == ".so";
    std::vector<LoadedPlugin> targets;
    std::optional<PluginRegistry> registry;
    if (is_path) {
      if (!std::filesystem::exists(plugin)) throw PluginLoadError(plugin + ": no such file");
      targets.push_back(load_plugin_file(plugin));
    } else {
      registry.emplace(common.plugin_dirs);
      std::vector<std::string> all_names;
      for (const auto& p : registry->plugins()) {
        all_names.push_back(p.name());
        if (p.name() == plugin) targets.push_back(p);  // one per kind that has the name
      }
      if (targets.empty()) {
        const std::string guess = closest_name(plugin, all_names);
        throw PluginLoadError("no plugin named '" + plugin + "' (known: " + join(all_names) + ")" +
                              (guess.empty() ? "; to check a library file, give its path, e.g. ./my_plugin.so"
                                             : "; did you mean '" + guess + "'?"));
      }
    }
    bool passed = true;
    for (const auto& target : targets) {
      const ConformanceReport report = check_plugin(target, params);
      std::cout << format_report(report) << std::flush;
      passed = passed && report.passed();
    }
    return passed ? 0 : 1;
  });
}

}  // namespace seqlab
