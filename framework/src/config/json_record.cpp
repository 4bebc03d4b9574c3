// Typed access to a JSON record's fields: every mismatch becomes a ConfigError at the file and the field.
// Tested in tests/runs/test_run_records.cpp
#include "config/json_record.hpp"

#include <cmath>
#include <fmt/format.h>

#include "config/config_error.hpp"
#include "util/regular_file.hpp"
#include "util/short_list.hpp"

namespace seqlab {

namespace {

// A shown value is cut to this many characters: a record's field may be megabytes long.
constexpr std::size_t kShownChars = 40;

const nlohmann::json& null_json() {
  static const nlohmann::json null;
  return null;
}

std::string shortened(const std::string& text) {
  return text.size() <= kShownChars ? text : text.substr(0, kShownChars) + "...";
}

}  // namespace

std::string describe_json(const nlohmann::json& value) {
  // dump() escapes control characters, and the replace handler keeps bad UTF-8 from throwing.
  const std::string text = shortened(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::string:
      return "text " + text;
    case nlohmann::json::value_t::boolean:
      return text;
    case nlohmann::json::value_t::array:
      return "a list " + text;
    case nlohmann::json::value_t::object:
      return "an object " + text;
    default:
      return "the number " + text;
  }
}

JsonRecord JsonRecord::read(const std::filesystem::path& file, const std::string& what) {
  auto refuse = [&](const std::string& message) {
    SourceLocation where;
    where.file = file.string();
    throw ConfigError(where, "", message + ": " + what);
  };
  std::string bytes;
  try {
    bytes = read_regular_file(file, kMaxBytes);
  } catch (const UnreadableFile& e) {
    refuse(e.problem());
  }
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(bytes);
  } catch (const nlohmann::json::exception& e) {
    refuse(std::string("is not valid JSON (") + e.what() + ")");
  }
  if (!json.is_object()) refuse("holds " + describe_json(json) + ", not a JSON object");
  auto root = std::make_shared<const nlohmann::json>(std::move(json));
  const nlohmann::json* node = root.get();
  return JsonRecord(std::move(root), node, file, "");
}

JsonRecord::JsonRecord(nlohmann::json json, std::filesystem::path file, std::string field)
    : root_(std::make_shared<const nlohmann::json>(std::move(json))),
      node_(root_.get()),
      file_(std::move(file)),
      field_(std::move(field)) {}

std::string JsonRecord::child(const std::string& key) const {
  return field_.empty() ? printable(key, kShownChars) : field_ + "." + printable(key, kShownChars);
}

void JsonRecord::fail(const std::string& message) const {
  SourceLocation where;
  where.file = file_.string();
  throw ConfigError(where, field_, message);
}

void JsonRecord::fail(const std::string& key, const std::string& message) const {
  JsonRecord(root_, &null_json(), file_, child(key)).fail(message);
}

void JsonRecord::wrong_type(const std::string& expected) const {
  fail(node_->is_null() ? "is missing; expected " + expected
                        : "is " + describe_json(*node_) + ", expected " + expected);
}

JsonRecord JsonRecord::at(const std::string& key) const {
  if (!node_->is_object()) wrong_type("an object");
  const auto found = node_->find(key);
  return JsonRecord(root_, found == node_->end() ? &null_json() : &*found, file_, child(key));
}

bool JsonRecord::has(const std::string& key) const { return !at(key).json().is_null(); }

std::string JsonRecord::text() const {
  if (!node_->is_string()) wrong_type("text");
  return node_->get<std::string>();
}

std::int64_t JsonRecord::integer(std::int64_t min, std::int64_t max) const {
  const std::string expected = fmt::format("a whole number from {} to {}", min, max);
  if (!node_->is_number_integer()) wrong_type(expected);
  if (node_->is_number_unsigned() && node_->get<std::uint64_t>() > static_cast<std::uint64_t>(max))
    wrong_type(expected);
  const std::int64_t value = node_->get<std::int64_t>();
  if (value < min || value > max) wrong_type(expected);
  return value;
}

double JsonRecord::number() const {
  if (!node_->is_number() || !std::isfinite(node_->get<double>())) wrong_type("a finite number");
  return node_->get<double>();
}

bool JsonRecord::boolean() const {
  if (!node_->is_boolean()) wrong_type("true or false");
  return node_->get<bool>();
}

std::vector<JsonRecord> JsonRecord::list() const {
  if (!node_->is_array()) wrong_type("a list");
  std::vector<JsonRecord> items;
  items.reserve(node_->size());
  for (std::size_t i = 0; i < node_->size(); ++i)
    items.push_back(JsonRecord(root_, &(*node_)[i], file_, field_ + "[" + std::to_string(i) + "]"));
  return items;
}

std::vector<std::pair<std::string, JsonRecord>> JsonRecord::members() const {
  if (!node_->is_object()) wrong_type("an object");
  std::vector<std::pair<std::string, JsonRecord>> items;
  for (auto it = node_->begin(); it != node_->end(); ++it)
    items.emplace_back(it.key(), JsonRecord(root_, &it.value(), file_, child(it.key())));
  return items;
}

std::string JsonRecord::text_or(const std::string& key, const std::string& fallback) const {
  const JsonRecord value = at(key);
  return value.json().is_null() ? fallback : value.text();
}

std::int64_t JsonRecord::integer_or(const std::string& key, std::int64_t fallback, std::int64_t min,
                                    std::int64_t max) const {
  const JsonRecord value = at(key);
  return value.json().is_null() ? fallback : value.integer(min, max);
}

}  // namespace seqlab
