// Legend labels for overlaid curves: the settings that differ, numbers printed short, styles that stay apart.
#include <doctest/doctest.h>

#include <set>

#include "plots/curve_labels.hpp"

using seqlab::Settings;

TEST_CASE("short_value prints decimals as %g and leaves integers and names as written") {
  CHECK(seqlab::short_value("0.009000000000000001") == "0.009");
  CHECK(seqlab::short_value("0.0031622776601683794") == "0.00316228");
  CHECK(seqlab::short_value("1e-4") == "0.0001");
  CHECK(seqlab::short_value("0.00001") == "1e-05");
  CHECK(seqlab::short_value("100000000") == "100000000");  // an integer: a seed or a count
  CHECK(seqlab::short_value("lstm") == "lstm");
  CHECK(seqlab::short_value("none") == "none");  // has an 'e' but is no number
  CHECK(seqlab::short_value("[0.7, 0.15, 0.15]") == "[0.7, 0.15, 0.15]");
}

TEST_CASE("differing_keys lists the settings that are not the same everywhere, a missing one included") {
  const std::vector<Settings> runs = {
      {{"model.hidden_size", "32"}, {"optimizer.lr", "0.01"}, {"seed", "0"}},
      {{"model.hidden_size", "64"}, {"optimizer.lr", "0.01"}, {"seed", "0"}},
      {{"model.hidden_size", "64"}, {"optimizer.lr", "0.01"}, {"seed", "0"}, {"model.dropout", "0.1"}}};
  CHECK(seqlab::differing_keys(runs) == std::vector<std::string>{"model.dropout", "model.hidden_size"});
  // In a given order, those of it that differ.
  CHECK(seqlab::differing_keys(runs, {"seed", "model.hidden_size", "model.dropout"}) ==
        std::vector<std::string>{"model.hidden_size", "model.dropout"});
}

TEST_CASE("short_keys names a setting by its last part unless another ends the same way") {
  CHECK(seqlab::short_keys({"model.hidden_size", "optimizer.lr"}) == std::vector<std::string>{"hidden_size", "lr"});
  CHECK(seqlab::short_keys({"model.plugin", "optimizer.plugin", "seed"}) ==
        std::vector<std::string>{"model.plugin", "optimizer.plugin", "seed"});
}

TEST_CASE("curve_labels: the differing settings, short, and the fallback when nothing differs or labels collide") {
  const std::vector<Settings> runs = {{{"model.hidden_size", "32"}, {"optimizer.lr", "0.010000000000000002"}},
                                      {{"model.hidden_size", "64"}, {"optimizer.lr", "0.1"}},
                                      {{"model.hidden_size", "64"}}};
  const std::vector<std::string> keys = {"model.hidden_size", "optimizer.lr"};
  CHECK(seqlab::curve_labels(runs, keys, {"a", "b", "c"}) ==
        std::vector<std::string>{"hidden_size=32 lr=0.01", "hidden_size=64 lr=0.1", "hidden_size=64 lr=(unset)"});
  CHECK(seqlab::curve_labels(runs, {}, {"a", "b", "c"}) == std::vector<std::string>{"a", "b", "c"});
  const std::vector<Settings> twins = {{{"seed", "1"}}, {{"seed", "1"}}, {{"seed", "2"}}};
  CHECK(seqlab::curve_labels(twins, {"seed"}, {"x/run1", "y/run1", "z"}) ==
        std::vector<std::string>{"seed=1 (x/run1)", "seed=1 (y/run1)", "seed=2"});
}

TEST_CASE("curve_style gives 50 distinct colour and dash combinations, the first ten solid") {
  std::set<std::string> styles;
  for (std::size_t k = 0; k < 50; ++k) styles.insert(seqlab::curve_style(k));
  CHECK(styles.size() == 50);
  for (std::size_t k = 0; k < 10; ++k) CHECK(seqlab::curve_style(k).find("dashtype 1") != std::string::npos);
  CHECK(seqlab::curve_style(0) == "linecolor rgb '#1f77b4' dashtype 1");
  CHECK(seqlab::curve_style(10) == "linecolor rgb '#1f77b4' dashtype 2");
}
