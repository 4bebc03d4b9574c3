// Numbers read from text: the whole text one number, in any locale.
#include <doctest/doctest.h>

#include <clocale>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "support/prerequisite.hpp"
#include "support/process.hpp"
#include "util/parse_number.hpp"

using seqlab::parse_number;

namespace {

// The number `text` reads as; NaN (checked with std::isnan) when it is refused.
double parsed(const std::string& text) {
  double value = 0;
  return parse_number(text, value) ? value : std::numeric_limits<double>::quiet_NaN();
}

bool refused(const std::string& text) {
  double value = 42;
  const bool ok = parse_number(text, value);
  CHECK(value == 42);  // a refusal leaves `value` as it was
  return !ok;
}

}  // namespace

TEST_CASE("parse_number reads the forms the header lists, and infinity") {
  CHECK(parsed("32") == 32);
  CHECK(parsed("1e-4") == 1e-4);
  CHECK(parsed("-0.5") == -0.5);
  CHECK(parsed("0.1") == 0.1);
  CHECK(parsed(".5") == 0.5);
  CHECK(parsed("1E+3") == 1000);
  CHECK(parsed("1.7976931348623157e308") == std::numeric_limits<double>::max());
  CHECK(parsed("inf") == std::numeric_limits<double>::infinity());
  CHECK(parsed("-inf") == -std::numeric_limits<double>::infinity());
  CHECK(std::signbit(parsed("-0")));
}

TEST_CASE("parse_number refuses empty text, trailing or leading junk, and what overflows a double") {
  CHECK(refused(""));
  CHECK(refused(" "));
  CHECK(refused("1 "));
  CHECK(refused(" 1"));
  CHECK(refused("1x"));
  CHECK(refused("1e"));
  CHECK(refused("0x10"));
  CHECK(refused("1,5"));
  CHECK(refused("1.5.2"));
  CHECK(refused("+1"));  // from_chars has no leading '+'
  CHECK(refused("abc"));
  CHECK(refused("1e400"));
  CHECK(refused("-1e400"));
  // Only the view counts: what follows it in memory is not read.
  double value = 0;
  const std::string text = "12345";
  CHECK(parse_number(std::string_view(text).substr(0, 2), value));
  CHECK(value == 12);
}

TEST_CASE("parse_number reads a decimal point, never the locale's decimal comma") {
  // A locale whose decimal separator is a comma: de_DE if installed, else compiled here with localedef.
  seqlab::test::ScratchDir dir("locale");
  const std::string saved = std::setlocale(LC_ALL, nullptr);
  bool german = std::setlocale(LC_ALL, "de_DE.UTF-8") != nullptr;
  if (!german) {
    const auto made = seqlab::test::run_shell("localedef -i de_DE -f UTF-8 '" + (dir / "de_DE.UTF-8") + "'");
    ::setenv("LOCPATH", dir.path().c_str(), 1);
    german = made.exit_code == 0 && std::setlocale(LC_ALL, "de_DE.UTF-8") != nullptr;
  }
  if (!german) {
    ::unsetenv("LOCPATH");
    seqlab::test::missing_prerequisite("a locale with a decimal comma (de_DE)",
                                       "apt-get install locales (its localedef and de_DE source)");
    return;
  }
  // The locale is in force: the C library now reads "1,5" as one and a half.
  CHECK(std::strtod("1,5", nullptr) == 1.5);
  CHECK(parsed("1.5") == 1.5);
  CHECK(parsed("-2.25e-3") == -2.25e-3);
  CHECK(refused("1,5"));
  std::setlocale(LC_ALL, saved.c_str());
  ::unsetenv("LOCPATH");
}
