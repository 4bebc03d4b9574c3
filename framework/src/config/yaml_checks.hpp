// What yaml-cpp accepts but an experiment may not: duplicate keys, alias cycles and bombs, tags, deep nesting.
#pragma once

#include <functional>
#include <string>
#include <yaml-cpp/yaml.h>

#include "config/config_error.hpp"

namespace seqlab {

// How deep an experiment's mappings and lists may nest, and how many values it
// may hold once aliases are expanded: far beyond any real experiment, far below
// what would exhaust the stack or the time a check may take.
inline constexpr int kMaxYamlDepth = 64;
inline constexpr long kMaxYamlValues = 100000;

// Where a yaml-cpp mark (0-based) is, for the error; a text source turns it into file:line:col.
using MarkLocator = std::function<SourceLocation(const YAML::Mark&)>;

// Scans YAML text, before yaml-cpp parses it, for `[` and `{` nested deeper than
// kMaxYamlDepth (yaml-cpp's own parser recurses once per level and would either
// overflow the stack or report "bad file"). Throws ConfigError at the bracket.
void check_flow_nesting(const std::string& text, const MarkLocator& at);

// Refuses a second YAML document (a `---` line after the first document began, or
// content after a `...` line) with ConfigError at its first line. A text check,
// because yaml-cpp 0.7's YAML::LoadAll, which would count documents, never returns
// on some inputs (a document that starts with `,`: jbeder/yaml-cpp#1040).
void check_single_document(const std::string& text, const MarkLocator& at);

// Walks a parsed document once and throws ConfigError at the first of: a key
// given twice in one mapping (yaml-cpp keeps the first silently), an explicit
// tag (!custom, !!str: seqlab reads plain values and would ignore it), an alias
// that contains itself, nesting deeper than kMaxYamlDepth, or more than
// kMaxYamlValues values after alias expansion ("billion laughs"). `path` is the
// dotted path of `node` ("" for the root), used in the messages.
void check_yaml_tree(const YAML::Node& node, const std::string& path, const MarkLocator& at);

}  // namespace seqlab
