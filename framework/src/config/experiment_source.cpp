// Parsing experiment files, detecting duplicate keys, applying overrides and locating settings.
#include "config/experiment_source.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace seqlab {

namespace {

// yaml-cpp accepts a repeated key silently and keeps the first; a typo'd
// duplicate would then be ignored. Refuse it, anywhere in the document.
void check_duplicate_keys(const YAML::Node& node, const std::string& path, const std::string& file) {
  if (node.IsMap()) {
    std::map<std::string, YAML::Mark> seen;
    for (const auto& pair : node) {
      const std::string key = pair.first.Scalar();
      const std::string child = path.empty() ? key : path + "." + key;
      auto [it, inserted] = seen.emplace(key, pair.first.Mark());
      if (!inserted) {
        const YAML::Mark m = pair.first.Mark();
        throw ConfigError({file, m.line + 1, m.column + 1}, child,
                          "duplicate key '" + key + "' (first given at line " + std::to_string(it->second.line + 1) +
                              "); keep only one");
      }
      check_duplicate_keys(pair.second, child, file);
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) check_duplicate_keys(item, path, file);
  }
}

}  // namespace

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::stringstream ss(path);
  for (std::string part; std::getline(ss, part, '.');) parts.push_back(part);
  return parts;
}

ExperimentSource::ExperimentSource(const std::string& file, const std::vector<std::string>& overrides) : file_(file) {
  std::ifstream in(file);
  if (!in) throw ConfigError({file}, "", std::string("cannot open the experiment file: ") + std::strerror(errno));
  try {
    root_ = YAML::Load(in);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(at(e.mark), "", "YAML syntax error: " + e.msg);
  }
  if (root_.IsNull())
    throw ConfigError({file}, "",
                      "the experiment file is empty; expected a mapping with the sections "
                      "name, seed, dataset, model, loss, optimizer, training");
  if (!root_.IsMap())
    throw ConfigError(at(root_.Mark()), "",
                      "an experiment must be a mapping of sections (name:, seed:, "
                      "dataset:, model:, loss:, optimizer:, training:)");
  check_duplicate_keys(root_, "", file_);
  for (const auto& text : overrides) apply_override(text);
}

SourceLocation ExperimentSource::at(const YAML::Mark& mark) const {
  if (mark.line < 0) return {file_};
  return {file_, mark.line + 1, mark.column + 1};
}

void ExperimentSource::apply_override(const std::string& text) {
  SourceLocation where;
  where.override = text;
  static const std::regex form(R"(^([A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*)=(.*)$)");
  std::smatch m;
  if (!std::regex_match(text, m, form))
    throw ConfigError(where, "", "expected key.path=value, e.g. optimizer.lr=0.003 or seed=3");
  const std::string path = m[1];
  YAML::Node value;
  try {
    value = YAML::Load(m[3].str());
  } catch (const YAML::ParserException& e) {
    throw ConfigError(where, path, "the value is not valid YAML: " + e.msg);
  }
  if (!value.IsDefined() || value.IsNull()) throw ConfigError(where, path, "the value is empty; write key.path=value");

  const auto parts = split_path(path);
  YAML::Node node;
  node.reset(root_);  // reset(), not '=': yaml-cpp's operator= would overwrite the node's contents
  std::string walked;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    walked += (i ? "." : "") + parts[i];
    YAML::Node child = node[parts[i]];
    if (!child.IsDefined() || child.IsNull()) {
      node[parts[i]] = YAML::Node(YAML::NodeType::Map);
      child.reset(node[parts[i]]);
      override_of_path_[walked] = text;  // the override created this section: errors about it point here
    } else if (!child.IsMap()) {
      throw ConfigError(where, walked, "is not a section, so '" + path + "' cannot be set");
    }
    node.reset(child);
  }
  node[parts.back()] = value;
  overrides_.push_back(text);
  override_of_path_[path] = text;
}

SourceLocation ExperimentSource::locate(const std::string& path) const {
  // The most specific override at or above the path wins: setting model=...
  // on the command line also explains model.hidden_size.
  auto parts = split_path(path);
  for (std::size_t n = parts.size(); n > 0; --n) {
    std::string prefix;
    for (std::size_t i = 0; i < n; ++i) prefix += (i ? "." : "") + parts[i];
    auto it = override_of_path_.find(prefix);
    if (it != override_of_path_.end()) {
      SourceLocation where;
      where.override = it->second;
      return where;
    }
  }
  YAML::Node node;
  node.reset(root_);
  YAML::Mark mark = root_.Mark();
  for (const auto& part : parts) {
    if (!node.IsMap()) break;
    // Point at the key, which is where a reader looks for the setting.
    bool found = false;
    for (const auto& pair : node) {
      if (pair.first.Scalar() == part) {
        mark = pair.first.Mark();
        YAML::Node child = pair.second;
        node.reset(child);
        found = true;
        break;
      }
    }
    if (!found) break;
  }
  return at(mark);
}

void ExperimentSource::fail(const std::string& path, const std::string& message) const {
  throw ConfigError(locate(path), path, message);
}

}  // namespace seqlab
