// ISO-8601 dates and times of the csv dataset's time column, as seconds since 1970-01-01 UTC.
#pragma once

#include <string>
#include <string_view>

namespace seqlab::csv {

// Accepts YYYY-MM-DD, YYYY-MM-DDTHH:MM, YYYY-MM-DDTHH:MM:SS (a space may replace the T; seconds may have
// a fraction), then optionally Z or an offset +HH:MM / -HH:MM. Without a zone the time is taken as UTC.
// On failure returns false and says in `why` which part is wrong (e.g. "month 13 is not in 1-12").
bool parse_iso_time(std::string_view text, double& seconds, std::string& why);

// Whether the cell looks like a date at all (starts with YYYY-MM-DD), for the header and time sniffing.
bool looks_like_date(std::string_view text);

// A time written as `format` says, in strftime's directives: %Y (year, 4 digits), %m (month), %d (day),
// %H, %M, %S (hour, minute, second; 1 or 2 digits each), %j (day of the year), %y (2-digit year, 1969-2068),
// %% (a percent sign); every other character stands for itself. Parts not given are the first (January, day 1,
// midnight). On failure returns false and says in `why` which part is wrong.
bool parse_formatted_time(std::string_view text, std::string_view format, double& seconds, std::string& why);

// Whether `format` uses only the directives parse_formatted_time knows, and at least one of them; else says why.
bool check_time_format(std::string_view format, std::string& why);

// An integer written YYYYMMDD (8 digits, a valid date from year 1000): its date in seconds since 1970.
bool parse_yyyymmdd(double number, double& seconds);

}  // namespace seqlab::csv
