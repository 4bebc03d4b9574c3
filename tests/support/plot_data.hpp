// Reading a plot's .dat back: its data blocks, as gnuplot's `index` counts them.
#pragma once

#include <sstream>
#include <string>
#include <vector>

namespace seqlab::test {

// The data blocks of a .dat file (separated by blank lines, '#' comments left out), each row its columns.
inline std::vector<std::vector<std::vector<std::string>>> dat_blocks(const std::string& text) {
  std::vector<std::vector<std::vector<std::string>>> out(1);
  std::istringstream lines(text);
  std::string line;
  bool blank = false;
  while (std::getline(lines, line)) {
    if (!line.empty() && line[0] == '#') continue;
    if (line.empty()) {
      blank = true;
      continue;
    }
    if (blank && !out.back().empty()) out.emplace_back();
    blank = false;
    std::istringstream cols(line);
    std::vector<std::string> row;
    for (std::string c; cols >> c;) row.push_back(c);
    out.back().push_back(row);
  }
  return out;
}

}  // namespace seqlab::test
