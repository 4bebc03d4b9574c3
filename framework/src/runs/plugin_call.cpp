// `seqlab call`: finds the plugin, validates its --set parameters, and hands it to its kind's call.
// Tested in tests/cli/test_call_command.cpp, tests/cli/call_torch_test.py
#include "runs/plugin_call.hpp"

#include <iostream>

#include "config/error_report.hpp"
#include "config/param_validation.hpp"
#include "runs/call_kinds.hpp"
#include "util/suggest.hpp"

namespace seqlab {

namespace {

constexpr PluginKind kKinds[] = {PluginKind::dataset, PluginKind::model, PluginKind::loss, PluginKind::optimizer,
                                 PluginKind::scheduler};

const LoadedPlugin& find_plugin(const PluginRegistry& registry, const std::string& name, const std::string& kind) {
  for (PluginKind k : kKinds)
    if (kind == kind_name(k)) return registry.get(k, name);
  const std::vector<const LoadedPlugin*> found = registry.find_every_kind(name);
  if (found.size() == 1) return *found.front();
  if (found.size() > 1) {
    std::vector<std::string> kinds;
    for (const LoadedPlugin* p : found) kinds.push_back(kind_name(p->kind()));
    throw PluginLoadError("'" + name + "' names plugins of several kinds (" + join(kinds) +
                          "); say which with --kind " + kinds.front());
  }
  std::vector<std::string> known;
  for (const auto& p : registry.plugins()) known.push_back(p.name());
  const std::string guess = closest_name(name, known);
  throw PluginLoadError("no plugin named '" + name + "' (known: " + join(known) + ")" +
                        (guess.empty() ? "" : "; did you mean '" + guess + "'?"));
}

}  // namespace

int call_plugin(const CallOptions& options) {
  return report_errors([&] {
    const PluginRegistry registry(options.common.plugin_dirs);
    const LoadedPlugin& plugin = find_plugin(registry, options.plugin, options.kind);
    const std::string owner = std::string(kind_name(plugin.kind())) + " plugin '" + plugin.name() + "'";
    const ParamValues params = validate_settings(plugin.info->meta.params, options.settings, owner);
    const CallInputs in(options.input);
    CallOutputs out(options.out);
    const CallContext call{options, plugin, params, in, out};
    try {
      switch (plugin.kind()) {
        case PluginKind::model:
          call_model(call);
          break;
        case PluginKind::loss:
          call_loss(call);
          break;
        case PluginKind::optimizer:
          call_optimizer(call);
          break;
        case PluginKind::scheduler:
          call_scheduler(call);
          break;
        case PluginKind::dataset:
          call_dataset(call);
          break;
      }
    } catch (const ParamError& e) {  // parameters valid one by one that the plugin refuses together, or with the data
      SourceLocation where;
      where.override = "--set " + e.param();
      throw ConfigError(where, e.param(), e.what());
    }
    std::cout << owner << ": " << out.summary();
    return 0;
  });
}

}  // namespace seqlab
