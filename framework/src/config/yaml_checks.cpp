// The experiment's YAML, checked for what yaml-cpp lets through, in one bounded walk.
// Tested in tests/config/test_hostile_input.cpp, tests/config/test_experiment_source.cpp
#include "config/yaml_checks.hpp"

#include <map>
#include <sstream>
#include <vector>

namespace seqlab {

namespace {

class TreeCheck {
 public:
  explicit TreeCheck(const MarkLocator& at) : at_(at) {}

  void visit(const YAML::Node& node, const std::string& path) {
    if (++values_ > kMaxYamlValues)
      fail(node, path,
           "the experiment holds more than " + std::to_string(kMaxYamlValues) +
               " values once its YAML aliases (*name) are expanded; write the values out, or use fewer nested "
               "aliases");
    for (const YAML::Node& open : open_)
      if (open.is(node)) fail(node, path, "a YAML alias (*name) refers to a value that contains it; remove the alias");
    if (static_cast<int>(open_.size()) >= kMaxYamlDepth)
      fail(node, path, "nested more than " + std::to_string(kMaxYamlDepth) + " levels deep; an experiment needs a few");
    const std::string& tag = node.Tag();
    // "?": untagged; "!": quoted or the non-specific tag `!`, which both mean a plain string.
    if (!tag.empty() && tag != "?" && tag != "!")
      fail(node, path,
           "YAML tag '" + tag +
               "' is not supported; seqlab reads plain values by their parameter's type, so remove "
               "the tag");
    if (!node.IsMap() && !node.IsSequence()) return;
    open_.push_back(node);
    if (node.IsMap()) {
      std::map<std::string, YAML::Mark> seen;
      for (const auto& pair : node) {
        if (!pair.first.IsScalar()) fail(pair.first, path, "a key must be a plain name, not a list or mapping");
        const std::string key = pair.first.Scalar();
        const std::string child = path.empty() ? key : path + "." + key;
        auto [it, inserted] = seen.emplace(key, pair.first.Mark());
        if (!inserted) {
          const bool in_file = at_(it->second).override.empty();
          fail(pair.first, child,
               "duplicate key '" + key + "' (" +
                   (in_file ? "first given at line " + std::to_string(it->second.line + 1) : "given twice") +
                   "); keep only one");
        }
        visit(pair.first, child);
        visit(pair.second, child);
      }
    } else {
      for (const auto& item : node) visit(item, path);
    }
    open_.pop_back();
  }

 private:
  [[noreturn]] void fail(const YAML::Node& node, const std::string& path, const std::string& message) const {
    throw ConfigError(at_(node.Mark()), path, message);
  }

  const MarkLocator& at_;
  std::vector<YAML::Node> open_;  // the mappings and lists being walked, outermost first
  long values_ = 0;
};

}  // namespace

void check_flow_nesting(const std::string& text, const MarkLocator& at) {
  int depth = 0, line = 0, column = 0;
  char quote = 0;        // inside '...' or "..."
  bool comment = false;  // after a # that starts a comment, to the end of the line
  char previous = '\n';
  for (std::size_t i = 0; i < text.size(); ++i, ++column) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      column = -1;
      comment = false;
    } else if (comment) {
    } else if (quote) {
      if (quote == '"' && c == '\\') {
        ++i;
        ++column;
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '#' && (previous == ' ' || previous == '\t' || previous == '\n')) {
      comment = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxYamlDepth) {
        YAML::Mark mark;
        mark.line = line;
        mark.column = column;
        throw ConfigError(at(mark), "",
                          "nested more than " + std::to_string(kMaxYamlDepth) +
                              " levels deep ([ and { inside each other); an experiment needs a few");
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
    previous = c;
  }
}

void check_single_document(const std::string& text, const MarkLocator& at) {
  std::istringstream lines(text);
  bool content = false, ended = false;  // the first document has begun; a `...` ended it
  int line_number = 0;
  for (std::string line; std::getline(lines, line); ++line_number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto marker = [&](const char* m) {
      return line.compare(0, 3, m) == 0 && (line.size() == 3 || line[3] == ' ' || line[3] == '\t');
    };
    const auto first = line.find_first_not_of(" \t");
    const bool blank = first == std::string::npos || line[first] == '#';
    bool second = false;
    if (marker("---")) {
      second = content || ended;
      content = true;
    } else if (marker("...")) {
      ended = true;
    } else if (!blank) {
      second = ended;
      content = true;
    }
    if (second) {
      YAML::Mark mark;
      mark.line = line_number;
      mark.column = 0;
      throw ConfigError(at(mark), "",
                        "a second YAML document (after --- or ...); an experiment holds one, so remove the marker "
                        "or split the file");
    }
  }
}

void check_yaml_tree(const YAML::Node& node, const std::string& path, const MarkLocator& at) {
  TreeCheck(at).visit(node, path);
}

}  // namespace seqlab
