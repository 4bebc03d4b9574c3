// A JSON record read back from a folder (summary.json, plugins.json, data_units.json), each field's type checked.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "util/regular_file.hpp"

namespace seqlab {

// A shared run folder's records are data someone else wrote: a field of the wrong type, or out of range, is a
// ConfigError naming the file and the field ("RUN/summary.json: error: threads: is text "x", expected a whole
// number from 1 to 65536"), never a raw JSON exception or an abort. A JsonRecord is the whole file or one field
// of it; its accessors say what they need, so one reader is enough wherever the record is read.
class JsonRecord {
 public:
  // Larger records are refused unread (util/regular_file.hpp).
  static constexpr std::uint64_t kMaxBytes = kMaxRecordBytes;

  // `file` read and parsed; it must hold a JSON object. A missing, unreadable (a FIFO, a folder), oversized or
  // malformed file is refused, saying what it should be (`what`).
  static JsonRecord read(const std::filesystem::path& file, const std::string& what);
  // `json` as the field `field` of `file` ("" for the whole file).
  JsonRecord(nlohmann::json json, std::filesystem::path file, std::string field = "");

  const nlohmann::json& json() const { return *node_; }
  const std::filesystem::path& file() const { return file_; }
  const std::string& field() const { return field_; }

  // The member `key` of this object (null when it has none); refused when this is not an object.
  JsonRecord at(const std::string& key) const;
  // Whether this object has `key` with a value other than null.
  bool has(const std::string& key) const;

  // This field's value as each type; refused when it is another type, null included.
  std::string text() const;
  std::int64_t integer(std::int64_t min, std::int64_t max) const;
  double number() const;  // finite
  bool boolean() const;
  // A list's elements ("field[0]", ...), an object's members in key order ("field.key").
  std::vector<JsonRecord> list() const;
  std::vector<std::pair<std::string, JsonRecord>> members() const;

  // The member `key` as a type, required; the `_or` forms give `fallback` when it is missing or null.
  std::string text(const std::string& key) const { return at(key).text(); }
  std::string text_or(const std::string& key, const std::string& fallback) const;
  std::int64_t integer(const std::string& key, std::int64_t min, std::int64_t max) const {
    return at(key).integer(min, max);
  }
  std::int64_t integer_or(const std::string& key, std::int64_t fallback, std::int64_t min, std::int64_t max) const;
  double number(const std::string& key) const { return at(key).number(); }

  // A ConfigError at this file and field (its member `key`, when given).
  [[noreturn]] void fail(const std::string& message) const;
  [[noreturn]] void fail(const std::string& key, const std::string& message) const;

 private:
  JsonRecord(std::shared_ptr<const nlohmann::json> root, const nlohmann::json* node, std::filesystem::path file,
             std::string field)
      : root_(std::move(root)), node_(node), file_(std::move(file)), field_(std::move(field)) {}
  std::string child(const std::string& key) const;
  [[noreturn]] void wrong_type(const std::string& expected) const;

  std::shared_ptr<const nlohmann::json> root_;  // the whole file, shared by its fields' records
  const nlohmann::json* node_;                  // this field, inside root_ (or a null for a missing one)
  std::filesystem::path file_;
  std::string field_;
};

// A JSON value as a message shows it: its kind and, shortened, its text (control characters escaped).
std::string describe_json(const nlohmann::json& value);

}  // namespace seqlab
