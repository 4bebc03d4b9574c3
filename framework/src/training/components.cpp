// Creating an experiment's components, each plugin from its own stream of the seed, and proving their shapes agree.
// Tested in tests/training/test_training_options.cpp, tests/cli/test_cli_errors.cpp,
//   tests/training/test_memory_estimate.cpp
#include "training/components.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <array>
#include <new>
#include <system_error>
#include <xtensor/xview.hpp>

#include "training/blas_runtime.hpp"
#include "util/run_error.hpp"

namespace seqlab {

namespace {

// "hidden_size: 2000000000, num_layers: 2": what the user set in a section, for messages.
std::string settings_text(const ExperimentSource& source, const std::string& section) {
  std::string text;
  for (const auto& pair : source.root()[section]) {
    const std::string key = pair.first.Scalar();
    if (key == "plugin" || !pair.second.IsScalar()) continue;
    text += (text.empty() ? "" : ", ") + key + ": " + pair.second.Scalar();
  }
  return text.empty() ? "its defaults" : text;
}

template <class Make>
auto construct(const ExperimentSource& source, const ComponentConfig& config, Make make) {
  try {
    return make();
  } catch (const ParamError& e) {
    source.fail(config.section + "." + e.param(), e.what());
  } catch (const std::bad_alloc&) {
    source.fail(config.section, std::string(kind_name(config.plugin->kind())) + " plugin '" + config.plugin->name() +
                                    "' ran out of memory while being created with these settings (" +
                                    settings_text(source, config.section) + "); make them smaller");
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
  if (!set.last_rows.empty() && set.last_rows.size() != set.count())
    throw RunError(who + " gave " + std::to_string(set.last_rows.size()) + " last_rows for " +
                   std::to_string(set.count()) + " " + split + " sequences (it must give one each, or none)");
}

// Every split must fit the one model: the same steps and features as the first non-empty one.
void check_same_shape(const SequenceSet& set, const SequenceSet& first, const std::string& split,
                      const ComponentConfig& dataset) {
  if (set.count() == 0) return;
  for (int part = 0; part < 2; ++part) {
    const Tensor3& a = part ? set.targets : set.inputs;
    const Tensor3& b = part ? first.targets : first.inputs;
    if (a.shape()[1] != b.shape()[1] || a.shape()[2] != b.shape()[2])
      throw RunError(
          fmt::format("dataset plugin '{}' produced {} {} of {} steps x {} features, unlike the other "
                      "split's {} x {}",
                      dataset.plugin->name(), split, part ? "targets" : "inputs", a.shape()[1], a.shape()[2],
                      b.shape()[1], b.shape()[2]));
  }
}

// Non-finite data makes the first loss NaN with no hint of why: name the first bad value instead.
void check_finite(const SequenceSet& set, const std::string& split, const ComponentConfig& dataset,
                  const ExperimentSource& source) {
  for (const auto* part : {&set.inputs, &set.targets}) {
    const auto* bad = std::find_if(part->begin(), part->end(), [](float v) { return !std::isfinite(v); });
    if (bad == part->end()) continue;
    const std::size_t at = static_cast<std::size_t>(bad - part->begin());
    const std::size_t steps = part->shape()[1], features = part->shape()[2];
    source.fail("dataset", fmt::format("dataset plugin '{}' produced {} in the {} {} at sequence {}, step {}, feature "
                                       "{} (0-based); every value must be finite: fix or drop it in the data",
                                       dataset.plugin->name(), std::isnan(*bad) ? "a NaN" : "an infinite value", split,
                                       part == &set.inputs ? "inputs" : "targets", at / (steps * features),
                                       at / features % steps, at % features));
  }
}

// A scheduler or early stopping that watches the validation loss needs a validation split: say so
// before training rather than watch NaN for ever.
void check_validation_is_there(const ResolvedExperiment& experiment, const Components& c) {
  if (c.data.validation.count() > 0) return;
  const ExperimentSource& source = *experiment.source;
  const std::string why = "' has no validation split; give it one (e.g. dataset.split) or watch train_loss";
  if (experiment.training.early_stopping && experiment.training.early_stopping->metric == WatchedLoss::val_loss)
    source.fail("training.early_stopping.metric",
                "early stopping watches val_loss, but dataset '" + experiment.dataset.plugin->name() + why);
  if (c.scheduler && c.scheduler->metric() == "val_loss")
    source.fail(experiment.scheduler->params.has("metric") ? "scheduler.metric" : "scheduler.plugin",
                "scheduler '" + experiment.scheduler->plugin->name() + "' watches val_loss, but dataset '" +
                    experiment.dataset.plugin->name() + why);
}

}  // namespace

Components instantiate(const ResolvedExperiment& experiment, const DataDescription* units) {
  const ExperimentSource& source = *experiment.source;
  Components c;
  // Before the first allocation: a run that cannot fit is refused, not killed half way.
  c.memory = estimate_memory(experiment);
  check_memory_fits(experiment, c.memory);
  // seqlab's own loops split the work across the threads and call BLAS from
  // each of them, so BLAS itself runs single-threaded: N threads in all.
  const std::size_t threads = experiment.training.threads;
  try {
    c.pool = std::make_unique<ThreadPool>(threads);
  } catch (const std::system_error& e) {
    source.fail("training.threads", fmt::format("cannot start {} threads ({}); use fewer", threads, e.what()));
  }
  set_blas_threads(1);

  Random dataset_random = Random::stream(experiment.seed, "dataset");
  c.dataset = construct(source, experiment.dataset, [&] {
    return create_dataset(*experiment.dataset.plugin, {experiment.dataset.params, dataset_random, {}, c.pool.get()});
  });
  c.data = construct(source, experiment.dataset, [&] {
    if (units) c.dataset->use_units(*units);
    return c.dataset->load();
  });
  const std::pair<const SequenceSet*, const char*> splits[] = {
      {&c.data.train, "training"}, {&c.data.validation, "validation"}, {&c.data.test, "test"}};
  const SequenceSet* first = nullptr;  // the model's shape comes from it
  for (const auto& [set, name] : splits) {
    check_set(*set, name, experiment.dataset);
    check_finite(*set, name, experiment.dataset, source);
    if (!first && set->count() > 0) first = set;
    if (first) check_same_shape(*set, *first, name, experiment.dataset);
  }
  // eval and predict (with `units`) may bring data that is all test period.
  if (units ? !first : c.data.train.count() == 0)
    throw RunError("dataset plugin '" + experiment.dataset.plugin->name() + "' produced no " +
                   (units ? "sequences" : "training sequences"));

  const auto& in = first->inputs.shape();
  const auto& out = first->targets.shape();
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

  if (experiment.scheduler) {
    Random scheduler_random = Random::stream(experiment.seed, "scheduler");
    c.scheduler = construct(source, *experiment.scheduler, [&] {
      return create_scheduler(*experiment.scheduler->plugin,
                              {experiment.scheduler->params, scheduler_random, c.shape, c.pool.get()});
    });
  }
  if (!units) check_validation_is_there(experiment, c);  // eval and predict do not train
  // A loss is known only when an epoch ends: a scheduler that watches one cannot step per batch.
  if (c.scheduler && experiment.scheduling.step_on == StepOn::batch && !c.scheduler->metric().empty())
    source.fail("scheduler.step_on", "scheduler '" + experiment.scheduler->plugin->name() + "' watches " +
                                         c.scheduler->metric() +
                                         ", which is known only when an epoch ends, so it steps after every epoch; "
                                         "remove step_on: batch (or set step_on: epoch)");

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
  Tensor3 probe_in = xt::view(first->inputs, xt::range(0, 1), xt::all(), xt::all());
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

}  // namespace seqlab
