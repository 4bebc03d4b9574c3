// Markdown tables from parameter schemas.
// Tested in tests/cli/test_reference_command.cpp
#include "config/schema_markdown.hpp"

#include <fmt/format.h>

#include "config/param_validation.hpp"

namespace seqlab {

namespace {

std::string type_name(const ParamSpec& spec) {
  if (!spec.map_keys.empty() || !spec.words.empty()) {
    ParamSpec own = spec;
    own.map_keys.clear();
    own.words.clear();
    std::string text = type_name(own);
    for (const auto& word : spec.words) text += " or " + markdown_code(word);
    std::string keys;
    for (const auto& key : spec.map_keys) keys += (keys.empty() ? "" : ", ") + markdown_code(key);
    return keys.empty() ? text : text + ", or mapping of " + keys;
  }
  switch (spec.type) {
    case ParamType::integer:
      return "integer";
    case ParamType::real:
      return "number";
    case ParamType::boolean:
      return "boolean";
    case ParamType::text:
      return "string";
    case ParamType::choice:
      return "choice";
    case ParamType::real_list:
      return spec.list_length ? "list of " + std::to_string(spec.list_length) + " numbers" : "list of numbers";
    case ParamType::text_list:
      return "list of strings";
    case ParamType::path:
      return "file";
  }
  return "?";
}

std::string allowed(const ParamSpec& spec) {
  if (spec.type == ParamType::choice) {
    std::string out;
    for (const auto& c : spec.choices) out += (out.empty() ? "" : ", ") + markdown_code(c);
    return out;
  }
  return range_text(spec);
}

}  // namespace

std::string markdown_cell(const std::string& text) {
  std::string out;
  for (char ch : text) {
    if (ch == '|')
      out += "\\|";
    else if (ch == '\n')
      out += ' ';
    else
      out += ch;
  }
  return out;
}

std::string markdown_code(const std::string& text) { return "`" + text + "`"; }

std::string schema_table(const ParamSchema& schema, const std::map<std::string, std::string>& range_notes) {
  if (schema.empty()) return "No parameters.\n";
  std::string out = "| parameter | type | default | range / choices | help |\n|---|---|---|---|---|\n";
  for (const auto& spec : schema) {
    // An empty text default shows as "" (an empty code span would vanish).
    const std::string def = spec.default_value ? format_value(*spec.default_value) : "";
    const auto note = range_notes.find(spec.name);
    out +=
        fmt::format("| {} | {} | {} | {} | {} |\n", markdown_code(spec.name), markdown_cell(type_name(spec)),
                    spec.default_value ? markdown_cell(markdown_code(def.empty() ? "\"\"" : def)) : "required",
                    markdown_cell(note != range_notes.end() ? note->second : allowed(spec)), markdown_cell(spec.help));
  }
  return out;
}

}  // namespace seqlab
