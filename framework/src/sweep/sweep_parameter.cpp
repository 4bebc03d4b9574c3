// Parsing one swept setting: its value forms, and the per-plugin parameter sets of a `<section>.plugin` key.
// Tested in tests/sweep/test_conditional_sweep.cpp, tests/sweep/test_sweep_string_values.cpp
#include "sweep/sweep_parameter.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fmt/format.h>
#include <regex>

#include "util/suggest.hpp"

namespace seqlab {

namespace {

constexpr std::size_t kMaxRangeValues = 10000;
const std::string kPluginKey = "plugin";

// Positions inside the sweep section; an override that set the section wins, as in locate().
SourceLocation at(const ExperimentSource& source, const YAML::Mark& mark) {
  const SourceLocation section = source.locate("sweep.parameters");
  if (!section.override.empty()) return section;
  if (mark.line < 0) return {source.file()};
  return {source.file(), mark.line + 1, mark.column + 1};
}

// Whether `text`, written bare, reads back as exactly this string wherever a value may stand, a flow list
// included: words of letters, digits and _ . + - / between single spaces, not starting like a list item
// ("- "), a document marker ("---", "...") or a null. Anything else (quotes, ':', '#', ',', brackets, edge
// spaces, control characters, non-ASCII) is written double-quoted.
bool reads_back_plain(const std::string& text) {
  static const std::regex words(R"(^[A-Za-z0-9_.+/-]+( [A-Za-z0-9_.+/-]+)*$)");
  if (!std::regex_match(text, words)) return false;
  if (text.rfind("- ", 0) == 0 || text == "-" || text.rfind("---", 0) == 0 || text.rfind("...", 0) == 0) return false;
  return text != "null" && text != "Null" && text != "NULL";
}

// A YAML double-quoted scalar holding exactly `text`: \ and " escaped, control characters as escapes.
std::string double_quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\')
      out += std::string("\\") + c;
    else if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (c == '\r')
      out += "\\r";
    else if (byte < 0x20 || byte == 0x7F)
      out += fmt::format("\\x{:02x}", byte);
    else
      out += c;
  }
  return out + "\"";
}

// A swept value as the YAML text of a trial's `path=value` override, which reads back as the very value the
// sweep section holds: a string is never re-read as YAML (`';x('` stays `';x('`, not `;x(`; `a: b` stays a
// string, not a mapping). Ordinary values (numbers, names, paths) are written bare, as before.
std::string value_text(const YAML::Node& node) {
  if (node.IsScalar()) return reads_back_plain(node.Scalar()) ? node.Scalar() : double_quoted(node.Scalar());
  if (!node.IsDefined() || node.IsNull()) return "null";
  std::string out;
  for (const auto& entry : node) {
    out += out.empty() ? "" : ", ";
    out += node.IsMap() ? value_text(entry.first) + ": " + value_text(entry.second) : value_text(entry);
  }
  return node.IsMap() ? "{" + out + "}" : "[" + out + "]";
}

bool is_integer_text(const std::string& text) {
  static const std::regex form(R"(^[+-]?[0-9]+$)");
  return std::regex_match(text, form);
}

bool number_of(const YAML::Node& node, double& out) {
  if (!node.IsScalar()) return false;
  const std::string& text = node.Scalar();
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return !text.empty() && end == text.c_str() + text.size() && std::isfinite(out);
}

// Decimal places a number written as `text` has: "0.001" 3, "1.5e-3" 4, "50" and "2e2" 0.
int decimals_of(const std::string& text) {
  const std::size_t e = text.find_first_of("eE");
  const std::string mantissa = text.substr(0, e);
  const std::size_t dot = mantissa.find('.');
  const int places = dot == std::string::npos ? 0 : static_cast<int>(mantissa.size() - dot - 1);
  const int exponent = e == std::string::npos ? 0 : std::atoi(text.c_str() + e + 1);
  return std::max(0, places - exponent);
}

// A range's value rounded to the precision its start and step were written with, so that
// start + i * step reads 0.009, not 0.009000000000000001.
std::string format_range_value(double v, int decimals) {
  std::string text = fmt::format("{:.{}f}", v, decimals);
  if (text.find('.') != std::string::npos) {
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') text.pop_back();
  }
  return text == "-0" ? "0" : text;
}

bool is_setting_path(const std::string& text) {
  static const std::regex form(R"(^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$)");
  return std::regex_match(text, form);
}

// `<section>.plugin` -> `<section>`, else "".
std::string plugin_section(const std::string& path) {
  const std::string suffix = "." + kPluginKey;
  if (path.size() <= suffix.size() || path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0) return "";
  return path.substr(0, path.size() - suffix.size());
}

// Meant as per-plugin parameter sets: an empty mapping, or one with a mapping or nothing as a value
// (`adam: {lr: [0.01]}`, `adam: {}`, `adam:`); the other forms map their one key to a list.
bool looks_per_choice(const YAML::Node& value) {
  if (!value.IsMap()) return false;
  if (value.size() == 0) return true;
  for (const auto& entry : value)
    if (entry.second.IsMap() || entry.second.IsNull()) return true;
  return false;
}

// Parses one parameter; `where` is its path in the experiment, for messages ("sweep.parameters.optimizer.lr").
class ParameterParser {
 public:
  ParameterParser(const ExperimentSource& source, const std::string& method) : source_(source), method_(method) {}

  SweepParameter parse(const std::string& path, const std::string& where, const YAML::Node& key,
                       const YAML::Node& value) const {
    SweepParameter p;
    p.path = path;
    p.key_at = at(source_, key.Mark());
    p.spec_at = at(source_, value.Mark());
    auto fail_at = [&](const SourceLocation& loc, const std::string& message) {
      throw ConfigError(loc, where, message);
    };
    if (!is_setting_path(p.path)) fail_at(p.key_at, "expected a dotted setting path such as model.hidden_size");
    if (p.path == "seed")
      fail_at(p.key_at, "the seed is not swept: sweep.repeats runs each configuration with seed, seed+1, ...");
    if (p.path == "sweep" || p.path.rfind("sweep.", 0) == 0 || p.path == "name")
      fail_at(p.key_at, "'" + p.path + "' cannot be swept");

    if (value.IsSequence()) {
      if (value.size() == 0) fail_at(p.spec_at, "the list is empty; give at least one value");
      for (const auto& item : value) {
        if (item.IsNull()) fail_at(at(source_, item.Mark()), "a value in the list is empty");
        p.values.push_back(value_text(item));
        p.value_at.push_back(at(source_, item.Mark()));
      }
      return p;
    }
    const std::string section = plugin_section(p.path);
    if (!section.empty() && looks_per_choice(value)) {
      parse_per_choice(p, section, where, value);
      return p;
    }
    const std::string forms =
        "expected a list of values, {range: [start, stop, step]} or {loguniform: [low, high]}" +
        std::string(section.empty() ? ""
                                    : ", or one set of parameters per plugin, e.g. {adam: {lr: [0.01, 0.001]}, "
                                      "sgd: {lr: [0.1], momentum: [0.0, 0.9]}}");
    if (!value.IsMap() || value.size() != 1) fail_at(p.spec_at, forms);
    const auto entry = *value.begin();
    const std::string kind = entry.first.Scalar();
    const SourceLocation kind_at = at(source_, entry.first.Mark());
    const YAML::Node args = entry.second;
    if (kind == "range") {
      parse_range(p, args, kind_at, fail_at);
      return p;
    }
    if (kind == "loguniform") {
      parse_loguniform(p, args, kind_at, fail_at);
      return p;
    }
    const std::vector<std::string> kinds = {"range", "loguniform"};
    const std::string guess = closest_name(kind, kinds);
    fail_at(kind_at, "unknown value form '" + kind + "'" + (guess.empty() ? "" : "; did you mean '" + guess + "'?") +
                         " (" + forms + ")");
    return p;
  }

 private:
  template <typename Fail>
  void parse_range(SweepParameter& p, const YAML::Node& args, const SourceLocation& kind_at, Fail fail_at) const {
    double start, stop, step;
    if (!args.IsSequence() || args.size() != 3 || !number_of(args[0], start) || !number_of(args[1], stop) ||
        !number_of(args[2], step))
      fail_at(kind_at, "expected range: [start, stop, step] (stop inclusive), e.g. {range: [50, 200, 50]}");
    if (step <= 0) fail_at(at(source_, args[2].Mark()), "the range's step must be > 0, got " + args[2].Scalar());
    if (stop < start)
      fail_at(at(source_, args[1].Mark()),
              "the range's stop (" + args[1].Scalar() + ") is below its start (" + args[0].Scalar() + ")");
    if ((stop - start) / step >= kMaxRangeValues)
      fail_at(kind_at, "the range gives more than " + std::to_string(kMaxRangeValues) + " values; use a larger step");
    const bool integers =
        is_integer_text(args[0].Scalar()) && is_integer_text(args[1].Scalar()) && is_integer_text(args[2].Scalar());
    const int decimals = std::max(decimals_of(args[0].Scalar()), decimals_of(args[2].Scalar()));
    for (std::size_t i = 0;; ++i) {
      const double v = start + static_cast<double>(i) * step;
      if (v > stop + 1e-9 * step) break;
      p.values.push_back(integers ? std::to_string(static_cast<long long>(std::llround(v)))
                                  : format_range_value(v, decimals));
      p.value_at.push_back(p.spec_at);
    }
  }

  template <typename Fail>
  void parse_loguniform(SweepParameter& p, const YAML::Node& args, const SourceLocation& kind_at, Fail fail_at) const {
    double low, high;
    if (!args.IsSequence() || args.size() != 2 || !number_of(args[0], low) || !number_of(args[1], high))
      fail_at(kind_at, "expected loguniform: [low, high], e.g. {loguniform: [1e-4, 1e-1]}");
    if (low <= 0 || high <= 0)
      fail_at(at(source_, (low <= 0 ? args[0] : args[1]).Mark()),
              "loguniform bounds must be > 0, got [" + args[0].Scalar() + ", " + args[1].Scalar() + "]");
    if (high < low)
      fail_at(at(source_, args[1].Mark()),
              "loguniform's high (" + args[1].Scalar() + ") is below its low (" + args[0].Scalar() + ")");
    if (method_ == "grid")
      fail_at(kind_at,
              "loguniform is a continuous distribution that a grid cannot enumerate; use sweep.method: random, or "
              "a list or {range: [start, stop, step]}");
    p.kind = SweepParameter::Kind::loguniform;
    p.low = low;
    p.high = high;
  }

  // `<section>.plugin: {adam: {lr: [...]}, sgd: {...}}`: each key a plugin name (checked per trial,
  // like any swept value), each value that plugin's parameters, relative to the section.
  void parse_per_choice(SweepParameter& p, const std::string& section, const std::string& where,
                        const YAML::Node& value) const {
    if (value.size() == 0)
      throw ConfigError(p.spec_at, where,
                        "no plugins to choose from; give each its parameters, e.g. {adam: {lr: [0.01]}, sgd: {}}");
    for (const auto& choice : value) {
      const std::string name = value_text(choice.first);
      const SourceLocation name_at = at(source_, choice.first.Mark());
      if (!choice.first.IsScalar() || name.empty())
        throw ConfigError(name_at, where, "expected a plugin name, e.g. adam: {lr: [0.01, 0.001]}");
      if (!choice.second.IsMap() && !choice.second.IsNull())
        throw ConfigError(at(source_, choice.second.Mark()), where + "." + name,
                          "expected the parameters swept with " + name + " as a mapping, e.g. " + name +
                              ": {lr: [0.01, 0.001]} (or " + name + ": {} for none)");
      p.values.push_back(name);
      p.value_at.push_back(name_at);
      p.per_choice.emplace_back();
      for (const auto& sub : choice.second) {  // an empty choice (`adam:`) iterates over nothing
        const std::string relative = sub.first.Scalar();
        const std::string sub_where = where + "." + name + "." + relative;
        const SourceLocation sub_at = at(source_, sub.first.Mark());
        if (relative == kPluginKey || relative.rfind(kPluginKey + ".", 0) == 0)
          throw ConfigError(sub_at, sub_where,
                            "the plugin is the choice itself ('" + name + "'); list the other plugins beside it");
        if (!is_setting_path(relative))
          throw ConfigError(sub_at, sub_where,
                            "expected a setting of " + section + " relative to it, such as lr for " + section + ".lr");
        SweepParameter sub_parameter = parse(section + "." + relative, sub_where, sub.first, sub.second);
        if (sub_parameter.conditional())
          throw ConfigError(sub_at, sub_where, "per-plugin parameter sets do not nest; give a list of values");
        p.per_choice.back().push_back(std::move(sub_parameter));
      }
    }
  }

  const ExperimentSource& source_;
  const std::string& method_;
};

}  // namespace

SweepParameter parse_sweep_parameter(const ExperimentSource& source, const std::string& method, const YAML::Node& key,
                                     const YAML::Node& value) {
  return ParameterParser(source, method).parse(key.Scalar(), "sweep.parameters." + key.Scalar(), key, value);
}

}  // namespace seqlab
