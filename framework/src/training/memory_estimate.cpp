// Summing the plugins' memory plans over the shapes the trainer will use, and reading what the process may use.
#include "training/memory_estimate.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <set>
#include <sstream>

#include "host/plugin_loader.hpp"
#include "training/training_state.hpp"

namespace seqlab {

namespace {

// seqlab's own resident memory before any data: code, libraries, the plugins, OpenBLAS's
// buffers. Measured as the peak RSS of a run with hidden size 4 and 25 sequences: 12.3 MiB.
constexpr double kProcessBytes = 12.0 * (1 << 20);
// A run holds every epoch's record (Trainer's history), and at its last checkpoint a copy of them in the
// snapshot and two in the encoded bytes (the string growing by doubling): four in all.
constexpr double kHistoryCopies = 4;

// A plan's size as a size_t for ModelShape; anything beyond 2^53 is already far beyond any memory.
std::size_t to_size(double v) {
  return v < 9007199254740992.0 ? static_cast<std::size_t>(std::max(v, 0.0)) : 1ull << 53;
}

std::string known_or(const std::optional<double>& part) { return part ? format_bytes(*part) : "unknown"; }

// The bytes of one trainer batch shape of `rows` sequences (Trainer::BatchWork): the model's
// cache, the outputs, and for training batches their gradient and, for mini-batches, the gathered rows.
// one_pass: the shape only trains, in one pass (Model::train_step), and is never evaluated.
double batch_bytes(const ModelPlan& model, const DataPlan& data, double rows, bool trains, bool gathered,
                   bool one_pass = false) {
  const double outputs = rows * data.target_steps * data.output_size * sizeof(float);
  const double per_step = one_pass && model.one_pass_bytes_per_sequence_step >= 0
                              ? model.one_pass_bytes_per_sequence_step
                              : model.bytes_per_sequence_step;
  double bytes = model.cache_bytes + per_step * rows * data.steps + outputs;
  if (trains) bytes += outputs;
  if (gathered) bytes += rows * data.steps * data.input_size * sizeof(float) + outputs;
  return bytes;
}

std::optional<double> read_number(const std::string& file) {
  std::ifstream in(file);
  std::string text;
  if (!(in >> text) || text == "max") return std::nullopt;
  try {
    return std::stod(text);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// The memory cgroup's limit left for this process (limit - usage), v2 first, then v1.
std::optional<double> cgroup_room() {
  std::ifstream cgroups("/proc/self/cgroup");
  for (std::string line; std::getline(cgroups, line);) {
    if (line.rfind("0::", 0) != 0) continue;
    const std::string dir = "/sys/fs/cgroup" + line.substr(3);
    const auto limit = read_number(dir + "/memory.max"), used = read_number(dir + "/memory.current");
    if (limit) return *limit - used.value_or(0);
  }
  const auto limit = read_number("/sys/fs/cgroup/memory/memory.limit_in_bytes");
  const auto used = read_number("/sys/fs/cgroup/memory/memory.usage_in_bytes");
  if (limit && *limit < 1e18) return *limit - used.value_or(0);  // v1 says "no limit" with a huge number
  return std::nullopt;
}

// Whether the trainer will train in one pass (Trainer::train_batch): the model's plan says it can,
// and the loss is separable. (Its instance is asked; one that cannot be made here counts as not.)
bool trains_in_one_pass(const ResolvedExperiment& e, const ModelShape& shape, const ModelPlan& plan) {
  if (plan.one_pass_bytes_per_sequence_step < 0) return false;
  try {
    Random unused(0);
    return create_loss(*e.loss.plugin, {e.loss.params, unused, shape})->separable();
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

double MemoryEstimate::total() const {
  return process + history + data.value_or(0) + model.value_or(0) + activations.value_or(0) + optimizer.value_or(0);
}

std::string MemoryEstimate::text() const {
  const std::string records = history >= (1 << 20) ? ", epoch records " + format_bytes(history) : "";
  std::string out = fmt::format("about {} (data {}, model {}, activations {}, optimizer {}{}, seqlab {})",
                                format_bytes(total()), known_or(data), known_or(model), known_or(activations),
                                known_or(optimizer), records, format_bytes(process));
  if (!unknown.empty()) {
    out += "; not counted: ";
    for (std::size_t i = 0; i < unknown.size(); ++i) out += (i ? ", " : "") + unknown[i];
    out += " (no memory plan)";
  }
  return out;
}

std::string format_bytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  std::size_t unit = 0;
  while (bytes >= 1024 && unit + 1 < std::size(units)) {
    bytes /= 1024;
    ++unit;
  }
  if (unit + 1 == std::size(units) && bytes >= 1024) return fmt::format("{:.3g} {}", bytes, units[unit]);
  return fmt::format(bytes < 10 ? "{:.2f} {}" : bytes < 100 ? "{:.1f} {}" : "{:.0f} {}", bytes, units[unit]);
}

MemoryEstimate estimate_memory(const ResolvedExperiment& e) {
  MemoryEstimate estimate;
  estimate.process = kProcessBytes;
  estimate.history = static_cast<double>(e.training.epochs) * static_cast<double>(sizeof(EpochRecord)) * kHistoryCopies;
  const std::size_t threads = e.training.threads;
  auto who = [](const ComponentConfig& c) {
    return std::string(kind_name(c.plugin->kind())) + " plugin '" + c.plugin->name() + "'";
  };
  const PluginInfo& dataset = *e.dataset.plugin->info;
  const PluginInfo& model = *e.model.plugin->info;
  const PluginInfo& optimizer = *e.optimizer.plugin->info;
  if (!dataset.plan_data) {
    estimate.unknown.push_back(who(e.dataset));
    return estimate;  // without the data's shape, neither the model nor its batches can be sized
  }
  const DataPlan data = dataset.plan_data({e.dataset.params, {}, threads});
  estimate.data = (data.train + data.validation + data.test) *
                  (data.steps * data.input_size + data.target_steps * data.output_size) * sizeof(float);
  if (!model.plan_model) {
    estimate.unknown.push_back(who(e.model));
    return estimate;
  }
  const ModelShape shape{to_size(data.input_size), to_size(data.output_size), to_size(data.steps),
                         to_size(data.target_steps)};
  const ModelPlan plan = model.plan_model({e.model.params, shape, threads});
  estimate.model = plan.fixed_bytes;

  // Trainer::work_for keeps one batch shape per distinct row count alive: the training
  // batch, a smaller last mini-batch, the validation set, the sets predicted at the end and the test set.
  const double count = data.train;
  const double batch_size = static_cast<double>(e.training.batch_size);
  const bool mini = batch_size > 0 && batch_size < count;
  const double batch = mini ? batch_size : count;
  std::set<double> evaluated = {data.validation > 0 ? data.validation : count};
  if (data.validation > 0) evaluated.insert(data.validation);
  if (data.test > 0) evaluated.insert(data.test);
  // Training batches that go through Model::train_step hold only what it needs, unless the same
  // shape is evaluated too (the training set shown at the end when there is no validation set).
  const bool one_pass = trains_in_one_pass(e, shape, plan);
  const double last = mini ? std::fmod(count, batch) : 0;
  const auto evaluated_too = [&](double rows) { return evaluated.count(rows) > 0; };
  double activations = batch_bytes(plan, data, batch, true, mini, one_pass && !evaluated_too(batch));
  if (last > 0) activations += batch_bytes(plan, data, last, true, true, one_pass && !evaluated_too(last));
  for (double rows : evaluated)
    if (rows != batch && rows != last) activations += batch_bytes(plan, data, rows, false, false);
  estimate.activations = activations;

  if (!optimizer.plan_optimizer)
    estimate.unknown.push_back(who(e.optimizer));
  else
    estimate.optimizer =
        optimizer.plan_optimizer({e.optimizer.params, shape, threads}).bytes_per_parameter * plan.parameters;
  return estimate;
}

std::optional<MemoryLimit> available_memory() {
  std::optional<MemoryLimit> limit;
  std::ifstream meminfo("/proc/meminfo");
  for (std::string line; std::getline(meminfo, line);) {
    std::istringstream fields(line);
    std::string key;
    double kib = 0;
    if (fields >> key >> kib && key == "MemAvailable:") limit = MemoryLimit{kib * 1024, "MemAvailable"};
  }
  const auto room = cgroup_room();
  if (room && (!limit || *room < limit->bytes)) limit = MemoryLimit{std::max(*room, 0.0), "its cgroup's memory limit"};
  return limit;
}

void check_memory_fits(const ResolvedExperiment& e, const MemoryEstimate& estimate) {
  const auto limit = available_memory();
  if (!limit || estimate.total() <= limit->bytes) return;
  // Point at the settings behind the largest part.
  struct Part {
    double bytes;
    const char* section;
    const char* advice;
  };
  const Part parts[] = {
      {estimate.data.value_or(0), "dataset", "make the dataset smaller (fewer or shorter sequences)"},
      {estimate.model.value_or(0), "model", "make the model smaller"},
      {estimate.activations.value_or(0), "training",
       "train in mini-batches (a smaller training.batch_size), or make the sequences shorter or the model smaller"},
      {estimate.optimizer.value_or(0), "optimizer", "make the model smaller or choose an optimizer with less state"},
      {estimate.history, "training.epochs", "train fewer epochs (each keeps a record of its losses)"},
  };
  const Part& largest = *std::max_element(std::begin(parts), std::end(parts),
                                          [](const Part& a, const Part& b) { return a.bytes < b.bytes; });
  e.source->fail(largest.section, "the run needs " + estimate.text() + ", but this process may use " +
                                      format_bytes(limit->bytes) + " (" + limit->source + "); " + largest.advice);
}

}  // namespace seqlab
