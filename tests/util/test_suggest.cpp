// "Did you mean": the closest known name within a typo's distance, and nothing when every name is far.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "util/suggest.hpp"

using seqlab::closest_name;

namespace {

const std::vector<std::string> kModels = {"rnn", "lstm", "gru", "transformer"};
const std::vector<std::string> kKeys = {"hidden_size", "num_layers", "dropout", "bidirectional"};

}  // namespace

TEST_CASE("closest_name suggests the known name a typo was meant to be") {
  CHECK(closest_name("lstn", kModels) == "lstm");                // one substitution
  CHECK(closest_name("lsm", kModels) == "lstm");                 // one deletion
  CHECK(closest_name("grru", kModels) == "gru");                 // one insertion
  CHECK(closest_name("transfromer", kModels) == "transformer");  // a swap costs two
  CHECK(closest_name("hiden_size", kKeys) == "hidden_size");
  CHECK(closest_name("num_layer", kKeys) == "num_layers");
  CHECK(closest_name("Dropout", kKeys) == "dropout");  // case counts as one edit
  CHECK(closest_name("dropout", kKeys) == "dropout");  // an exact match is its own closest
}

TEST_CASE("closest_name picks the nearest of several near names, the first of equals") {
  CHECK(closest_name("adamm", {"adam", "adamw"}) == "adam");  // both one edit away: the first listed
  CHECK(closest_name("adamw_", {"adam", "adamw"}) == "adamw");
  CHECK(closest_name("rms", {"rmsprop", "rm"}) == "rm");
}

TEST_CASE("closest_name suggests nothing when no name is within a typo's distance") {
  // The allowance: two edits, or a third of the word's length when that is more.
  CHECK(closest_name("xyz", kModels) == "");
  CHECK(closest_name("convolution", kModels) == "");
  CHECK(closest_name("learning_rate", kKeys) == "");
  CHECK(closest_name("lstm", {}) == "");
  CHECK(closest_name("ab", {"abcd"}) == "abcd");                   // two edits: allowed
  CHECK(closest_name("ab", {"abcde"}) == "");                      // three: not
  CHECK(closest_name("abcdefghi", {"abcdefxyz"}) == "abcdefxyz");  // 3 of 9 letters
  CHECK(closest_name("abcdefghi", {"abcdewxyz"}) == "");           // 4 of 9
}

TEST_CASE("join lists the names with the separator between them only") {
  CHECK(seqlab::join({}) == "");
  CHECK(seqlab::join({"rnn"}) == "rnn");
  CHECK(seqlab::join({"rnn", "lstm", "gru"}) == "rnn, lstm, gru");
  CHECK(seqlab::join({"a", "b"}, " | ") == "a | b");
}
