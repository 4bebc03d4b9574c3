// Schema validation: the single place where YAML values become typed plugin parameters.
// Tested in tests/config/test_experiment_source.cpp, tests/cli/test_cli_errors.cpp
#include "config/param_validation.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <limits>
#include <regex>
#include <unistd.h>

#include "util/suggest.hpp"
#include "util/utf8.hpp"

namespace seqlab {

namespace {

std::string join_path(const std::string& a, const std::string& b) { return a.empty() ? b : a + "." + b; }

std::string shown(const YAML::Node& node) {
  if (node.IsScalar()) return "'" + node.Scalar() + "'";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  return "nothing";
}

// An integer parameter without a declared maximum may be at most this: the largest
// value a plugin can cast to int safely. Plugins that need more declare at_most().
constexpr double kIntegerCeiling = std::numeric_limits<std::int32_t>::max();

enum class Parsed { ok, not_a_number, out_of_range };

Parsed parse_integer(const std::string& text, std::int64_t& out) {
  static const std::regex form(R"(^[+-]?[0-9]+$)");
  if (!std::regex_match(text, form)) return Parsed::not_a_number;
  errno = 0;
  out = std::strtoll(text.c_str(), nullptr, 10);
  return errno == ERANGE ? Parsed::out_of_range : Parsed::ok;
}

// Plugins compute in float32: a value float32 cannot hold would silently become 0 or infinity.
bool fits_float(double v) {
  return v == 0 ||
         (std::abs(v) >= std::numeric_limits<float>::min() && std::abs(v) <= std::numeric_limits<float>::max());
}

Parsed parse_real(const std::string& text, double& out) {
  if (text.empty()) return Parsed::not_a_number;
  char* end = nullptr;
  errno = 0;
  out = std::strtod(text.c_str(), &end);
  // strtod accepts "nan", "inf" and hex; a learning rate of nan is never meant.
  if (end != text.c_str() + text.size() || text.find_first_of("xXnN") != std::string::npos) return Parsed::not_a_number;
  if (errno == ERANGE || !std::isfinite(out) || !fits_float(out)) return Parsed::out_of_range;
  return Parsed::ok;
}

const std::string kFloatRange =
    fmt::format("numbers must be 0 or have a magnitude from {:g} to {:g}, the range of a float32",
                std::numeric_limits<float>::min(), std::numeric_limits<float>::max());

// The spec with the bounds validation applies: an integer without a maximum gets kIntegerCeiling.
ParamSpec bounded(const ParamSpec& spec) {
  ParamSpec copy = spec;
  if (copy.type == ParamType::integer && !copy.max) copy.max = kIntegerCeiling;
  return copy;
}

std::string with_help(const ParamSpec& spec) { return spec.help.empty() ? "" : " (" + spec.help + ")"; }

// The mapping form of a parameter declared with or_mapping(): known keys, scalar values, each key once.
ParamValue convert_mapping(const ParamSpec& spec, const YAML::Node& node, const ExperimentSource& source,
                           const std::string& path) {
  ParamMap entries;
  for (const auto& pair : node) {
    const std::string key = pair.first.IsScalar() ? pair.first.Scalar() : "";
    if (std::find(spec.map_keys.begin(), spec.map_keys.end(), key) == spec.map_keys.end()) {
      const std::string guess = closest_name(key, spec.map_keys);
      source.fail(path, "unknown key '" + key + "' in the mapping" +
                            (guess.empty() ? "" : "; did you mean '" + guess + "'?") +
                            " (known: " + join(spec.map_keys) + ")" + with_help(spec));
    }
    if (!pair.second.IsScalar() || pair.second.Scalar().empty())
      source.fail(path + "." + key, "expected a number or a date, got " + shown(pair.second) + with_help(spec));
    if (!is_valid_utf8(pair.second.Scalar()))
      source.fail(path + "." + key, "is not valid UTF-8 text; save the file as UTF-8" + with_help(spec));
    entries[key] = pair.second.Scalar();
  }
  if (entries.empty()) source.fail(path, "the mapping is empty; give some of " + join(spec.map_keys) + with_help(spec));
  return entries;
}

ParamValue convert(const ParamSpec& spec, const YAML::Node& node, const ExperimentSource& source,
                   const std::string& path) {
  auto fail = [&](const std::string& expected) -> ParamValue {
    source.fail(path, "expected " + expected + ", got " + shown(node) + with_help(spec));
  };
  if (node.IsMap() && !spec.map_keys.empty()) return convert_mapping(spec, node, source, path);
  if (node.IsScalar() && std::find(spec.words.begin(), spec.words.end(), node.Scalar()) != spec.words.end())
    return node.Scalar();
  if (spec.type == ParamType::real_list) {
    if (!node.IsSequence()) return fail(type_text(spec) + " like [0.9, 0.999]");
    std::vector<double> values;
    for (const auto& item : node) {
      double v;
      const Parsed parsed = item.IsScalar() ? parse_real(item.Scalar(), v) : Parsed::not_a_number;
      if (parsed == Parsed::out_of_range) source.fail(path, "'" + item.Scalar() + "' is out of range: " + kFloatRange);
      if (parsed != Parsed::ok) return fail(type_text(spec));
      values.push_back(v);
    }
    if (spec.list_length && values.size() != spec.list_length) return fail(type_text(spec));
    return values;
  }
  auto utf8_text = [&](const YAML::Node& scalar) {
    // It is written into config.yaml and summary.json, and may name a folder.
    if (!is_valid_utf8(scalar.Scalar()))
      source.fail(path, "is not valid UTF-8 text; save the file as UTF-8" + with_help(spec));
    return scalar.Scalar();
  };
  if (spec.type == ParamType::text_list) {
    if (node.IsScalar()) return std::vector<std::string>{utf8_text(node)};
    if (!node.IsSequence()) return fail(type_text(spec) + " like [a, b]");
    std::vector<std::string> values;
    for (const auto& item : node) {
      if (!item.IsScalar()) return fail(type_text(spec) + " like [a, b]");
      values.push_back(utf8_text(item));
    }
    return values;
  }
  if (!node.IsScalar()) return fail(type_text(spec));
  const std::string& text = node.Scalar();
  switch (spec.type) {
    case ParamType::integer: {
      std::int64_t v;
      const Parsed parsed = parse_integer(text, v);
      if (parsed == Parsed::out_of_range)
        source.fail(path, "must be " + range_text(bounded(spec)) + ", got " + text + with_help(spec));
      if (parsed != Parsed::ok)
        return fail(spec.words.empty() ? "an integer" : "an integer or " + join(spec.words, " or "));
      return v;
    }
    case ParamType::real: {
      double v;
      const Parsed parsed = parse_real(text, v);
      if (parsed == Parsed::out_of_range) source.fail(path, "'" + text + "' is out of range: " + kFloatRange);
      if (parsed != Parsed::ok) return fail("a number");
      return v;
    }
    case ParamType::boolean:
      if (text == "true" || text == "True") return true;
      if (text == "false" || text == "False") return false;
      return fail("true or false");
    case ParamType::text:
      return utf8_text(node);
    case ParamType::path: {
      // An optional path (default "") may be written empty: config.yaml writes it so.
      const auto* fallback = spec.default_value ? std::get_if<std::string>(&*spec.default_value) : nullptr;
      if (text.empty() && fallback && fallback->empty()) return std::string();
      if (text.empty()) return fail("a file name");
      // Relative to the experiment file, wherever seqlab runs from; absolute in config.yaml, so a run folder's
      // copy of the experiment finds the same file.
      const std::filesystem::path given(utf8_text(node));
      if (given.is_absolute()) return given.lexically_normal().string();
      const std::filesystem::path folder = std::filesystem::absolute(source.file()).parent_path();
      return (folder / given).lexically_normal().string();
    }
    case ParamType::choice: {
      for (const auto& c : spec.choices)
        if (c == text) return text;
      const std::string guess = closest_name(text, spec.choices);
      source.fail(path, "expected one of " + join(spec.choices, ", ") + ", got '" + text + "'" +
                            (guess.empty() ? "" : "; did you mean '" + guess + "'?"));
    }
    case ParamType::real_list:
    case ParamType::text_list:
      break;
  }
  throw std::logic_error("unhandled parameter type");
}

void check_range(const ParamSpec& spec, const ParamValue& value, const ExperimentSource& source,
                 const std::string& path) {
  double v;
  if (const auto* i = std::get_if<std::int64_t>(&value))
    v = static_cast<double>(*i);
  else if (const auto* d = std::get_if<double>(&value))
    v = *d;
  else
    return;
  const ParamSpec limits = bounded(spec);
  const bool below = limits.min && (limits.min_exclusive ? v <= *limits.min : v < *limits.min);
  const bool above = limits.max && v > *limits.max;
  // The implicit integer ceiling is mentioned only to a value that exceeds it.
  if (below || above)
    source.fail(path,
                "must be " + range_text(above ? limits : spec) + ", got " + format_value(value) + with_help(spec));
}

}  // namespace

ParamValues validate_params(const ParamSchema& schema, const ExperimentSource& source, const std::string& section_path,
                            const std::set<std::string>& reserved, const std::string& owner) {
  YAML::Node section;
  section.reset(source.root());
  for (const auto& part : split_path(section_path)) {
    YAML::Node child = section[part];
    section.reset(child);
  }
  if (section.IsDefined() && !section.IsNull() && !section.IsMap())
    source.fail(section_path, "expected a mapping of parameters, got " + shown(section));

  std::vector<std::string> known;
  for (const auto& spec : schema) known.push_back(spec.name);
  known.insert(known.end(), reserved.begin(), reserved.end());

  std::map<std::string, ParamValue> values;
  if (section.IsMap()) {
    for (const auto& pair : section) {
      const std::string key = pair.first.Scalar();
      if (reserved.count(key)) continue;
      const std::string path = join_path(section_path, key);
      const ParamSpec* spec = nullptr;
      for (const auto& s : schema)
        if (s.name == key) spec = &s;
      if (!spec) {
        const std::string guess = closest_name(key, known);
        source.fail(path, (section_path.empty() ? "unknown top-level key '" : "unknown parameter '") + key + "' for " +
                              owner + (guess.empty() ? "" : "; did you mean '" + guess + "'?") +
                              " (known: " + (known.empty() ? "none" : join(known)) + ")");
      }
      if (pair.second.IsNull()) source.fail(path, "has no value" + with_help(*spec));
      ParamValue value = convert(*spec, pair.second, source, path);
      check_range(*spec, value, source, path);
      values[key] = std::move(value);
    }
  }
  for (const auto& spec : schema) {
    if (values.count(spec.name)) continue;
    if (!spec.default_value)
      source.fail(section_path, "missing required parameter '" + spec.name + "' for " + owner + with_help(spec));
    values[spec.name] = *spec.default_value;
  }
  return ParamValues(std::move(values));
}

namespace {

// A scratch "{}" experiment file that command-line settings are applied to as overrides, so they are parsed and
// validated exactly like an experiment's.
class ScratchYaml {
 public:
  ScratchYaml() {
    std::string pattern = (std::filesystem::temp_directory_path() / "seqlab-settings-XXXXXX").string();
    const int fd = mkstemp(pattern.data());
    if (fd < 0) throw std::runtime_error("cannot create a temporary file: " + std::string(std::strerror(errno)));
    const char text[] = "{}\n";
    const bool written = ::write(fd, text, sizeof text - 1) == static_cast<ssize_t>(sizeof text - 1);
    ::close(fd);
    path_ = pattern;
    if (!written) throw std::runtime_error("cannot write " + path_);
  }
  ~ScratchYaml() { std::remove(path_.c_str()); }
  ScratchYaml(const ScratchYaml&) = delete;
  ScratchYaml& operator=(const ScratchYaml&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

ParamValues validate_settings(const ParamSchema& schema, const std::vector<std::string>& settings,
                              const std::string& owner) {
  std::vector<std::string> given = settings;
  std::set<std::string> keys;
  for (std::string& setting : given) {
    const std::size_t equals = setting.find('=');
    const std::string key = setting.substr(0, equals);
    keys.insert(key);
    // Paths are resolved against the experiment file's folder, here a temporary one: the user meant this one.
    for (const auto& spec : schema)
      if (spec.name == key && spec.type == ParamType::path && equals != std::string::npos) {
        const std::string value = setting.substr(equals + 1);
        if (!value.empty() && std::filesystem::path(value).is_relative())
          setting = key + "=" + (std::filesystem::current_path() / value).lexically_normal().string();
      }
  }
  for (const auto& spec : schema)
    if (!spec.default_value && !keys.count(spec.name))
      throw ConfigError({"command line"}, "",
                        "missing required parameter '" + spec.name + "' for " + owner + "; give it as " + spec.name +
                            "=VALUE" + with_help(spec));
  if (given.empty()) return default_params(schema);
  ScratchYaml scratch;
  return validate_params(schema, ExperimentSource(scratch.path(), given), "", {}, owner);
}

ParamValues default_params(const ParamSchema& schema) {
  std::map<std::string, ParamValue> values;
  for (const auto& spec : schema) {
    if (!spec.default_value) throw std::logic_error("parameter '" + spec.name + "' has no default");
    values[spec.name] = *spec.default_value;
  }
  return ParamValues(std::move(values));
}

std::string format_value(const ParamValue& value) {
  struct Formatter {
    std::string operator()(std::int64_t v) const { return std::to_string(v); }
    std::string operator()(double v) const {
      std::string s = fmt::format("{}", v);  // shortest text that reads back as the same double
      return s;
    }
    std::string operator()(bool v) const { return v ? "true" : "false"; }
    std::string operator()(const std::string& v) const { return v; }
    std::string operator()(const std::vector<double>& v) const {
      std::string s = "[";
      for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + (*this)(v[i]);
      return s + "]";
    }
    std::string operator()(const std::vector<std::string>& v) const {
      std::string s = "[";
      for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
      return s + "]";
    }
    std::string operator()(const ParamMap& v) const {
      std::string s;
      for (const auto& [key, text] : v) s += (s.empty() ? "{" : ", ") + key + ": " + text;
      return s.empty() ? "{}" : s + "}";
    }
  };
  return std::visit(Formatter{}, value);
}

std::string type_text(const ParamSpec& spec) {
  if (!spec.map_keys.empty() || !spec.words.empty()) {
    ParamSpec own = spec;
    own.map_keys.clear();
    own.words.clear();
    std::string text = type_text(own);
    for (const auto& word : spec.words) text += " or " + word;
    if (!spec.map_keys.empty()) text += " or a mapping of some of " + join(spec.map_keys);
    return text;
  }
  switch (spec.type) {
    case ParamType::integer:
      return "an integer";
    case ParamType::real:
      return "a number";
    case ParamType::boolean:
      return "true or false";
    case ParamType::text:
      return "a string";
    case ParamType::choice:
      return "one of " + join(spec.choices, "|");
    case ParamType::real_list:
      return spec.list_length ? "a list of " + std::to_string(spec.list_length) + " numbers" : "a list of numbers";
    case ParamType::text_list:
      return "a list of strings";
    case ParamType::path:
      return "a file name";
  }
  return "?";
}

std::string range_text(const ParamSpec& spec) {
  auto num = [](double v) { return fmt::format("{}", v); };
  if (spec.min && spec.max) {
    if (spec.min_exclusive) return "in (" + num(*spec.min) + ", " + num(*spec.max) + "]";
    return "in [" + num(*spec.min) + ", " + num(*spec.max) + "]";
  }
  if (spec.min) return (spec.min_exclusive ? "> " : ">= ") + num(*spec.min);
  if (spec.max) return "<= " + num(*spec.max);
  return "";
}

}  // namespace seqlab
