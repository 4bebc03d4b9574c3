// The plateau scheduler watching val_loss counts validated epochs only: a NaN validation loss
// (an epoch training.validate_every skipped) changes neither its best loss, nor its patience, nor its cooldown.
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "config/param_validation.hpp"
#include "host/plugin_loader.hpp"

namespace {

const double kNan = std::nan("");

const seqlab::LoadedPlugin& plateau() {
  static seqlab::PluginRegistry registry({SEQLAB_TEST_PLUGIN_DIR});
  return registry.get(seqlab::PluginKind::scheduler, "plateau");
}

// A plateau scheduler of the defaults with `changed` set, started at rate 1; the rate after each loss
// in `losses` (the watched one: val_loss, or train_loss with metric train_loss; the other is 0.5).
std::vector<double> rates(const std::map<std::string, seqlab::ParamValue>& changed, const std::vector<double>& losses) {
  std::map<std::string, seqlab::ParamValue> values = seqlab::default_params(plateau().info->meta.params).all();
  for (const auto& [name, value] : changed) values[name] = value;
  const seqlab::ParamValues params(values);
  seqlab::Random random(1);
  auto scheduler = seqlab::create_scheduler(plateau(), {params, random, {}});
  scheduler->start(1.0, static_cast<int>(losses.size()));
  const bool val = params.text("metric") == "val_loss";
  std::vector<double> out;
  for (std::size_t i = 0; i < losses.size(); ++i) {
    const int epoch = static_cast<int>(i) + 1;
    out.push_back(scheduler->next(val ? seqlab::EpochLosses{epoch, 0.5, losses[i]}
                                      : seqlab::EpochLosses{epoch, losses[i], kNan}));
  }
  return out;
}

// The entries of `all` where `losses` is not NaN.
std::vector<double> validated(const std::vector<double>& all, const std::vector<double>& losses) {
  std::vector<double> out;
  for (std::size_t i = 0; i < all.size(); ++i)
    if (!std::isnan(losses[i])) out.push_back(all[i]);
  return out;
}

}  // namespace

TEST_CASE("plateau watching val_loss counts validated epochs only") {
  const std::map<std::string, seqlab::ParamValue> settings = {{"patience", std::int64_t{2}}, {"factor", 0.5}};
  // Validated every 3rd epoch: an improvement, then flat. With the skipped epochs counted as bad,
  // patience 2 would run out two epochs after the improvement.
  const std::vector<double> sparse = {kNan, kNan, 1.0, kNan, kNan, 1.0, kNan, kNan, 1.0, kNan, kNan, 1.0, kNan};
  const std::vector<double> got = rates(settings, sparse);
  CHECK(got == std::vector<double>{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.5, 0.5});
  // The same as the validated epochs alone, one after another.
  const std::vector<double> dense = {1.0, 1.0, 1.0, 1.0};
  CHECK(validated(got, sparse) == rates(settings, dense));
}

TEST_CASE("plateau's cooldown passes with validated epochs only") {
  const std::map<std::string, seqlab::ParamValue> settings = {
      {"patience", std::int64_t{0}}, {"factor", 0.5}, {"cooldown", std::int64_t{1}}};
  // patience 0: every validated epoch without an improvement reduces, unless a cooldown epoch absorbs it.
  const std::vector<double> sparse = {1.0, kNan, 1.0, kNan, kNan, 1.0, kNan, 1.0, 1.0};
  const std::vector<double> got = rates(settings, sparse);
  // Epoch 3 reduces (1 -> 0.5); epoch 6 is the cooldown's one epoch, however many were skipped before it;
  // epoch 8 reduces again and epoch 9 is its cooldown.
  CHECK(got == std::vector<double>{1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25});
  CHECK(validated(got, sparse) == rates(settings, {1.0, 1.0, 1.0, 1.0, 1.0}));
}

TEST_CASE("plateau watching train_loss steps every epoch, the validation loss aside") {
  const std::map<std::string, seqlab::ParamValue> settings = {
      {"metric", std::string("train_loss")}, {"patience", std::int64_t{1}}, {"factor", 0.5}};
  // rates() passes val_loss NaN on every epoch here: it must not matter.
  CHECK(rates(settings, {1.0, 1.0, 1.0, 1.0, 1.0}) == std::vector<double>{1, 1, 0.5, 0.5, 0.25});
}

TEST_CASE("plateau's state taken between two validations resumes to the same rates") {
  std::map<std::string, seqlab::ParamValue> values = seqlab::default_params(plateau().info->meta.params).all();
  values["patience"] = std::int64_t{1};
  values["factor"] = 0.5;
  const seqlab::ParamValues params(values);
  seqlab::Random random(1);
  const std::vector<double> losses = {1.0, kNan, 0.9, kNan, 0.9, kNan, 0.95, kNan, 0.9, kNan};
  auto whole = seqlab::create_scheduler(plateau(), {params, random, {}});
  auto first = seqlab::create_scheduler(plateau(), {params, random, {}});
  auto second = seqlab::create_scheduler(plateau(), {params, random, {}});
  whole->start(1.0, 10);
  first->start(1.0, 10);
  second->start(1.0, 10);
  std::vector<double> expected, got;
  for (int e = 1; e <= 10; ++e) {
    const seqlab::EpochLosses ended{e, 0.5, losses[static_cast<std::size_t>(e - 1)]};
    expected.push_back(whole->next(ended));
    if (e <= 6) got.push_back(first->next(ended));
    // A checkpoint after skipped epoch 6, with epoch 5's bad epoch counted: epoch 7 must reduce.
    if (e == 6) second->load_state(first->state());
    if (e > 6) got.push_back(second->next(ended));
  }
  CHECK(got == expected);
  CHECK(expected == std::vector<double>{1, 1, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5});
}
