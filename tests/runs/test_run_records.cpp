// A run folder's JSON records (summary.json, plugins.json, data_units.json) are data: a wrong type, a value out of
// range or a record that contradicts the run is refused naming the file and the field, exit 2, never an abort.
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <sys/stat.h>

#include "config/config_error.hpp"
#include "config/json_record.hpp"
#include "forecast/data_units.hpp"
#include "support/process.hpp"
#include "support/refusal.hpp"

using seqlab::test::contains;
using seqlab::test::read_file;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace fs = std::filesystem;

namespace {

// `file` with `change` applied to its JSON.
template <class Change>
void edit_json(const std::string& file, Change change) {
  nlohmann::json json = nlohmann::json::parse(read_file(file));
  change(json);
  write_file(file, json.dump(2));
}

// Runs `command` and checks that it is refused as a user error (exit 2, not 134 for an abort), within the
// refusal time, with `needle` in its output.
void expect_refusal(const std::string& command, const std::string& needle) {
  const auto r = run_seqlab(command, "", seqlab::test::kRefusalSeconds);
  INFO(command);
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(contains(r.output, needle));
}

}  // namespace

TEST_CASE("JsonRecord names the file and the field of every wrong type") {
  ScratchDir dir("json-record");
  const std::string file = dir / "summary.json";
  write_file(file, R"({"threads": "x", "n": 5, "plugins": {"model": 5, "loss": {"name": "mse"}},
                      "dirs": ["a", 3], "esc": {"a\u001b[31mb": 1}})");
  const seqlab::JsonRecord record = seqlab::JsonRecord::read(file, "a run's record");
  auto refused = [&](auto read, const std::string& needle) {
    const std::string expected = file + ": error: " + needle;
    CHECK_THROWS_WITH_AS(read(), doctest::Contains(expected.c_str()), seqlab::ConfigError);
  };
  refused([&] { return record.integer("threads", 1, 64); },
          "threads: is text \"x\", expected a whole number from 1 to 64");
  refused([&] { return record.integer("n", 1, 4); }, "n: is the number 5, expected a whole number from 1 to 4");
  refused([&] { return record.text("n"); }, "n: is the number 5, expected text");
  refused([&] { return record.text("missing"); }, "missing: is missing; expected text");
  refused([&] { return record.number("threads"); }, "threads: is text \"x\", expected a finite number");
  refused([&] { return record.at("plugins").at("model").text("file"); },
          "plugins.model: is the number 5, expected an object");
  refused([&] { return record.at("dirs").list()[1].text(); }, "dirs[1]: is the number 3, expected text");
  refused([&] { return record.at("esc").members()[0].second.text(); }, "esc.a\\x1b[31mb: is the number 1");
  CHECK(record.at("plugins").at("loss").text("name") == "mse");
  CHECK(record.text_or("absent", "fallback") == "fallback");
  CHECK(record.integer_or("absent", 7, 1, 9) == 7);
  CHECK(record.integer("n", 1, 5) == 5);

  // The file itself: not an object, not JSON, not a regular file, too large.
  write_file(file, "[1, 2]");
  CHECK_THROWS_WITH_AS(seqlab::JsonRecord::read(file, "W"),
                       doctest::Contains("summary.json: error: holds a list [1,2], not a JSON object: W"),
                       seqlab::ConfigError);
  write_file(file, "{\"a\": ");
  CHECK_THROWS_WITH_AS(seqlab::JsonRecord::read(file, "W"), doctest::Contains("is not valid JSON"),
                       seqlab::ConfigError);
  fs::remove(file);
  REQUIRE(::mkfifo(file.c_str(), 0600) == 0);
  CHECK_THROWS_WITH_AS(seqlab::JsonRecord::read(file, "W"), doctest::Contains("is a FIFO (named pipe)"),
                       seqlab::ConfigError);
  fs::remove(file);
  write_file(file, "{}");
  fs::resize_file(file, seqlab::JsonRecord::kMaxBytes + 1);  // sparse: no disk space taken
  CHECK_THROWS_WITH_AS(seqlab::JsonRecord::read(file, "W"), doctest::Contains("more than the 67108864"),
                       seqlab::ConfigError);
}

TEST_CASE("data_units.json is checked field by field, and against the run's config.yaml") {
  ScratchDir dir("data-units");
  const std::string run = dir / "run";
  REQUIRE(run_seqlab("run experiments/sunspots_rnn.yaml training.epochs=2 --no-plots --out '" + run + "'").exit_code ==
          0);
  const std::string units = run + "/data_units.json";
  const std::string good = read_file(units);
  const std::string eval = "eval '" + run + "' --no-plots --out '" + dir / "eval" + "'";
  struct Case {
    void (*change)(nlohmann::json&);
    std::string needle;
  };
  const Case cases[] = {
      {[](nlohmann::json& j) { j["horizon"] = "x"; }, "data_units.json: error: horizon: is text \"x\""},
      {[](nlohmann::json& j) { j["targets"][0]["scale"] = 0; }, "data_units.json: error: targets[0].scale: is 0"},
      {[](nlohmann::json& j) { j["inputs"][0]["offset"] = "NaN"; }, "data_units.json: error: inputs[0].offset"},
      {[](nlohmann::json& j) { j["fed_back"] = {7}; },
       "data_units.json: error: fed_back[0]: is the number 7, expected a whole number from -1 to 0"},
      {[](nlohmann::json& j) {
         j["fed_back"] = {0, 0};
       },
       "data_units.json: error: fed_back: has 2 entries for 1"},
      {[](nlohmann::json& j) { j["time_kind"] = "epoch"; }, "data_units.json: error: time_kind: is text \"epoch\""},
      {[](nlohmann::json& j) { j["horizon"] = 3; },
       "data_units.json: error: horizon: 1 target(s) x horizon 3 is 3 output(s), but the run's model"},
      {[](nlohmann::json& j) { j["inputs"].push_back(j["inputs"][0]); },
       "data_units.json: error: inputs: names 2 input feature(s), but the run's model (config.yaml "
       "model.input_size) takes 1"},
      // The same count of other names: the dataset's refusal, which says where the recorded names come from.
      {[](nlohmann::json& j) { j["inputs"][0]["name"] = "zz"; },
       "(the names, units and horizon the model was trained with are those in "},
  };
  for (const Case& c : cases) {
    CAPTURE(c.needle);
    write_file(units, good);
    edit_json(units, c.change);
    expect_refusal(eval, c.needle);
    CHECK_FALSE(fs::exists(dir / "eval"));
  }
  write_file(units, good);
  edit_json(units, [](nlohmann::json& j) { j["inputs"][0]["name"] = "zz"; });
  expect_refusal(eval, "those in " + units + ")");
  // Before: these pointed at config.yaml:5:1 and did not name data_units.json.
  write_file(units, good);
  CHECK(run_seqlab(eval).exit_code == 0);
}

TEST_CASE("summary.json and plugins.json of the wrong types, or FIFOs, are refused by every command that reads them") {
  ScratchDir dir("run-records");
  const std::string run = dir / "run";
  REQUIRE(run_seqlab("run experiments/sine_rnn.yaml dataset.num_samples=50 training.epochs=2 --no-plots --out '" + run +
                     "'")
              .exit_code == 0);
  const std::string summary = run + "/summary.json", plugins = run + "/plugins.json";
  const std::string good_summary = read_file(summary), good_plugins = read_file(plugins);
  const std::string commands[] = {"eval '" + run + "' --no-plots --out '" + dir / "out" + "'",
                                  "predict '" + run + "' --steps 1 --out '" + dir / "out" + "'",
                                  "reproduce '" + run + "' --out '" + dir / "out" + "'"};
  SUBCASE("summary.json: a thread count of text (reproduce aborted, eval printed a raw JSON error)") {
    edit_json(summary, [](nlohmann::json& j) { j["threads"] = "x"; });
    for (const auto& command : commands)
      expect_refusal(command, summary + ": error: threads: is text \"x\", expected a whole number");
  }
  SUBCASE("summary.json: a plugin record that is not an object, a status of another type") {
    edit_json(summary, [](nlohmann::json& j) { j["plugins"]["model"] = 5; });
    for (const auto& command : commands)
      expect_refusal(command, summary + ": error: plugins.model: is the number 5, expected an object");
    write_file(summary, good_summary);
    edit_json(summary, [](nlohmann::json& j) { j["status"] = {1, 2}; });
    for (const auto& command : commands) expect_refusal(command, summary + ": error: status: is a list [1,2]");
    write_file(summary, good_summary);
    edit_json(summary, [](nlohmann::json& j) { j["data_parallel_processes"] = -4; });
    expect_refusal(commands[2], summary + ": error: data_parallel_processes: is the number -4");
  }
  SUBCASE("summary.json that is a FIFO, or not an object") {
    fs::remove(summary);
    REQUIRE(::mkfifo(summary.c_str(), 0600) == 0);
    for (const auto& command : commands) expect_refusal(command, summary + ": error: is a FIFO (named pipe)");
    // compare and report read run folders too: a FIFO record is no record (they waited on it for ever).
    for (const std::string& command : {"compare '" + run + "'", "report '" + run + "' --out '" + dir / "out" + "'"})
      expect_refusal(command, run + ": not a seqlab run folder");
    fs::remove(summary);
    write_file(summary, "\"completed\"");
    for (const auto& command : commands) expect_refusal(command, summary + ": error: holds text \"completed\"");
  }
  SUBCASE("plugins.json of the wrong types, for resume") {
    edit_json(plugins, [](nlohmann::json& j) { j["plugin_dirs"] = {"a", 3}; });
    expect_refusal("resume '" + run + "' --epochs 4 --no-plots", plugins + ": error: plugin_dirs[1]: is the number 3");
  }
  CHECK_FALSE(fs::exists(dir / "out"));
}
