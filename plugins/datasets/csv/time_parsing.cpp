// ISO-8601 dates and times of the csv dataset's time column, as seconds since 1970-01-01 UTC.
#include "time_parsing.hpp"

#include <cctype>
#include <charconv>
#include <cmath>

#include <seqlab/calendar.hpp>

#include "cells.hpp"

namespace seqlab::csv {

namespace {

using calendar::days_from_civil;
using calendar::days_in_month;

// Reads exactly `digits` decimal digits at text[at].
bool digits_at(std::string_view text, std::size_t at, std::size_t digits, unsigned& value) {
  if (at + digits > text.size()) return false;
  for (std::size_t i = at; i < at + digits; ++i)
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  std::from_chars(text.data() + at, text.data() + at + digits, value);
  return true;
}

bool fail(std::string& why, std::string text) {
  why = std::move(text);
  return false;
}

}  // namespace

bool looks_like_date(std::string_view text) {
  text = trimmed(text);
  unsigned v = 0;
  return digits_at(text, 0, 4, v) && text.size() >= 10 && text[4] == '-' && digits_at(text, 5, 2, v) &&
         text[7] == '-' && digits_at(text, 8, 2, v);
}

bool parse_iso_time(std::string_view text, double& seconds, std::string& why) {
  text = trimmed(text);
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!looks_like_date(text)) return fail(why, "expected a date YYYY-MM-DD");
  digits_at(text, 0, 4, year);
  digits_at(text, 5, 2, month);
  digits_at(text, 8, 2, day);
  if (month < 1 || month > 12) return fail(why, "month " + std::to_string(month) + " is not in 1-12");
  if (day < 1 || day > days_in_month(year, month))
    return fail(why, "day " + std::to_string(day) + " is not in month " + std::to_string(month) + " of " +
                         std::to_string(year));
  std::size_t at = 10;
  double fraction = 0;
  if (at < text.size() && (text[at] == 'T' || text[at] == ' ')) {
    if (!digits_at(text, at + 1, 2, hour) || at + 3 >= text.size() || text[at + 3] != ':' ||
        !digits_at(text, at + 4, 2, minute))
      return fail(why, "expected the time as HH:MM or HH:MM:SS after the date");
    at += 6;
    if (at < text.size() && text[at] == ':') {
      if (!digits_at(text, at + 1, 2, second)) return fail(why, "expected two digits of seconds after HH:MM:");
      at += 3;
      if (at < text.size() && text[at] == '.') {
        std::size_t end = at + 1;
        while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
        if (end == at + 1) return fail(why, "expected digits after the decimal point of the seconds");
        std::from_chars(text.data() + at, text.data() + end, fraction);
        at = end;
      }
    }
    if (hour > 23 || minute > 59 || second > 59) return fail(why, "the time of day is not in 00:00:00-23:59:59");
  }
  long long offset = 0;  // seconds east of UTC
  if (at < text.size() && text[at] == 'Z') {
    ++at;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    unsigned oh = 0, om = 0;
    if (!digits_at(text, at + 1, 2, oh) || at + 3 >= text.size() || text[at + 3] != ':' ||
        !digits_at(text, at + 4, 2, om) || oh > 23 || om > 59)
      return fail(why, "expected a zone offset as +HH:MM or -HH:MM");
    offset = (text[at] == '+' ? 1 : -1) * static_cast<long long>(oh * 3600 + om * 60);
    at += 6;
  }
  if (at != text.size()) return fail(why, "unexpected text after the date and time");
  const long long whole = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
  seconds = static_cast<double>(whole) + fraction;
  return true;
}

namespace {

// Reads 1 to `most` digits at text[at] (exactly `most` when `exact`).
bool number_at(std::string_view text, std::size_t& at, std::size_t most, bool exact, unsigned& value) {
  std::size_t end = at;
  while (end < text.size() && end - at < most && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
  if (end == at || (exact && end - at != most)) return false;
  std::from_chars(text.data() + at, text.data() + end, value);
  at = end;
  return true;
}

constexpr std::string_view kDirectives = "YmdHMSjy%";

}  // namespace

bool check_time_format(std::string_view format, std::string& why) {
  bool any = false;
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') continue;
    if (i + 1 == format.size() || kDirectives.find(format[i + 1]) == std::string_view::npos)
      return fail(why, "'%" + std::string(format.substr(i + 1, 1)) +
                           "' is not a directive seqlab reads; use %Y %m %d %H %M %S %j %y or %%");
    any = any || format[i + 1] != '%';
    ++i;
  }
  if (!any) return fail(why, "it has no directive (such as %Y, %m, %d)");
  return true;
}

bool parse_formatted_time(std::string_view text, std::string_view format, double& seconds, std::string& why) {
  text = trimmed(text);
  unsigned year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, yday = 0;
  std::size_t at = 0;
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%' || i + 1 == format.size() || format[i + 1] == '%') {
      if (at >= text.size() || text[at] != format[i])
        return fail(why, "expected '" + std::string(1, format[i]) + "' at character " + std::to_string(at + 1));
      ++at;
      i += format[i] == '%';
      continue;
    }
    const char d = format[++i];
    const std::size_t start = at;
    bool ok = true;
    switch (d) {
      case 'Y':
        ok = number_at(text, at, 4, true, year);
        break;
      case 'y':
        ok = number_at(text, at, 2, true, year);
        year += year < 69 ? 2000 : 1900;
        break;
      case 'm':
        ok = number_at(text, at, 2, false, month);
        break;
      case 'd':
        ok = number_at(text, at, 2, false, day);
        break;
      case 'H':
        ok = number_at(text, at, 2, false, hour);
        break;
      case 'M':
        ok = number_at(text, at, 2, false, minute);
        break;
      case 'S':
        ok = number_at(text, at, 2, false, second);
        break;
      case 'j':
        ok = number_at(text, at, 3, false, yday);
        break;
      default:
        return fail(why, "'%" + std::string(1, d) + "' is not a directive seqlab reads");
    }
    if (!ok)
      return fail(why, "expected digits for %" + std::string(1, d) + " at character " + std::to_string(start + 1));
  }
  if (at != text.size()) return fail(why, "unexpected text after character " + std::to_string(at));
  if (month < 1 || month > 12) return fail(why, "month " + std::to_string(month) + " is not in 1-12");
  if (day < 1 || day > days_in_month(year, month))
    return fail(why, "day " + std::to_string(day) + " is not in month " + std::to_string(month) + " of " +
                         std::to_string(year));
  if (hour > 23 || minute > 59 || second > 59) return fail(why, "the time of day is not in 00:00:00-23:59:59");
  long long days = days_from_civil(year, month, day);
  if (yday > 0) {
    if (yday > (calendar::is_leap(year) ? 366u : 365u))
      return fail(why, "day of the year " + std::to_string(yday) + " is not in " + std::to_string(year));
    days = days_from_civil(year, 1, 1) + yday - 1;
  }
  seconds = static_cast<double>(days * 86400 + hour * 3600 + minute * 60 + second);
  return true;
}

bool parse_yyyymmdd(double number, double& seconds) {
  if (!(number >= 10000101 && number <= 99991231) || number != std::floor(number)) return false;
  const auto n = static_cast<long long>(number);
  const auto year = n / 10000;
  const auto month = static_cast<unsigned>(n / 100 % 100), day = static_cast<unsigned>(n % 100);
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return false;
  seconds = static_cast<double>(days_from_civil(year, month, day)) * 86400;
  return true;
}

}  // namespace seqlab::csv
