// Hostile and huge CSV files: wide headers handled in O(n log n) with short messages, NUL bytes refused at the
// first one, cells and rows bounded, blank lines costing no memory, column names never reaching the terminal raw,
// and predict --input sized by the one window it needs.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>

#include "plugins/csv/csv_support.hpp"
#include "support/prerequisite.hpp"
#include "support/refusal.hpp"

using namespace seqlab::test::csv;
using seqlab::test::contains;
using seqlab::test::expect_config_error;
using seqlab::test::read_file;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;
using seqlab::test::timeout_scale;
using seqlab::test::write_file;

namespace {

// Before, each of these took 20 to 100 s (a pass over the header per column); now well under a second.
double limit_seconds() { return 5.0 * timeout_scale(); }

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// A header of `n` columns c0 .. c{n-1} and two data rows of ones and twos.
std::string wide_csv(int n, const std::string& extra_name = "") {
  std::string header, one, two;
  for (int c = 0; c < n; ++c) {
    header += (c ? ",c" : "c") + std::to_string(c);
    one += c ? ",1" : "1";
    two += c ? ",2" : "2";
  }
  if (!extra_name.empty()) {
    header += "," + extra_name;
    one += ",1";
    two += ",2";
  }
  return header + "\n" + one + "\n" + two + "\n" + one + "\n";
}

const char kEsc[] = "\x1b[31mload\x1b[0m";  // a name that would turn a terminal red

}  // namespace

TEST_CASE("csv: a header of 200k columns with a repeated name is refused at once (sorted, not compared in pairs)") {
  ScratchDir dir("csv");
  write_file(dir / "d.csv", wide_csv(200000, "c0"));
  const auto start = std::chrono::steady_clock::now();
  const Refusal r = refusal(dir / "d.csv", {{"window", integer(1)}});
  CHECK(seconds_since(start) < limit_seconds());
  CHECK(contains(r.message, "d.csv:1:200001: the header names column 200001 'c0' as it names column 1"));
}

TEST_CASE("csv: columns named among 100k are found by a sorted index, and a missing one lists 20 names") {
  ScratchDir dir("csv");
  write_file(dir / "d.csv", wide_csv(100000));
  SUBCASE("a missing time column: a short message") {
    const Refusal r = refusal(dir / "d.csv", {{"window", integer(1)}, {"time_column", std::string("tt")}});
    CHECK(contains(r.message, "the header has no column 'tt'; its columns are: c0, c1, "));
    CHECK(contains(r.message, ", c19, and 99980 more (or give a 0-based index)"));
    CHECK_FALSE(contains(r.message, "c20,"));
    CHECK(r.message.size() < 2000);  // before: 789 KB
  }
  SUBCASE("every column named as an input and a target") {
    std::vector<std::string> all;
    for (int c = 0; c < 100000; ++c) all.push_back("c" + std::to_string(c));
    const auto start = std::chrono::steady_clock::now();
    const auto loaded = load(dir / "d.csv", {{"window", integer(1)},
                                             {"columns", names(all)},
                                             {"targets", names(all)},
                                             {"split", std::vector<double>{1, 0, 0}},
                                             {"normalize", std::string("none")}});
    const auto d = loaded.dataset->describe();
    CHECK(seconds_since(start) < limit_seconds());
    REQUIRE(d.fed_back.size() == 100000);
    CHECK(d.fed_back[99999] == 99999);
  }
}

TEST_CASE("csv: NUL bytes are refused at the first one, with its line and column, before the file is read on") {
  ScratchDir dir("csv");
  SUBCASE("a 2 GB sparse file: all NUL bytes") {
    // Before: 18 s and 4.1 GB of memory, then "header but no data rows". expect_config_error allows 5 s.
    write_file(dir / "d.csv", "");
    std::filesystem::resize_file(dir / "d.csv", std::uintmax_t{2} << 30);
    const std::string out = expect_config_error(experiment_yaml("path: '" + (dir / "d.csv") + "', window: 2"));
    CHECK(contains(out, "d.csv:1:1: a NUL byte (\\x00): a CSV file is text"));
  }
  SUBCASE("data, then a file's unwritten end") {
    write_file(dir / "d.csv", "a,b\n1,2\n3,4\n5,");
    std::filesystem::resize_file(dir / "d.csv", std::uintmax_t{1} << 30);
    const std::string out = expect_config_error(experiment_yaml("path: '" + (dir / "d.csv") + "', window: 1"));
    CHECK(contains(out, "d.csv:4:3: a NUL byte"));
  }
  SUBCASE("one NUL byte inside a cell") {
    write_file(dir / "d.csv", std::string("a,b\n1,2\n3,4\0\n5,6\n", 17));
    CHECK(contains(refusal(dir / "d.csv", {{"window", integer(1)}}).message, "d.csv:3:4: a NUL byte"));
  }
}

TEST_CASE("csv: the reader's own memory is bounded: a cell beyond 16 MiB, a row beyond 2^20 cells are refused") {
#if defined(__SANITIZE_ADDRESS__)
  // Parsing 16 MiB cells and million-cell rows under AddressSanitizer took over its 300 s limit; Release and
  // the portable build run it.
  seqlab::test::report_skipped("too slow under AddressSanitizer (16 MiB cells); it runs in Release");
  return;
#endif
  ScratchDir dir("csv");
  SUBCASE("a cell longer than 16 MiB") {
    write_file(dir / "d.csv", "a\n1\n\"" + std::string((std::size_t{1} << 24) + 10, 'x') + "\"\n2\n");
    CHECK(contains(refusal(dir / "d.csv", {{"window", integer(1)}}).message,
                   "d.csv:3:1 (column 'a'): a cell is longer than 16 MiB"));
    // Never closed: refused while libcsv holds it, a block after the bound, not at the end of a 100 MiB file.
    write_file(dir / "d.csv", "a\n1\n\"" + std::string(std::size_t{100} << 20, 'x'));
    CHECK(contains(refusal(dir / "d.csv", {{"window", integer(1)}}).message,
                   "d.csv:3: in the row starting here, a cell is longer than 16 MiB"));
  }
  SUBCASE("more than 1,048,576 cells in the header") {
    write_file(dir / "d.csv", std::string(std::size_t{1} << 20, ',') + "\n1\n");
    const Refusal r = refusal(dir / "d.csv", {{"window", integer(1)}});
    CHECK(contains(r.message, "d.csv:1:1048577: this row has more than 1048576 cells"));
  }
}

TEST_CASE("csv: blank lines cost nothing in the memory estimate (it counts rows, not lines)") {
  // Before: 200 rows and 300 MB of blank lines were refused as needing 68.2 GiB.
  ScratchDir dir("csv");
  const std::string rows = counting_csv(200);
  write_file(dir / "plain.csv", rows);
  write_file(dir / "blank.csv", rows + std::string(3000000, '\n') + "# the end\n\n");
  auto memory_line = [&](const std::string& file) {
    write_file(dir / "exp.yaml", experiment_yaml("path: '" + (dir / file) + "', window: 4"));
    const auto result = run_seqlab("validate '" + (dir / "exp.yaml") + "'", "", 30);
    INFO(result.output);
    CHECK(result.exit_code == 0);
    const auto at = result.output.find("memory: about ");
    REQUIRE(at != std::string::npos);
    return result.output.substr(at, result.output.find("; this process", at) - at);
  };
  const std::string plain = memory_line("plain.csv");
  CHECK(contains(plain, "(data "));
  CHECK(memory_line("blank.csv") == plain);
}

TEST_CASE("csv: column names with control characters reach the terminal escaped") {
  ScratchDir dir("csv");
  std::string text = std::string("t,") + kEsc + ",b\n";
  for (int r = 0; r < 40; ++r) text += std::to_string(r) + "," + std::to_string(r % 9) + ",7\n";
  write_file(dir / "d.csv", text);
  SUBCASE("seqlab run: a misspelt target lists the header's names") {
    const std::string out =
        expect_config_error(experiment_yaml("path: '" + (dir / "d.csv") + "', window: 2, targets: [lod]"));
    CHECK(contains(out, "its columns are: t, \\x1B[31mload\\x1B[0m, b"));
    CHECK_FALSE(contains(out, "\x1b"));
  }
  SUBCASE("seqlab run: the warning about a constant column, then training") {
    ScratchDir run("csv-run");
    write_file(run / "exp.yaml", experiment_yaml("path: '" + (dir / "d.csv") + "', window: 2, columns: [b, 1]"));
    const auto result = run_seqlab("run '" + (run / "exp.yaml") + "' --no-plots --out '" + (run / "out") + "'");
    INFO(result.output);
    CHECK(result.exit_code == 0);
    CHECK(contains(result.output, "csv: column 'b' of"));
    CHECK_FALSE(contains(result.output, "\x1b"));
    // predict past the horizon names the input no target feeds: the escaped column.
    const auto refused = run_seqlab("predict '" + (run / "out") + "' --steps 3 --no-plots");
    INFO(refused.output);
    CHECK(refused.exit_code == 1);
    CHECK(contains(refused.output, "the input(s) '\\x1b[31mload\\x1b[0m' are neither targets"));
    CHECK_FALSE(contains(refused.output, "\x1b"));
  }
  SUBCASE("a cell that is not a number, in that column") {
    write_file(dir / "e.csv", std::string("t,") + kEsc + "\n0,1\n1,x\n");
    CHECK(contains(refusal(dir / "e.csv", {{"window", integer(1)}}).message,
                   "e.csv:3:2 (column '\\x1B[31mload\\x1B[0m'): 'x' is not a number"));
  }
  SUBCASE("a name repeated, and a name given twice in the experiment") {
    write_file(dir / "e.csv", std::string(kEsc) + ",x," + kEsc + "\n0,1,2\n");
    CHECK(contains(refusal(dir / "e.csv", {{"window", integer(1)}}).message,
                   "the header names column 3 '\\x1B[31mload\\x1B[0m' as it names column 1"));
    CHECK(contains(refusal(dir / "d.csv", {{"window", integer(1)}, {"columns", names({kEsc, "1"})}}).message,
                   "'1' names column 2 '\\x1B[31mload\\x1B[0m' of"));
  }
  SUBCASE("the names a trained model's units record") {
    seqlab::DataDescription units;
    units.inputs = {{std::string("\x1b]0;owned\x07"), 0, 1}};
    units.targets = units.inputs;
    auto dataset = make_dataset(dir / "d.csv", {{"window", integer(2)}, {"columns", names({"b"})}});
    dataset->use_units(units);
    try {
      dataset->load();
      FAIL("other columns were accepted");
    } catch (const seqlab::ParamError& e) {
      CHECK(contains(e.what(), "inputs [\\x1B]0;owned\\x07]"));
      CHECK_FALSE(contains(e.what(), "\x1b"));
    }
  }
}

TEST_CASE("csv: predict --input on a 2M-row file cuts only a window or two, and its memory check says so") {
  // Before: the whole file became test windows, 2M of 1000 steps (8 GB, and the model's activations for each),
  // and predict was refused for memory; a forecast needs the series and its last window.
  ScratchDir dir("csv");
  std::string small = "v\n";
  for (int r = 0; r < 1020; ++r) small += std::to_string(r % 17) + "\n";
  write_file(dir / "small.csv", small);
  write_file(dir / "exp.yaml",
             "name: wide_window\nseed: 0\n"
             "dataset:   {plugin: csv, path: small.csv, window: 1000, split: [1, 0, 0]}\n"
             "model:     {plugin: rnn, hidden_size: 64}\n"
             "loss:      {plugin: mse}\n"
             "optimizer: {plugin: sgd, lr: 0.01}\n"
             "training:  {epochs: 1, batch_size: 0}\n");
  auto result = run_seqlab("run '" + (dir / "exp.yaml") + "' --no-plots --out '" + (dir / "run") + "'", "", 60);
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  std::string big = "v\n";
  big.reserve(7 * 2000000);
  for (int r = 0; r < 2000000; ++r) big += std::to_string(r % 17) + "\n";
  write_file(dir / "big.csv", big);
  result = run_seqlab("predict '" + (dir / "run") + "' --steps 3 --no-plots --input '" + (dir / "big.csv") +
                          "' --out '" + (dir / "forecast") + "'",
                      "", 30);
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK_FALSE(contains(result.output, "the run needs about"));
  const std::string forecast = read_file(dir / "forecast/forecast.csv");
  CHECK(std::count(forecast.begin(), forecast.end(), '\n') == 4);  // the header and 3 steps
}
