// Lists and text from someone else's file, as messages show them: at most 20 names, control characters escaped.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "util/short_list.hpp"

using seqlab::printable;
using seqlab::short_list;

namespace {

std::vector<std::string> names(std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back("c" + std::to_string(i));
  return out;
}

}  // namespace

TEST_CASE("short_list joins up to 20 names whole, and cuts a longer list with how many more there are") {
  CHECK(seqlab::kMaxListed == 20);
  CHECK(short_list({}, ", ") == "");
  CHECK(short_list({"a"}, ", ") == "a");
  CHECK(short_list({"a", "b", "c"}, ", ") == "a, b, c");
  const std::string twenty = short_list(names(20), ", ");
  CHECK(twenty.substr(0, 8) == "c0, c1, ");
  CHECK(twenty.substr(twenty.size() - 8) == "c18, c19");
  CHECK(twenty.find("more") == std::string::npos);
  const std::string twenty_one = short_list(names(21), ", ");
  CHECK(twenty_one == twenty + ", and 1 more");
  // A crafted file's million names: still 20 and a count.
  CHECK(short_list(names(1000000), ", ") == twenty + ", and 999980 more");
  CHECK(short_list(names(5), " / ", 2) == "c0 / c1 / and 3 more");
  CHECK(short_list(names(2), ", ", 2) == "c0, c1");
}

TEST_CASE("printable writes \\n, \\t and \\r by name, other control bytes and DEL as \\xNN") {
  CHECK(printable("plain text") == "plain text");
  CHECK(printable("a\nb\tc\rd") == "a\\nb\\tc\\rd");
  CHECK(printable("\x1b[31mred") == "\\x1b[31mred");  // an ANSI colour: the terminal sees no ESC
  CHECK(printable(std::string("nul\0here", 8)) == "nul\\x00here");
  CHECK(printable("\x7f") == "\\x7f");
  CHECK(printable("\x01\x1f") == "\\x01\\x1f");
  CHECK(printable("caf\xc3\xa9 \\ \"") == "caf\xc3\xa9 \\ \"");  // UTF-8, backslash and quotes pass
}

TEST_CASE("printable cuts at max_chars bytes of the original and marks the cut, npos never cuts") {
  const std::string sixty(60, 'x');
  CHECK(printable(sixty) == sixty);
  CHECK(printable(sixty + "y") == sixty + "...");
  CHECK(printable("abcdef", 3) == "abc...");
  CHECK(printable("abc", 3) == "abc");
  // The cut counts the original's bytes: escapes lengthen what is shown, not what is kept.
  CHECK(printable("\n\n\n\n", 2) == "\\n\\n...");
  const std::string path(5000, 'p');
  CHECK(printable(path, std::string::npos) == path);
}
