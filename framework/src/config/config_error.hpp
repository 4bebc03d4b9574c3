// The one exception type for user mistakes in experiments and command lines.
#pragma once

#include <stdexcept>
#include <string>

namespace seqlab {

// Where a setting came from: a file position (1-based line and column; 0 when
// unknown) or a command-line override such as "optimizer.lr=abc".
struct SourceLocation {
  std::string file;  // the experiment file, or empty for an override
  int line = 0;
  int column = 0;
  std::string override;  // the override's text, when the setting came from the command line

  std::string describe() const {
    if (!override.empty())  // an option (--out DIR) or a key.path=value override
      return std::string(override.rfind("--", 0) == 0 ? "command line option '" : "command line override '") +
             override + "'";
    if (line == 0) return file;
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
  }
};

// A bad experiment or command line. Printed by main() as
// "<file>:<line>:<col>: error: <path>: <message>" and exits with code 2.
class ConfigError : public std::runtime_error {
 public:
  ConfigError(const SourceLocation& where, const std::string& path, const std::string& message)
      : std::runtime_error(where.describe() + ": error: " + (path.empty() ? "" : path + ": ") + message),
        where_(where),
        path_(path) {}
  const SourceLocation& where() const { return where_; }
  const std::string& path() const { return path_; }

 private:
  SourceLocation where_;
  std::string path_;
};

}  // namespace seqlab
