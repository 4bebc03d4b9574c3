// Typed parameter schemas that plugins declare as data, and the validated values they read.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace seqlab {

// path: a file name, resolved against the experiment file's folder when relative, read with text().
enum class ParamType { integer, real, boolean, text, choice, real_list, text_list, path };

// A mapping's entries as written (`{validation: 24, test: 24}`): keys to scalar text; the plugin parses the values.
using ParamMap = std::map<std::string, std::string>;

// One parameter's value. Integers are int64, reals double, lists vectors; text, choices and paths strings; the
// mapping form of a parameter that declares map_keys a ParamMap.
using ParamValue =
    std::variant<std::int64_t, double, bool, std::string, std::vector<double>, std::vector<std::string>, ParamMap>;

// A parameter declared once, as data: parsing, validation, defaults, `seqlab
// plugins NAME` and the docs all follow from it. Build with the helpers below:
//   integer("hidden_size", 32, "units per layer").at_least(1)
struct ParamSpec {
  std::string name;
  ParamType type = ParamType::integer;
  std::optional<ParamValue> default_value;  // empty: the parameter is required
  std::optional<double> min;                // inclusive unless min_exclusive
  std::optional<double> max;                // inclusive
  bool min_exclusive = false;
  std::vector<std::string> choices;   // for ParamType::choice
  std::size_t list_length = 0;        // for real_list; 0 = any length
  std::vector<std::string> map_keys;  // non-empty: a mapping with some of these keys is accepted too (a ParamMap)
  std::vector<std::string> words;     // words accepted besides the type's values (`season: auto`), as text
  std::string help;                   // one line

  ParamSpec&& at_least(double v) && {
    min = v;
    min_exclusive = false;
    return std::move(*this);
  }
  ParamSpec&& above(double v) && {
    min = v;
    min_exclusive = true;
    return std::move(*this);
  }
  ParamSpec&& at_most(double v) && {
    max = v;
    return std::move(*this);
  }
  // Besides its own type, the parameter may be written as a mapping of some of `keys` to scalars
  // (`split: {validation: 24, test: 24}`); read it with ParamValues::is_mapping() and mapping().
  ParamSpec&& or_mapping(std::vector<std::string> keys) && {
    map_keys = std::move(keys);
    return std::move(*this);
  }
  // Besides its own type, the parameter may be this word (`integer("season", 0, ...).or_word("auto")`); read it
  // with ParamValues::is_text() and text().
  ParamSpec&& or_word(std::string word) && {
    words.push_back(std::move(word));
    return std::move(*this);
  }
  ParamSpec&& between(double lo, double hi) && {
    min = lo;
    max = hi;
    min_exclusive = false;
    return std::move(*this);
  }
};

inline ParamSpec integer(std::string name, std::optional<std::int64_t> def, std::string help) {
  ParamSpec s{std::move(name), ParamType::integer};
  if (def) s.default_value = *def;
  s.help = std::move(help);
  return s;
}
inline ParamSpec real(std::string name, std::optional<double> def, std::string help) {
  ParamSpec s{std::move(name), ParamType::real};
  if (def) s.default_value = *def;
  s.help = std::move(help);
  return s;
}
inline ParamSpec boolean(std::string name, bool def, std::string help) {
  ParamSpec s{std::move(name), ParamType::boolean};
  s.default_value = def;
  s.help = std::move(help);
  return s;
}
inline ParamSpec text(std::string name, std::optional<std::string> def, std::string help) {
  ParamSpec s{std::move(name), ParamType::text};
  if (def) s.default_value = *def;
  s.help = std::move(help);
  return s;
}
inline ParamSpec choice(std::string name, std::vector<std::string> choices, std::string def, std::string help) {
  ParamSpec s{std::move(name), ParamType::choice};
  s.choices = std::move(choices);
  s.default_value = std::move(def);
  s.help = std::move(help);
  return s;
}
inline ParamSpec real_list(std::string name, std::vector<double> def, std::size_t length, std::string help) {
  ParamSpec s{std::move(name), ParamType::real_list};
  s.default_value = std::move(def);
  s.list_length = length;
  s.help = std::move(help);
  return s;
}

// A list of strings (`columns: [temperature, 3]`); a single string is read as a list of one.
inline ParamSpec text_list(std::string name, std::vector<std::string> def, std::string help) {
  ParamSpec s{std::move(name), ParamType::text_list};
  s.default_value = std::move(def);
  s.help = std::move(help);
  return s;
}
// A file: relative names are resolved against the folder of the experiment file (command-line overrides
// too), so the value the plugin reads, and config.yaml records, is absolute. Not checked for existence.
inline ParamSpec file_path(std::string name, std::optional<std::string> def, std::string help) {
  ParamSpec s{std::move(name), ParamType::path};
  if (def) s.default_value = *def;
  s.help = std::move(help);
  return s;
}

using ParamSchema = std::vector<ParamSpec>;

// The validated values of one plugin's parameters: every declared parameter is
// present (defaults filled in) and within its range. Reading a name the plugin
// did not declare, or with the wrong type, is a programmer error.
class ParamValues {
 public:
  ParamValues() = default;
  explicit ParamValues(std::map<std::string, ParamValue> values) : values_(std::move(values)) {}

  std::int64_t integer(const std::string& name) const { return get<std::int64_t>(name); }
  double real(const std::string& name) const { return get<double>(name); }
  bool boolean(const std::string& name) const { return get<bool>(name); }
  const std::string& text(const std::string& name) const { return get<std::string>(name); }
  const std::vector<double>& real_list(const std::string& name) const { return get<std::vector<double>>(name); }
  const std::vector<std::string>& text_list(const std::string& name) const {
    return get<std::vector<std::string>>(name);
  }
  // A parameter declared with or_mapping(): whether it was written as a mapping, and its entries.
  bool is_mapping(const std::string& name) const {
    auto it = values_.find(name);
    return it != values_.end() && std::holds_alternative<ParamMap>(it->second);
  }
  const ParamMap& mapping(const std::string& name) const { return get<ParamMap>(name); }
  // Whether the value is text: for a parameter declared with or_word(), that the word was given.
  bool is_text(const std::string& name) const {
    auto it = values_.find(name);
    return it != values_.end() && std::holds_alternative<std::string>(it->second);
  }
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  const std::map<std::string, ParamValue>& all() const { return values_; }

 private:
  template <class T>
  const T& get(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end()) throw std::logic_error("parameter '" + name + "' was not declared");
    if (const T* v = std::get_if<T>(&it->second)) return *v;
    throw std::logic_error("parameter '" + name + "' read with the wrong type");
  }
  std::map<std::string, ParamValue> values_;
};

// Thrown by a plugin when validated parameters are still inconsistent with each
// other or with the data (e.g. a head that does not fit the target). The runner
// adds the YAML location of `param` and exits with code 2.
class ParamError : public std::runtime_error {
 public:
  ParamError(std::string param, const std::string& message) : std::runtime_error(message), param_(std::move(param)) {}
  const std::string& param() const { return param_; }

 private:
  std::string param_;
};

}  // namespace seqlab
