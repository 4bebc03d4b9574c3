// The report page's style sheet and script, written inline into every page so it works offline.
#pragma once

namespace seqlab {

extern const char* const kReportCss;
// Sorts the table #runs by a header's column on click (numbers as numbers, blanks last; again: reversed, and
// the header's aria-sort says which), filters its rows by the text in #filter, keeps both in the URL's #fragment
// across reloads, and reloads a live page (body[data-reload] seconds) unless the filter is being typed in.
extern const char* const kReportScript;

}  // namespace seqlab
