// The baselines (persistence, the ridge linear AR) on the shipped real series against an independent numpy
// computation of the same rules
// (tests/forecast/reference/baselines_numpy.py printed the numbers below).
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "support/process.hpp"

using seqlab::test::read_file;
using seqlab::test::run_seqlab;
using seqlab::test::ScratchDir;

TEST_CASE("persistence and the linear AR on the shipped series match numpy's") {
  struct Case {
    const char* experiment;
    std::size_t windows;
    double persistence, linear_ar;
  };
  for (const Case& c : {Case{"sunspots_lstm", 47, 29.09479005785466, 18.185693511115446},
                        Case{"electricity_load_lstm", 112, 188.90939343656638, 54.43466173027014}}) {
    CAPTURE(c.experiment);
    ScratchDir dir("reference");
    const auto result = run_seqlab(std::string("run experiments/") + c.experiment +
                                   ".yaml training.epochs=1 --no-plots --out '" + (dir / "run") + "'");
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    const auto test = nlohmann::json::parse(read_file(dir / "run/summary.json"))["test"];
    CHECK(test["windows"] == c.windows);
    CHECK(test["units"] == "data");
    // float32 model units on both sides; the ridge from an SVD here and from the hat matrix in numpy agree to
    // rounding.
    CHECK(test["persistence"]["rmse"].get<double>() == doctest::Approx(c.persistence).epsilon(1e-6));
    CHECK(test["linear_ar"]["rmse"].get<double>() == doctest::Approx(c.linear_ar).epsilon(1e-6));
  }
}
