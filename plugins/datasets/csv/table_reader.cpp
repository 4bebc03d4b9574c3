// Streaming the csv dataset's file through libcsv: header detection, the choice of columns, numbers and times
// per cell, stored straight into float columns (no string is kept per cell).
#include <algorithm>
#include <cmath>
#include <csv.h>
#include <cstring>
#include <exception>
#include <limits>
#include <seqlab/params.hpp>
#include <string_view>

#include "cells.hpp"
#include "data_file.hpp"
#include "table.hpp"
#include "time_parsing.hpp"

namespace seqlab::csv {

namespace {

constexpr int kSkip = -1;  // a column nothing uses: not even parsed
constexpr int kTime = -2;

// Bounds on what the reader holds that the data does not: libcsv keeps a cell whole until it ends, and the first
// rows' cells are kept as strings until the columns are chosen. Far beyond any table of numbers.
constexpr std::size_t kMaxCellBytes = std::size_t{1} << 24;  // 16 MiB
constexpr std::size_t kMaxColumns = std::size_t{1} << 20;    // 1,048,576
constexpr const char* kLongCellMessage =
    "a cell is longer than 16 MiB; a table of numbers has none: is this the CSV file, and is every opening '\"' "
    "closed?";

// A cell that can stand in a data row: a number, a gap or a date. A first row with any other cell is a header.
bool is_data_like(std::string_view cell) { return parse_number(cell).kind != CellKind::text || looks_like_date(cell); }

class Reader {
 public:
  explicit Reader(const ReadOptions& options) : options_(options), file_(options.path) {
    table_.header.path = options.path;
  }
  ~Reader() {
    if (parser_ready_) csv_free(&parser_);
  }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  Table read() {
    const FileScan scan = scan_file(file_);
    if (scan.nul_line != 0) refuse_nul(scan.nul_line, scan.nul_column);
    reserve_ = scan.rows;  // blank lines cost nothing
    table_.delimiter = options_.delimiter == "auto" ? sniff_delimiter(scan.first_line) : options_.delimiter[0];
    file_.rewind();
    // Strict: a stray quote is refused with its line rather than guessed at.
    if (csv_init(&parser_, CSV_STRICT | CSV_STRICT_FINI) != 0) throw std::bad_alloc();
    parser_ready_ = true;
    csv_set_delim(&parser_, static_cast<unsigned char>(table_.delimiter));
    stream_lines();
    if (csv_fini(&parser_, on_cell, on_row, this) != 0 && !error_)
      fail("path", open_line_, col_,
           "the file ends inside a quoted cell: an opening '\"' in this row has no closing one");
    if (error_) std::rethrow_exception(error_);
    finish();
    return std::move(table_);
  }

 private:
  // libcsv calls back from C: no exception may cross it. The first is kept, parsing stops, read() rethrows it.
  static void on_cell(void* data, std::size_t size, void* self) {
    auto* r = static_cast<Reader*>(self);
    if (!r->error_) r->guarded([&] { r->cell(std::string_view(static_cast<const char*>(data), size)); });
  }
  static void on_row(int, void* self) {
    auto* r = static_cast<Reader*>(self);
    if (!r->error_) r->guarded([&] { r->row_end(); });
  }
  template <class F>
  void guarded(F f) {
    try {
      f();
    } catch (...) {
      error_ = std::current_exception();
    }
  }

  // Feeds the file one physical line at a time, so every callback knows its line, and '#' comment lines
  // (outside a quoted cell) never reach libcsv.
  void stream_lines() {
    std::vector<char> block(kBlockBytes);
    bool line_start = true, comment = false, first = true;
    std::size_t in_line = 0;  // bytes of the current line before p, for a NUL byte's column
    while (const std::size_t n = file_.read(block.data(), block.size())) {
      const char* p = block.data();
      // The scan found none, but the file may have changed since: libcsv never sees a NUL byte.
      const auto* nul = static_cast<const char*>(std::memchr(p, '\0', n));
      const char* const end = nul ? nul : p + n;
      if (first && n >= 3 && std::memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;  // a UTF-8 byte order mark
      first = false;
      while (p < end) {
        if (line_start && !row_open_) {  // empty lines, which libcsv ignores, skipped a byte at a time
          const char* q = p;
          for (; q < end && (*q == '\n' || (*q == '\r' && q + 1 < end && q[1] == '\n')); ++q) line_ += *q == '\n';
          p = q;
          if (p == end) break;
        }
        const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
        const char* stop = nl ? nl + 1 : end;
        if (line_start && !row_open_ && *p == '#') comment = true;
        if (!comment) feed(p, static_cast<std::size_t>(stop - p));
        if (error_) std::rethrow_exception(error_);
        line_start = nl != nullptr;
        in_line = nl ? 0 : in_line + static_cast<std::size_t>(stop - p);
        if (nl) {
          ++line_;
          comment = false;
        }
        p = stop;
      }
      if (nul) refuse_nul(line_, in_line + 1);
    }
  }

  [[noreturn]] void refuse_nul(std::size_t line, std::size_t byte) const {
    throw ParamError("path",
                     options_.path + ":" + std::to_string(line) + ":" + std::to_string(byte) + ": " + kNulByteMessage);
  }

  void feed(const char* p, std::size_t n) {
    if (!row_open_ && std::any_of(p, p + n, [](char c) { return c != ' ' && c != '\t' && c != '\r' && c != '\n'; })) {
      row_open_ = true;
      open_line_ = line_;
    }
    const std::size_t parsed = csv_parse(&parser_, p, n, on_cell, on_row, this);
    if (error_) return;
    // Fed at most a block at a time, so libcsv's buffer for the open cell stays within a block of this bound.
    if (parser_.entry_pos > kMaxCellBytes)
      throw ParamError(
          "path", options_.path + ":" + std::to_string(open_line_) + ": in the row starting here, " + kLongCellMessage);
    if (parsed == n) return;
    if (csv_error(&parser_) == CSV_EPARSE)
      fail("path", line_, col_,
           "malformed quoting: a '\"' inside a cell that does not start with one, or text after a closing '\"'; "
           "quote the whole cell and double every '\"' inside it (RFC 4180)");
    throw std::bad_alloc();
  }

  void cell(std::string_view text) {
    cell_line_ = line_ - static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    if (col_ == 0) row_line_ = cell_line_;
    const std::size_t c = col_++;
    if (text.size() > kMaxCellBytes) fail("path", cell_line_, c, kLongCellMessage);
    if (phase_ != Phase::data && c >= kMaxColumns)
      fail("path", cell_line_, c,
           "this row has more than " + std::to_string(kMaxColumns) + " cells; seqlab reads at most that many columns");
    if (phase_ != Phase::data)
      pending_.emplace_back(text);
    else if (c < slots_.size())  // extra cells are refused at the row's end
      process(c, text);
  }

  void process(std::size_t c, std::string_view text) {
    const int slot = slots_[c];
    if (slot >= 0)
      number_cell(c, text, static_cast<std::size_t>(slot));
    else if (slot == kTime)
      time_cell(c, text);
  }

  void row_end() {
    row_open_ = false;
    if (col_ == 0) return;
    if (phase_ == Phase::first_row)
      first_row_end();
    else if (phase_ == Phase::first_data)
      first_data_end();
    else
      data_row_end();
    col_ = 0;
  }

  void data_row_end() {
    check_cell_count(col_);
    table_.lines.add(table_.rows() - 1, row_line_);
  }

  void first_row_end() {
    const bool header = options_.header == "true" ||
                        (options_.header == "auto" && !std::all_of(pending_.begin(), pending_.end(), is_data_like));
    table_.header.line = row_line_;
    table_.header.columns = expected_ = pending_.size();
    if (!header) return first_data_end();
    HeaderInfo& h = table_.header;
    h.names = std::move(pending_);
    pending_.clear();
    index_names(h);  // sorted once: the check for a repeated name is O(n log n), not a pass per column
    std::size_t repeated = h.names.size(), earlier = 0;
    first_repeated_name(h, repeated, earlier);
    // The first problem reading left to right, as an editor would find it; fail() must not name the column yet.
    const auto checked = h.names.begin() + static_cast<std::ptrdiff_t>(std::min(repeated + 1, h.names.size()));
    const auto bad_utf8 =
        std::find_if(h.names.begin(), checked, [](const std::string& name) { return !is_valid_utf8(name); });
    if (bad_utf8 != checked) {
      const auto c = static_cast<std::size_t>(bad_utf8 - h.names.begin());
      const std::string cell = std::move(h.names[c]);
      h.names.clear();
      fail("path", row_line_, c,
           "the header cell " + quoted_cell(cell) +
               " is not valid UTF-8 (bytes shown as \\xNN); save the file as UTF-8");
    }
    if (repeated < h.names.size()) {
      const std::string name = h.names[repeated];
      h.names.clear();
      fail("path", row_line_, repeated,
           "the header names column " + std::to_string(repeated + 1) + " " + quoted_cell(name) +
               " as it names column " + std::to_string(earlier + 1) + "; give every column its own name");
    }
    phase_ = Phase::first_data;
  }

  void first_data_end() {
    check_cell_count(pending_.size());
    choose_columns();
    phase_ = Phase::data;
    for (std::size_t c = 0; c < pending_.size(); ++c) process(c, pending_[c]);
    table_.lines.add(0, row_line_);
    pending_.clear();
    pending_.shrink_to_fit();
  }

  void check_cell_count(std::size_t found) {
    if (found == expected_) return;
    const bool header = !table_.header.names.empty();
    fail("path", row_line_, std::min(found, expected_),
         "this row has " + std::to_string(found) + " cell(s) but " + (header ? "the header" : "the first row") +
             " (line " + std::to_string(table_.header.line) + ") has " + std::to_string(expected_) +
             "; every row needs one cell per column (quote a cell that contains the delimiter '" +
             (table_.delimiter == '\t' ? std::string("\\t") : std::string(1, table_.delimiter)) + "')");
  }

  // The first data row is in pending_: names and indices can be resolved, and a default input is any column
  // whose first value is numeric.
  void choose_columns() {
    const HeaderInfo& h = table_.header;
    const std::size_t none = std::numeric_limits<std::size_t>::max();
    const std::size_t time =
        options_.time_column.empty() ? none : resolve_column(options_.time_column, h, "time_column");
    std::vector<std::size_t> inputs;
    if (!options_.columns.empty()) {
      inputs = resolve_columns(options_.columns, h, "columns");
    } else {
      for (std::size_t c = 0; c < expected_; ++c)
        if (c != time && parse_number(pending_[c]).kind != CellKind::text) inputs.push_back(c);
      if (inputs.empty())
        throw ParamError("columns", h.path + ":" + std::to_string(row_line_) +
                                        ": no column besides the time column holds a number in the first data row; "
                                        "name the input columns with columns: [...]");
    }
    std::vector<std::size_t> targets = options_.targets.empty() ? std::vector<std::size_t>{inputs.front()}
                                                                : resolve_columns(options_.targets, h, "targets");
    for (const auto* list : {&inputs, &targets})
      if (std::find(list->begin(), list->end(), time) != list->end())
        throw ParamError(list == &inputs ? "columns" : "targets",
                         column_label(h, time) + " of " + h.path +
                             " is the time column; it is kept for plots and predictions and cannot also be an " +
                             (list == &inputs ? "input" : "target"));
    slots_.assign(expected_, kSkip);
    auto keep = [&](std::size_t c) {
      if (slots_[c] >= 0) return static_cast<std::size_t>(slots_[c]);
      slots_[c] = static_cast<int>(table_.columns.size());
      table_.columns.push_back({c, feature_name(h, c), {}});
      table_.columns.back().values.reserve(reserve_);
      return table_.columns.size() - 1;
    };
    for (std::size_t c : inputs) table_.inputs.push_back(keep(c));
    for (std::size_t c : targets) table_.targets.push_back(keep(c));
    gap_line_.assign(table_.columns.size(), 0);
    gap_row_.assign(table_.columns.size(), 0);
    seen_value_.assign(table_.columns.size(), 0);
    if (time != none) choose_time(time);
  }

  void choose_time(std::size_t c) {
    slots_[c] = kTime;
    table_.time_name = feature_name(table_.header, c);
    double unused = 0;
    const std::string& format = options_.time_format;
    if (format == "number" || (format.empty() && parse_double(pending_[c], unused))) {
      table_.time_kind = TimeKind::number;
      // Integers that all read as YYYYMMDD are dates (decided at the end), never silently plain numbers.
      maybe_yyyymmdd_ = format.empty() && parse_yyyymmdd(unused, unused);
    } else if (!format.empty() || looks_like_date(pending_[c])) {
      table_.time_kind = TimeKind::date;
    } else {
      fail("path", row_line_, c,
           quoted_cell(pending_[c]) +
               " in the time column is neither a number nor an ISO-8601 date (YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS], "
               "YYYY-MM-DD HH:MM:SS, optionally ending in Z); set time_format (e.g. \"%d.%m.%Y\") for other dates");
    }
    table_.times.reserve(reserve_);
  }

  void number_cell(std::size_t c, std::string_view text, std::size_t slot) {
    const NumberCell cell = parse_number(text);
    Column& column = table_.columns[slot];
    if (cell.kind == CellKind::number) {
      column.values.push_back(cell.value);
      gap_line_[slot] = 0;
      seen_value_[slot] = 1;
      return;
    }
    if (cell.kind == CellKind::text)
      fail("path", cell_line_, c,
           quoted_cell(text) + " is not a number; every cell of a column used as input or target must be a number " +
               "(or empty / NA for a gap)" + not_numeric_hint());
    if (cell.kind == CellKind::out_of_range)
      fail("path", cell_line_, c,
           quoted_cell(text) + " is outside float32's range (magnitudes 1.2e-38 to 3.4e38, or 0); rescale the column");
    missing_cell(c, text, slot, cell.kind == CellKind::infinite);
    if (gap_line_[slot] == 0) {
      gap_line_[slot] = cell_line_;
      gap_row_[slot] = column.values.size();
    }
    column.values.push_back(std::numeric_limits<float>::quiet_NaN());
  }

  std::string not_numeric_hint() const {
    if (table_.header.names.empty() && cell_line_ == table_.header.line)
      return options_.header == "false" ? "; with header: false the first row is read as data: if it names the "
                                          "columns, set header: true or auto"
                                        : "";
    if (!options_.columns.empty()) return "";
    return "; columns: was not given, so every column whose first value is a number is used: list the ones to "
           "use with columns: [...] to leave a text column out";
  }

  void missing_cell(std::size_t c, std::string_view text, std::size_t slot, bool infinite) {
    // With future rows, a gap may be one of them: judged at the end, once it is known where the history ends.
    if (options_.future_rows) {
      if (deferred_.size() < table_.columns.size()) deferred_.resize(table_.columns.size());
      if (!deferred_[slot].line)
        deferred_[slot] = {
            table_.columns[slot].values.size(), cell_line_, c, std::string(text), infinite, !seen_value_[slot]};
      return;
    }
    refuse_gap(c, text, infinite, !seen_value_[slot], cell_line_);
  }

  void refuse_gap(std::size_t c, std::string_view text, bool infinite, bool at_start, std::size_t line) const {
    const std::string what =
        infinite ? quoted_cell(text) + " is infinite"
                 : "missing value (" + (trimmed(text).empty() ? std::string("an empty cell") : quoted_cell(text)) + ")";
    if (options_.missing == Missing::error)
      fail("missing", line, c,
           what +
               "; with missing: error (the default) every cell of the columns used must hold a finite number: "
               "fix it, or set missing: drop, interpolate or ffill to accept gaps" +
               (options_.future_rows ? " (rows after the last one with a target value are future rows)" : ""));
    if (at_start && options_.missing != Missing::drop)
      fail("missing", line, c,
           what + " at the start of the column: with missing: " +
               (options_.missing == Missing::ffill ? "ffill there is no earlier value to carry forward"
                                                   : "interpolate there is no earlier value to interpolate from") +
               "; remove the leading rows or use missing: drop");
  }

  // Future rows: the trailing rows where every target is a gap. The first gap of each column before them is
  // refused as it would have been when read.
  void find_history() {
    std::size_t end = 0;
    for (std::size_t r = table_.rows(); r > 0 && end == 0; --r)
      for (std::size_t k : table_.targets)
        if (!std::isnan(table_.columns[k].values[r - 1])) end = r;
    table_.history_rows = end;
    const Gap* first = nullptr;
    for (const Gap& g : deferred_)
      if (g.line && g.row < end && (!first || g.row < first->row)) first = &g;
    if (first) refuse_gap(first->column, first->text, first->infinite, first->at_start, first->line);
  }

  void time_cell(std::size_t c, std::string_view text) {
    double t = 0;
    std::string why;
    if (is_missing_marker(text))
      fail("path", cell_line_, c, "the time column has no value here; every row needs its time");
    if (table_.time_kind == TimeKind::number && !parse_double(text, t))
      fail("path", cell_line_, c, quoted_cell(text) + " is not a number, as the time column's first value is");
    const std::string& format = options_.time_format;
    if (table_.time_kind == TimeKind::date && format.empty() && !parse_iso_time(text, t, why))
      fail("path", cell_line_, c,
           quoted_cell(text) + " is not a valid ISO-8601 date: " + why +
               " (the time column's dates are YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS] or YYYY-MM-DD HH:MM:SS, "
               "optionally ending in Z; set time_format for others)");
    if (table_.time_kind == TimeKind::date && !format.empty() && !parse_formatted_time(text, format, t, why))
      fail("time_format", cell_line_, c, quoted_cell(text) + " does not match time_format \"" + format + "\": " + why);
    double unused = 0;
    if (maybe_yyyymmdd_ && !parse_yyyymmdd(t, unused)) maybe_yyyymmdd_ = false;
    if (!table_.times.empty() && !(t > table_.times.back()))
      fail("path", cell_line_, c,
           "the time " + quoted_cell(text) + " is not after the previous row's (line " + std::to_string(time_line_) +
               "); the rows must be in increasing time order with no time repeated: sort the file by time");
    table_.times.push_back(t);
    time_line_ = cell_line_;
  }

  void finish() {
    if (maybe_yyyymmdd_ && !table_.times.empty()) {
      for (double& t : table_.times) parse_yyyymmdd(t, t);
      table_.time_kind = TimeKind::date;
      table_.yyyymmdd = true;
    }
    if (phase_ == Phase::first_row)
      throw ParamError("path", options_.path +
                                   ":1: the file has no rows: it is empty, or holds only comments "
                                   "and blank lines; a CSV file of numbers is expected");
    if (phase_ == Phase::first_data)
      throw ParamError("path", options_.path + ":" + std::to_string(table_.header.line) +
                                   ": the file has a header but no data rows");
    table_.history_rows = table_.rows();
    if (options_.future_rows) find_history();
    if (options_.missing != Missing::interpolate) return;
    for (std::size_t k = 0; k < table_.columns.size(); ++k)
      if (gap_line_[k] != 0 && gap_row_[k] < table_.history_rows)
        fail("missing", gap_line_[k], table_.columns[k].file_index,
             "the gap from this row to the end of the file cannot be interpolated: no later value follows; "
             "remove the trailing rows, or use missing: ffill or drop");
  }

  [[noreturn]] void fail(const std::string& param, std::size_t line, std::size_t column,
                         const std::string& message) const {
    std::string where = options_.path + ":" + std::to_string(line) + ":" + std::to_string(column + 1);
    if (column < table_.header.names.size()) where += " (column " + quoted_cell(table_.header.names[column]) + ")";
    throw ParamError(param, where + ": " + message);
  }

  const ReadOptions& options_;
  DataFile file_;
  Table table_;
  csv_parser parser_{};
  bool parser_ready_ = false;
  std::exception_ptr error_;
  std::size_t line_ = 1;       // the line being fed to libcsv (1-based)
  std::size_t cell_line_ = 1;  // the line the current cell starts on
  std::size_t row_line_ = 1;   // the line the current row starts on
  std::size_t col_ = 0;        // cells of the current row so far
  bool row_open_ = false;      // libcsv holds part of a row: the next line continues it
  std::size_t open_line_ = 1;  // the line where the row libcsv holds began
  enum class Phase { first_row, first_data, data } phase_ = Phase::first_row;
  std::vector<std::string> pending_;   // the first row's or two rows' cells, until the columns are chosen
  std::vector<int> slots_;             // per file column: index into table_.columns, kSkip or kTime
  std::size_t expected_ = 0;           // cells per row
  std::size_t reserve_ = 0;            // lines in the file: no row vector ever grows by copying
  std::vector<std::size_t> gap_line_;  // per kept column: where its current run of gaps began, 0 if none
  std::vector<char> seen_value_;       // per kept column: whether a number came yet
  std::size_t time_line_ = 0;          // the line of the previous time
  bool maybe_yyyymmdd_ = false;        // every time so far is an integer that reads as YYYYMMDD
  std::vector<std::size_t> gap_row_;   // per kept column: the row where gap_line_'s run began
  struct Gap {                         // a column's first gap, judged at the end (future rows)
    std::size_t row = 0, line = 0, column = 0;
    std::string text;
    bool infinite = false, at_start = false;
  };
  std::vector<Gap> deferred_;
};

}  // namespace

Table read_table(const ReadOptions& options) { return Reader(options).read(); }

}  // namespace seqlab::csv
