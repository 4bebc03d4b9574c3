// Conformance: a plugin's name, summary and parameter declarations are sane before anything is created.
// Tested in tests/conformance/test_conformance.cpp
#include "conformance/kind_checks.hpp"

#include <fmt/format.h>
#include <regex>
#include <set>

#include "config/param_validation.hpp"

#include "conformance/check_kit.hpp"

namespace seqlab::conformance {

namespace {

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
    case ParamType::path:
      return std::holds_alternative<std::string>(v);
    case ParamType::text_list:
      return std::holds_alternative<std::vector<std::string>>(v);
    case ParamType::real_list:
      return std::holds_alternative<std::vector<double>>(v);
  }
  return false;
}

}  // namespace

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
  if (plugin.kind() == PluginKind::model) reserved.insert({"input_size", "output_size", "init_from"});
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

}  // namespace seqlab::conformance
