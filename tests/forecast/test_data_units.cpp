// Output names and units, their JSON record, and times as text.
#include <doctest/doctest.h>

#include <cmath>

#include "forecast/data_units.hpp"
#include "util/run_error.hpp"

TEST_CASE("outputs are named per target and step, in the target's units") {
  seqlab::DataDescription d;
  d.targets = {{"load", 100, 20}, {"price", -1, 2}};
  d.horizon = 2;
  const auto outputs = seqlab::output_features(d, 4, "csv");
  REQUIRE(outputs.size() == 4);
  CHECK(outputs[0].name == "load+1");
  CHECK(outputs[1].name == "price+1");
  CHECK(outputs[2].name == "load+2");
  CHECK(outputs[3].step == 1);
  CHECK(outputs[3].target == 1);
  CHECK(outputs[0].to_data(0.5) == 110.0);
  CHECK(outputs[1].to_data(0.5) == 0.0);
  CHECK_THROWS_AS(seqlab::output_features(d, 3, "csv"), seqlab::RunError);
  const auto unnamed = seqlab::output_features({}, 2, "sine");
  CHECK(unnamed[1].name == "output 1");
  CHECK(unnamed[1].to_data(0.25) == 0.25);
}

TEST_CASE("a description survives its JSON record") {
  seqlab::DataDescription d;
  d.inputs = {{"a", 1.5, 2.5}, {"b", 0, 1}};
  d.targets = {{"a", 1.5, 2.5}};
  d.horizon = 3;
  d.fed_back = {0};
  d.normalize = "zscore";
  d.time_name = "date";
  d.time_kind = seqlab::TimeKind::date;
  const auto back = seqlab::description_from_json(seqlab::description_to_json(d));
  CHECK(back.inputs.size() == 2);
  CHECK(back.inputs[0].offset == 1.5);
  CHECK(back.inputs[0].scale == 2.5);
  CHECK(back.targets[0].name == "a");
  CHECK(back.horizon == 3);
  CHECK(back.fed_back == std::vector<int>{0});
  CHECK(back.normalize == "zscore");
  CHECK(back.time_kind == seqlab::TimeKind::date);
  CHECK_THROWS_AS(seqlab::description_from_json(nlohmann::json{{"inputs", 3}}), std::runtime_error);
}

TEST_CASE("the frequency and the inputs' roles survive the record, and records without them still load") {
  seqlab::DataDescription d;
  d.inputs = {{"y"}, {"month_cos"}, {"promo"}};
  d.targets = {{"y"}};
  d.fed_back = {0};
  d.frequency = "month_end";
  d.input_roles = {{}, {seqlab::InputRole::Kind::calendar, "month", true}, {seqlab::InputRole::Kind::known_future}};
  nlohmann::json json = seqlab::description_to_json(d);
  const auto back = seqlab::description_from_json(json);
  CHECK(back.frequency == "month_end");
  REQUIRE(back.input_roles.size() == 3);
  CHECK(back.input_roles[0].kind == seqlab::InputRole::Kind::data);
  CHECK(back.input_roles[1].kind == seqlab::InputRole::Kind::calendar);
  CHECK(back.input_roles[1].field == "month");
  CHECK(back.input_roles[1].cosine);
  CHECK(back.input_roles[2].kind == seqlab::InputRole::Kind::known_future);
  json["frequency"] = "fortnight";
  CHECK_THROWS_WITH_AS(seqlab::description_from_json(json), doctest::Contains("frequency"), std::runtime_error);
  json.erase("frequency");
  json.erase("input_roles");
  const auto old = seqlab::description_from_json(json);  // an API 9 run's record
  CHECK(old.frequency.empty());
  CHECK(old.input_roles.empty());
}

TEST_CASE("the target transform survives the JSON record, and a record from before it reads as none") {
  seqlab::DataDescription d;
  d.targets = {{"y", 0, 1}};
  d.transform = "log1p";
  d.difference = {1, 12};
  auto json = seqlab::description_to_json(d);
  const auto back = seqlab::description_from_json(json);
  CHECK(back.transform == "log1p");
  CHECK(back.difference == std::vector<std::size_t>{1, 12});
  json.erase("transform");
  json.erase("difference");
  const auto old = seqlab::description_from_json(json);
  CHECK(old.transform == "none");
  CHECK(old.difference.empty());
  json["transform"] = "sqrt";
  CHECK_THROWS_AS(seqlab::description_from_json(json), std::runtime_error);
  json["transform"] = "log";
  json["difference"] = {0};
  CHECK_THROWS_AS(seqlab::description_from_json(json), std::runtime_error);
}

TEST_CASE("times read as ISO-8601 dates or plain numbers") {
  CHECK(seqlab::format_time(0, seqlab::TimeKind::date) == "1970-01-01");
  CHECK(seqlab::format_time(951782400, seqlab::TimeKind::date) == "2000-02-29");
  CHECK(seqlab::format_time(951782400 + 6 * 3600 + 30 * 60, seqlab::TimeKind::date) == "2000-02-29T06:30:00Z");
  CHECK(seqlab::format_time(0.1 * 51, seqlab::TimeKind::number) == "5.1");
  CHECK(seqlab::format_time(1990, seqlab::TimeKind::none) == "1990");
}

TEST_CASE("target levels are the dataset's own when it transformed its targets, else the targets mapped back") {
  seqlab::DataSeries series;
  series.targets = seqlab::Tensor2::from_shape({3, 2});
  series.targets = {{0.f, 1.f}, {0.5f, -1.f}, {2.f, 0.f}};
  seqlab::DataDescription d;
  d.targets = {{"a", 10, 2}, {"b", -1, 0.5}};
  const auto mapped = seqlab::target_levels(series, d);
  CHECK(mapped(1, 0) == 11.0);  // 0.5 * 2 + 10
  CHECK(mapped(1, 1) == -1.5);  // -1 * 0.5 - 1
  CHECK(mapped(2, 0) == 14.0);
  series.levels = seqlab::Tensor2::from_shape({3, 2});
  series.levels = {{100.f, 7.f}, {101.f, 8.f}, {std::nanf(""), 9.f}};
  const auto given = seqlab::target_levels(series, d);
  CHECK(given(0, 0) == 100.0);
  CHECK(given(2, 1) == 9.0);
  CHECK(std::isnan(given(2, 0)));  // a gap stays a gap
}
