// Parsing and locating settings: positions, overrides, duplicate keys, resolved YAML.
#include <doctest/doctest.h>

#include "config/experiment_source.hpp"
#include "config/param_validation.hpp"
#include "support/process.hpp"

using seqlab::ConfigError;
using seqlab::ExperimentSource;
using seqlab::test::ScratchDir;
using seqlab::test::write_file;

TEST_CASE("locate points at the key's line and column, 1-based") {
  ScratchDir dir("src");
  write_file(dir / "e.yaml", "name: x\noptimizer:\n  plugin: adam\n  lr: 0.1\n");
  ExperimentSource source(dir / "e.yaml", {});
  const auto where = source.locate("optimizer.lr");
  CHECK(where.line == 4);
  CHECK(where.column == 3);
  CHECK(where.describe() == dir / "e.yaml:4:3");
  // A missing key is reported at its nearest parent.
  CHECK(source.locate("optimizer.eps").line == 2);
}

TEST_CASE("overrides replace values, create keys and are blamed for what they set") {
  ScratchDir dir("src");
  write_file(dir / "e.yaml", "seed: 1\noptimizer: {plugin: adam, lr: 0.1}\n");
  ExperimentSource source(dir / "e.yaml", {"optimizer.lr=0.003", "seed=3", "optimizer.betas=[0.8, 0.9]"});
  CHECK(source.root()["optimizer"]["lr"].as<double>() == doctest::Approx(0.003));
  CHECK(source.root()["seed"].as<int>() == 3);
  CHECK(source.root()["optimizer"]["betas"].size() == 2);
  CHECK(source.locate("optimizer.lr").override == "optimizer.lr=0.003");
  CHECK(source.locate("optimizer.plugin").line == 2);
}

TEST_CASE("malformed overrides are refused") {
  ScratchDir dir("src");
  write_file(dir / "e.yaml", "seed: 1\n");
  CHECK_THROWS_AS(ExperimentSource(dir / "e.yaml", {"seed"}), ConfigError);
  CHECK_THROWS_AS(ExperimentSource(dir / "e.yaml", {"seed="}), ConfigError);
  CHECK_THROWS_AS(ExperimentSource(dir / "e.yaml", {".a=1"}), ConfigError);
  CHECK_THROWS_AS(ExperimentSource(dir / "e.yaml", {"seed.x=1"}), ConfigError);  // seed is not a section
}

TEST_CASE("duplicate keys are found at any depth") {
  ScratchDir dir("src");
  write_file(dir / "e.yaml", "model:\n  plugin: rnn\n  hidden_size: 4\n  hidden_size: 8\n");
  CHECK_THROWS_WITH_AS(ExperimentSource(dir / "e.yaml", {}), doctest::Contains("e.yaml:4:3: error: model.hidden_size"),
                       ConfigError);
}

TEST_CASE("schema validation fills defaults and enforces types, ranges and choices") {
  ScratchDir dir("src");
  const seqlab::ParamSchema schema = {
      seqlab::integer("n", 3, "count").at_least(1), seqlab::real("lr", 0.1, "rate").above(0),
      seqlab::choice("mode", {"last", "sequence"}, "last", "which"), seqlab::real_list("betas", {0.9, 0.99}, 2, "pair"),
      seqlab::boolean("flag", false, "switch")};
  auto validate = [&](const std::string& yaml) {
    write_file(dir / "e.yaml", yaml);
    ExperimentSource source(dir / "e.yaml", {});
    return seqlab::validate_params(schema, source, "s", {"plugin"}, "test plugin 't'");
  };
  const auto values = validate("s: {plugin: t, n: 5}\n");
  CHECK(values.integer("n") == 5);
  CHECK(values.real("lr") == doctest::Approx(0.1));
  CHECK(values.text("mode") == "last");
  CHECK(values.real_list("betas").size() == 2);
  CHECK_FALSE(values.boolean("flag"));
  CHECK_THROWS_WITH(validate("s: {n: 0}\n"), doctest::Contains("s.n: must be >= 1, got 0"));
  CHECK_THROWS_WITH(validate("s: {lr: 0}\n"), doctest::Contains("must be > 0"));
  CHECK_THROWS_WITH(validate("s: {lr: nan}\n"), doctest::Contains("expected a number"));
  CHECK_THROWS_WITH(validate("s: {mode: lats}\n"), doctest::Contains("did you mean 'last'"));
  CHECK_THROWS_WITH(validate("s: {betas: [0.9]}\n"), doctest::Contains("a list of 2 numbers"));
  CHECK_THROWS_WITH(validate("s: {flag: maybe}\n"), doctest::Contains("true or false"));
  CHECK_THROWS_WITH(validate("s: {n: }\n"), doctest::Contains("has no value"));
}

TEST_CASE("a parameter declared with or_mapping takes its list or a mapping of its keys, also as an override") {
  ScratchDir dir("src");
  const seqlab::ParamSchema schema = {
      seqlab::real_list("split", {0.7, 0.15, 0.15}, 3, "periods").or_mapping({"validation", "test", "test_from"})};
  auto validate = [&](const std::string& yaml, std::vector<std::string> overrides = {}) {
    write_file(dir / "e.yaml", yaml);
    ExperimentSource source(dir / "e.yaml", overrides);
    return seqlab::validate_params(schema, source, "s", {"plugin"}, "test plugin 't'");
  };
  CHECK_FALSE(validate("s: {plugin: t}\n").is_mapping("split"));
  CHECK(validate("s: {split: [0.5, 0.25, 0.25]}\n").real_list("split")[0] == doctest::Approx(0.5));
  const auto counts = validate("s: {split: {validation: 24, test: 12}}\n");
  REQUIRE(counts.is_mapping("split"));
  CHECK(counts.mapping("split") == seqlab::ParamMap{{"test", "12"}, {"validation", "24"}});
  const auto dates = validate("s: {plugin: t}\n", {"s.split={test_from: 1959-01-01}"});
  CHECK(dates.mapping("split") == seqlab::ParamMap{{"test_from", "1959-01-01"}});
  CHECK(seqlab::format_value(dates.all().at("split")) == "{test_from: 1959-01-01}");
  CHECK_THROWS_WITH(validate("s: {split: {tset: 3}}\n"),
                    doctest::Contains("s.split: unknown key 'tset' in the mapping; did you mean 'test'?"));
  CHECK_THROWS_WITH(validate("s: {split: {test: [1, 2]}}\n"), doctest::Contains("s.split.test: expected a number"));
  CHECK_THROWS_WITH(validate("s: {split: {}}\n"), doctest::Contains("the mapping is empty"));
  CHECK_THROWS_WITH(validate("s: {split: 3}\n"),
                    doctest::Contains("a list of 3 numbers or a mapping of some of validation, test, test_from"));
  // Without or_mapping a mapping is still refused.
  const seqlab::ParamSchema plain = {seqlab::real_list("betas", {0.9, 0.99}, 2, "pair")};
  write_file(dir / "e.yaml", "s: {betas: {a: 1}}\n");
  CHECK_THROWS_WITH(seqlab::validate_params(plain, ExperimentSource(dir / "e.yaml", {}), "s", {}, "t"),
                    doctest::Contains("expected a list of 2 numbers"));
}

TEST_CASE("a parameter declared with or_word takes its type or the word") {
  ScratchDir dir("src");
  const seqlab::ParamSchema schema = {seqlab::integer("season", 0, "period").at_least(0).or_word("auto")};
  auto validate = [&](const std::string& yaml) {
    write_file(dir / "e.yaml", yaml);
    return seqlab::validate_params(schema, ExperimentSource(dir / "e.yaml", {}), "s", {}, "t");
  };
  CHECK(validate("s: {season: 12}\n").integer("season") == 12);
  CHECK_FALSE(validate("s: {season: 12}\n").is_text("season"));
  const auto word = validate("s: {season: auto}\n");
  REQUIRE(word.is_text("season"));
  CHECK(word.text("season") == "auto");
  CHECK_THROWS_WITH(validate("s: {season: autox}\n"), doctest::Contains("expected an integer or auto, got 'autox'"));
  CHECK_THROWS_WITH(validate("s: {season: -1}\n"), doctest::Contains("must be >= 0"));
}
