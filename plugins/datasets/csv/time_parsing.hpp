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

}  // namespace seqlab::csv
