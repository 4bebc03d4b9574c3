// `seqlab check PLUGIN [key=value...]`: the conformance suite on a plugin file or on every plugin of a name.
// Tested in tests/conformance/test_check.cpp
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "cli/subcommand.hpp"
#include "config/error_report.hpp"
#include "conformance/conformance.hpp"
#include "host/plugin_loader.hpp"
#include "util/suggest.hpp"

namespace seqlab {

namespace {

// 0 all checks pass, 1 a check fails, 2 bad usage or an unloadable plugin.
int check(const CommonOptions& common, const std::string& plugin, const std::vector<std::string>& params,
          const std::vector<std::string>& settings_given) {
  return report_errors([&] {
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
      for (const auto& p : registry->plugins()) all_names.push_back(p.name());
      // One per kind that has the name; throws if it clashes.
      for (const LoadedPlugin* p : registry->find_every_kind(plugin)) targets.push_back(*p);
      if (targets.empty()) {
        const std::string guess = closest_name(plugin, all_names);
        throw PluginLoadError("no plugin named '" + plugin + "' (known: " + join(all_names) + ")" +
                              (guess.empty() ? "; to check a library file, give its path, e.g. ./my_plugin.so"
                                             : "; did you mean '" + guess + "'?"));
      }
    }
    // --settings "num_layers=3 hidden_size=4": each a list of key=value, replacing the default list.
    std::optional<std::vector<std::vector<std::string>>> settings;
    if (!settings_given.empty()) {
      settings.emplace();
      for (const std::string& text : settings_given) {
        std::vector<std::string> words;
        std::istringstream in(text);
        for (std::string word; in >> word;) words.push_back(word);
        settings->push_back(words);
      }
    }
    bool passed = true;
    for (const auto& target : targets) {
      const ConformanceReport report = check_plugin(target, params, settings);
      std::cout << format_report(report) << std::flush;
      passed = passed && report.passed();
    }
    return passed ? 0 : 1;
  });
}

}  // namespace

Subcommand add_check_command(CLI::App& app, const Invocation&) {
  struct Options {
    CommonOptions common;
    std::string plugin;
    std::vector<std::string> params;
    std::vector<std::string> settings;
  };
  auto options = std::make_shared<Options>();
  auto* command = app.add_subcommand(
      "check",
      "run the conformance suite on a plugin: schema sanity, construction, and by kind a finite-difference gradient "
      "check of every entry of each parameter up to 4096 entries and a reported sample of larger ones, at several "
      "settings (models), descent and a state round trip (optimizers), rates and state (schedulers), determinism "
      "and shapes (datasets). Exit 0 all pass, 1 a check fails, 2 bad usage or an unloadable plugin");
  command->add_option("plugin", options->plugin, "a plugin library (path to a .so) or a plugin name")
      ->required()
      ->type_name("PLUGIN_FILE_OR_NAME");
  command
      ->add_option("params", options->params,
                   "values for the plugin's parameters (default: their defaults; required ones must be given)")
      ->type_name("key=value");
  command
      ->add_option("--settings", options->settings,
                   "check at these settings instead of the default ones (for models: as given, num_layers=2, and "
                   "batch=1, a mini-batch of one sequence); each is a quoted list of key=value added to the "
                   "parameters, \"\" for them alone; repeat the option for several")
      ->type_name("\"key=value ...\"");
  add_plugin_dir_option(*command, options->common);
  return {command, [options] { return check(options->common, options->plugin, options->params, options->settings); }};
}

}  // namespace seqlab
