// ISO-8601 dates and times of the csv dataset's time column, as seconds since 1970-01-01 UTC.
#include "time_parsing.hpp"

#include <cctype>
#include <charconv>

#include "cells.hpp"

namespace seqlab::csv {

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil): exact, no time zone
// database, no locale, unlike mktime/timegm.
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

unsigned days_in_month(long long y, unsigned m) {
  static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[m - 1];
}

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

}  // namespace seqlab::csv
