// Parsing experiment files (checked by yaml_checks), applying overrides and locating settings.
#include "config/experiment_source.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "config/yaml_checks.hpp"

namespace seqlab {

namespace {

// Far above any experiment (the seed's is 0.5 KiB), far below what reading would take long or exhaust memory.
constexpr std::uintmax_t kMaxExperimentBytes = 1 << 20;

// The file's text, or a ConfigError saying why it cannot be an experiment file.
std::string read_experiment_text(const std::string& file) {
  std::error_code ec;
  const auto status = std::filesystem::status(file, ec);
  if (std::filesystem::is_directory(status))
    throw ConfigError({file}, "",
                      "is a folder, not an experiment file; give a .yaml file, e.g. experiments/sine_lstm.yaml");
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status))
    throw ConfigError({file}, "", "is not a regular file (a device, pipe or socket); give a .yaml file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigError({file}, "", std::string("cannot open the experiment file: ") + std::strerror(errno));
  const auto size = std::filesystem::file_size(file, ec);
  if (!ec && size > kMaxExperimentBytes)
    throw ConfigError({file}, "",
                      "is " + std::to_string(size) + " bytes; an experiment file may have at most " +
                          std::to_string(kMaxExperimentBytes) + " (is this the right file?)");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::stringstream ss(path);
  for (std::string part; std::getline(ss, part, '.');) parts.push_back(part);
  return parts;
}

ExperimentSource::ExperimentSource(const std::string& file, const std::vector<std::string>& overrides) : file_(file) {
  const std::string text = read_experiment_text(file);
  const MarkLocator locate_mark = [this](const YAML::Mark& mark) { return at(mark); };
  check_flow_nesting(text, locate_mark);
  check_single_document(text, locate_mark);
  try {
    root_ = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(at(e.mark), "", "YAML syntax error: " + e.msg);
  }
  if (root_.IsNull()) {
    // yaml-cpp 0.7 also reads some malformed text (a lone `,`) as nothing at all.
    static const std::regex content(R"((^|\n)[ \t]*[^ \t\r\n#])");
    const bool blank = !std::regex_search(text, content) || std::regex_match(text, std::regex(R"([-.\s]*)"));
    throw ConfigError({file}, "",
                      std::string(blank ? "the experiment file is empty" : "the experiment file holds no YAML value") +
                          "; expected a mapping with the sections name, seed, dataset, model, loss, optimizer, "
                          "training");
  }
  if (!root_.IsMap())
    throw ConfigError(at(root_.Mark()), "",
                      "an experiment must be a mapping of sections (name:, seed:, "
                      "dataset:, model:, loss:, optimizer:, training:)");
  check_yaml_tree(root_, "", locate_mark);
  positions_.reset(root_);
  for (const auto& text : overrides) apply_override(text);
}

ExperimentSource::ExperimentSource(const ExperimentSource& base, const std::vector<std::string>& more)
    : file_(base.file_),
      root_(YAML::Clone(base.root_)),
      overrides_(base.overrides_),
      override_of_path_(base.override_of_path_) {
  positions_.reset(base.positions_);
  for (const auto& text : more) apply_override(text);
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
  const MarkLocator at_override = [&where](const YAML::Mark&) { return where; };
  check_flow_nesting(m[3].str(), at_override);
  check_single_document(m[3].str(), at_override);
  YAML::Node value;
  try {
    value = YAML::Load(m[3].str());
  } catch (const YAML::ParserException& e) {
    throw ConfigError(where, path, "the value is not valid YAML: " + e.msg);
  }
  check_yaml_tree(value, path, at_override);
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
  node.reset(positions_);
  YAML::Mark mark = positions_.Mark();
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
