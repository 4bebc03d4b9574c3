// The plugin conformance suite behind `seqlab check` and the conformance test: settings, dispatch by kind, report.
#include "conformance/conformance.hpp"

#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>
#include <optional>
#include <set>

#include "config/param_validation.hpp"
#include "conformance/check_kit.hpp"
#include "conformance/kind_checks.hpp"

namespace seqlab {

bool ConformanceReport::passed() const { return failures() == 0; }

std::size_t ConformanceReport::failures() const {
  return static_cast<std::size_t>(
      std::count_if(checks.begin(), checks.end(), [](const CheckResult& c) { return !c.passed; }));
}

namespace {

using namespace conformance;

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
  return validate_settings(schema, settings, std::string(kind_name(plugin.kind())) + " plugin '" + plugin.name() + "'");
}

}  // namespace

namespace {

constexpr std::size_t kBatch = 3;  // sequences per forward in the model checks, unless a setting says 1

// A model's settings to check at, on top of the given parameters: those given, two layers, one sequence.
// `batch=1` is the suite's own key (the batch size), not a parameter.
std::vector<std::vector<std::string>> default_model_settings(const LoadedPlugin& plugin) {
  std::vector<std::vector<std::string>> settings = {{}};
  for (const ParamSpec& spec : plugin.info->meta.params)
    if (spec.name == "num_layers" && spec.type == ParamType::integer) settings.push_back({"num_layers=2"});
  settings.push_back({"batch=1"});
  return settings;
}

// Checks of one kind at one setting; `settings` may hold batch=N for models.
std::vector<CheckResult> kind_checks(const LoadedPlugin& plugin, std::vector<std::string> settings) {
  std::size_t batch = kBatch;
  for (auto it = settings.begin(); it != settings.end();) {
    if (it->rfind("batch=", 0) == 0) {
      batch = static_cast<std::size_t>(std::max(1, std::atoi(it->c_str() + 6)));
      it = settings.erase(it);
    } else {
      ++it;
    }
  }
  std::string missing;
  const std::optional<ParamValues> params = resolve(plugin, settings, missing);
  if (!params)
    return {fail("construction", "cannot check: parameter " + missing +
                                     " is required; give it after the plugin, e.g. " + missing + "=VALUE")};
  std::string with = "with the defaults";
  if (!settings.empty()) {
    with = "with";
    for (const auto& s : settings) with += " " + s;
  }
  switch (plugin.kind()) {
    case PluginKind::dataset:
      return dataset_checks(plugin, *params, with);
    case PluginKind::model:
      return model_checks(plugin, *params, with, batch);
    case PluginKind::loss:
      return loss_checks(plugin, *params, with);
    case PluginKind::optimizer:
      return optimizer_checks(plugin, *params, with);
    case PluginKind::scheduler:
      return scheduler_checks(plugin, *params, with);
  }
  return {};
}

}  // namespace

ConformanceReport check_plugin(const LoadedPlugin& plugin, const std::vector<std::string>& params,
                               const std::optional<std::vector<std::vector<std::string>>>& settings) {
  ConformanceReport report;
  report.plugin = std::string(kind_name(plugin.kind())) + " plugin '" + plugin.name() + "'";
  report.file = plugin.file;
  report.checks = schema_checks(plugin);
  std::vector<std::vector<std::string>> variants = {{}};
  if (settings)
    variants = *settings;
  else if (plugin.kind() == PluginKind::model)
    variants = default_model_settings(plugin);
  for (const auto& variant : variants) {
    std::vector<std::string> all = params;
    all.insert(all.end(), variant.begin(), variant.end());
    std::vector<CheckResult> checks = kind_checks(plugin, all);
    if (variants.size() > 1) {  // say which setting each check ran at
      std::string label;
      for (const auto& v : variant) label += (label.empty() ? "" : " ") + v;
      for (CheckResult& c : checks) c.name += " [" + (label.empty() ? std::string("as given") : label) + "]";
    }
    report.checks.insert(report.checks.end(), checks.begin(), checks.end());
  }
  return report;
}

std::string format_report(const ConformanceReport& report) {
  std::string out = report.plugin + " (" + report.file + ")\n";
  std::size_t skipped = 0, warnings = 0;
  for (const auto& c : report.checks) {
    const char* mark = !c.passed ? "FAIL" : c.skipped ? "skip" : c.warning ? "warn" : "ok";
    skipped += c.skipped;
    warnings += c.warning;
    out += fmt::format("  {:<5} {}{}{}\n", mark, c.name, c.detail.empty() ? "" : ": ", c.detail);
  }
  const std::size_t failed = report.failures();
  const std::size_t passed = report.checks.size() - failed - skipped;
  if (failed)
    out += fmt::format("FAILED: {} of {} checks failed\n", failed, report.checks.size());
  else
    out += fmt::format("passed: {} checks{}{}\n", passed, skipped ? fmt::format(", {} not applicable", skipped) : "",
                       warnings ? fmt::format(", {} warning{}", warnings, warnings > 1 ? "s" : "") : "");
  return out;
}

}  // namespace seqlab
