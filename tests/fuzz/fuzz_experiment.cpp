// libFuzzer target: an experiment's YAML and overrides parsed, resolved against the real plugins and instantiated.
//
// Input format: the YAML text of an experiment file, optionally followed by a line that is exactly
//
//   #--overrides
//
// and then one command-line override (key.path=value) per line, as `seqlab validate FILE key.path=value ...`
// would take them. Empty override lines are skipped. Without that line the whole input is the YAML.
// Example (tests/fuzz/seeds/ holds more):
//
//   dataset: {plugin: sine, num_samples: 4}
//   model: {plugin: rnn}
//   loss: {plugin: mse}
//   optimizer: {plugin: adam}
//   #--overrides
//   model.hidden_size=3
//
// Each input goes through what `seqlab validate` does, without training: ExperimentSource (YAML,
// duplicate keys, overrides), resolve_experiment (schemas, defaults, plugin names), resolved_yaml and
// instantiate (plugins created, data loaded, one sequence through the model). A ConfigError,
// PluginLoadError or RunError is the refusal a bad input deserves. Any other exception leaves this
// function on purpose: the CLI would report it without a location and with exit code 1, which docs/command-line.md
// reserves for failures during a run, so it is a finding (std::terminate names its type). Crashes,
// sanitizer reports, timeouts and running out of memory are the other findings.
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

#include "config/experiment.hpp"
#include "training/components.hpp"
#include "util/run_error.hpp"

namespace {

constexpr std::string_view kSeparator = "#--overrides";

// Never freed: the plugins must stay mapped until the process ends, or the sanitizers'
// reports at exit (leaks) could not name frames inside them.
const seqlab::PluginRegistry* g_registry = nullptr;
std::string g_scratch_dir;      // one per process, so -fork/-jobs workers never share
std::string g_experiment_file;  // the YAML part of each input: ExperimentSource reads a path
std::string g_input_file;       // the whole input, for tools/fuzz to save when this process hangs for good

// In $SEQLAB_FUZZ_SCRATCH (tools/fuzz sets it), else $TMPDIR, else /dev/shm or /tmp, as seqlab-fuzz-PID-XXXXXX:
// the process id lets tools/fuzz find the input of a worker it has to kill.
void make_scratch_files() {
  std::string base = "/tmp";
  if (access("/dev/shm", W_OK) == 0) base = "/dev/shm";
  for (const char* name : {"TMPDIR", "SEQLAB_FUZZ_SCRATCH"})
    if (const char* dir = std::getenv(name); dir && *dir) base = dir;
  std::string pattern = base + "/seqlab-fuzz-" + std::to_string(getpid()) + "-XXXXXX";
  if (!mkdtemp(pattern.data())) {
    std::perror(("fuzz_experiment: cannot create a folder under " + base).c_str());
    std::exit(1);
  }
  g_scratch_dir = pattern;
  g_experiment_file = g_scratch_dir + "/experiment.yaml";
  g_input_file = g_scratch_dir + "/input";
  std::atexit([] {
    std::remove(g_experiment_file.c_str());
    std::remove(g_input_file.c_str());
    rmdir(g_scratch_dir.c_str());
  });
}

void write_file(const std::string& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out.flush()) {
    std::cerr << "fuzz_experiment: cannot write " << path << "\n";
    std::abort();
  }
}

// The host's PluginGuard (host/plugin_guard.cpp) installs its own handlers for these signals the first
// time a plugin is loaded, once per process, and they turn a crash into exit(2) or a plain re-raise:
// ASan and libFuzzer would then neither report the crash nor save the input. Putting back the handlers
// that were there before, once the registry has loaded every plugin, undoes it for good.
void load_plugins_keeping_signal_handlers() {
  constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
  struct sigaction before[std::size(kSignals)] = {};
  for (std::size_t i = 0; i < std::size(kSignals); ++i) sigaction(kSignals[i], nullptr, &before[i]);
  try {
    g_registry = new seqlab::PluginRegistry({SEQLAB_FUZZ_PLUGIN_DIR});
  } catch (const std::exception& e) {
    std::cerr << "fuzz_experiment: cannot load the plugins of " << SEQLAB_FUZZ_PLUGIN_DIR << ": " << e.what() << "\n";
    std::exit(1);
  }
  for (std::size_t i = 0; i < std::size(kSignals); ++i) sigaction(kSignals[i], &before[i], nullptr);
}

// SEQLAB_FUZZ_VERBOSE=1 prints what became of each input: for checking seeds and replays by eye.
void report(const char* outcome, const char* detail) {
  static const bool verbose = std::getenv("SEQLAB_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::cerr << "fuzz_experiment: " << outcome << detail << "\n";
}

struct Input {
  std::string yaml;
  std::vector<std::string> overrides;
};

Input split_input(std::string_view data) {
  Input input;
  std::size_t start = 0;
  while (start <= data.size()) {
    std::size_t end = data.find('\n', start);
    if (end == std::string_view::npos) end = data.size();
    if (data.substr(start, end - start) == kSeparator) {
      input.yaml = data.substr(0, start);
      for (std::size_t at = end + 1; at < data.size();) {
        std::size_t stop = data.find('\n', at);
        if (stop == std::string_view::npos) stop = data.size();
        if (stop > at) input.overrides.emplace_back(data.substr(at, stop - at));
        at = stop + 1;
      }
      return input;
    }
    start = end + 1;
  }
  input.yaml = data;
  return input;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Only this build's plugins: a folder from the environment could hold plugins the loader refuses.
  unsetenv("SEQLAB_PLUGIN_PATH");
  load_plugins_keeping_signal_handlers();
  make_scratch_files();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  write_file(g_input_file, raw);
  const Input input = split_input(raw);
  write_file(g_experiment_file, input.yaml);
  try {
    auto source = std::make_shared<const seqlab::ExperimentSource>(g_experiment_file, input.overrides);
    const seqlab::ResolvedExperiment experiment = seqlab::resolve_experiment(source, *g_registry);
    (void)seqlab::resolved_yaml(experiment);
    const seqlab::Components components = seqlab::instantiate(experiment);
    report("accepted", "");
    // `tools/fuzz replay` sets this: each saved finding is an input seqlab must refuse, so accepting one is a
    // regression too (the fix that refused it was lost), not a pass.
    if (std::getenv("SEQLAB_FUZZ_REQUIRE_REFUSAL") != nullptr) {
      std::cerr << "fuzz_experiment: ACCEPTED an input that must be refused\n";
      std::_Exit(3);
    }
  } catch (const seqlab::ConfigError& e) {
    report("refused: ", e.what());
  } catch (const seqlab::PluginLoadError& e) {
    report("refused: ", e.what());
  } catch (const seqlab::RunError& e) {
    report("refused: ", e.what());
  }
  return 0;
}
