// The csv dataset's cell-level helpers: numbers, missing markers, UTF-8, and cells quoted for messages.
#include "cells.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <system_error>

namespace seqlab::csv {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

bool is_missing_marker(std::string_view cell) {
  cell = trimmed(cell);
  return cell.empty() || cell == "NA" || cell == "NaN" || cell == "nan";
}

NumberCell parse_number(std::string_view cell) {
  cell = trimmed(cell);
  if (cell.empty()) return {CellKind::missing, 0};
  // from_chars takes no leading '+', which spreadsheets write; "+-1" stays text.
  if (cell.front() == '+' && cell.size() > 1 && cell[1] != '-') cell.remove_prefix(1);
  float value = 0;
  const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
  if (ec == std::errc::invalid_argument || end != cell.data() + cell.size())
    return {is_missing_marker(cell) ? CellKind::missing : CellKind::text, 0};
  if (ec == std::errc::result_out_of_range) return {CellKind::out_of_range, 0};
  if (std::isnan(value)) return {CellKind::missing, 0};
  if (std::isinf(value)) return {CellKind::infinite, value};
  return {CellKind::number, value};
}

bool parse_double(std::string_view cell, double& value) {
  cell = trimmed(cell);
  if (!cell.empty() && cell.front() == '+') cell.remove_prefix(1);
  const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
  return ec == std::errc() && end == cell.data() + cell.size() && std::isfinite(value);
}

namespace {

// The length of the valid UTF-8 sequence starting at s[i], or 0 (overlong forms, surrogates and code points
// beyond U+10FFFF are invalid, as in RFC 3629).
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  return n;
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_sequence(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

namespace {

constexpr std::size_t kShown = 40;

// Appends cell's first ~kShown bytes to `out`, escaped; returns how many bytes of it were shown.
std::size_t append_escaped(std::string& out, std::string_view cell) {
  std::size_t i = 0;
  while (i < cell.size() && i < kShown) {
    const std::size_t n = utf8_sequence(cell, i);
    const auto c = static_cast<unsigned char>(cell[i]);
    // C1 controls (U+0080 to U+009F, 0xC2 0x80-0x9F) are escape sequences too on some terminals.
    const bool c1 = n == 2 && c == 0xC2 && static_cast<unsigned char>(cell[i + 1]) < 0xA0;
    if (n == 0 || c < 0x20 || c == 0x7F || c1) {
      const std::size_t bytes = c1 ? 2 : 1;
      for (std::size_t k = 0; k < bytes; ++k) {
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\x%02X", static_cast<unsigned char>(cell[i + k]));
        out += escaped;
      }
      i += bytes;
    } else {
      out.append(cell.substr(i, n));
      i += n;
    }
  }
  return i;
}

}  // namespace

std::string quoted_cell(std::string_view cell) {
  std::string out = "'";
  const std::size_t shown = append_escaped(out, cell);
  out += "'";
  if (shown < cell.size()) out += " (" + std::to_string(cell.size()) + " bytes; the first 40 shown)";
  return out;
}

std::string printable(std::string_view text) {
  std::string out;
  if (append_escaped(out, text) < text.size()) out += "...";
  return out;
}

}  // namespace seqlab::csv
