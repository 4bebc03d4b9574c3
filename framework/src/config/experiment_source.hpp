// An experiment file as parsed YAML plus command-line overrides, able to say where each setting came from.
#pragma once

#include <map>
#include <string>
#include <vector>
#include <yaml-cpp/yaml.h>

#include "config/config_error.hpp"

namespace seqlab {

class ExperimentSource {
 public:
  // Parses `file` and applies `overrides` ("a.b=value", value parsed as YAML).
  // Throws ConfigError for a missing or unreadable file, a YAML syntax error, a
  // duplicate key (anywhere in the file) or a malformed override.
  ExperimentSource(const std::string& file, const std::vector<std::string>& overrides);

  // `base` with `more` overrides after its own, without reading or parsing the file again: the same
  // settings and locations as ExperimentSource(file, base's overrides + more), for a caller that
  // resolves many variants of one experiment (a sweep's trials). `base` is not changed.
  ExperimentSource(const ExperimentSource& base, const std::vector<std::string>& more);

  const YAML::Node& root() const { return root_; }
  const std::string& file() const { return file_; }
  const std::vector<std::string>& overrides() const { return overrides_; }

  // Where the setting at a dotted path ("optimizer.lr") came from: the override
  // that set it, else its position in the file; for a missing key, the nearest
  // parent's position.
  SourceLocation locate(const std::string& path) const;

  // Throws ConfigError at `path`'s location.
  [[noreturn]] void fail(const std::string& path, const std::string& message) const;

 private:
  SourceLocation at(const YAML::Mark& mark) const;
  void apply_override(const std::string& text);

  std::string file_;
  YAML::Node root_;
  // The tree as parsed, whose keys carry their file positions: root_ itself, or for a variant
  // (whose root_ is a copy, and yaml-cpp copies no positions) its base's. The two differ only
  // below an override, which locate() answers from override_of_path_ first.
  YAML::Node positions_;
  std::vector<std::string> overrides_;
  std::map<std::string, std::string> override_of_path_;  // dotted path -> override text
};

// "a.b" -> {"a", "b"}
std::vector<std::string> split_path(const std::string& path);

}  // namespace seqlab
