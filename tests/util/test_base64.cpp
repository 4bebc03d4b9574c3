// Base64 against RFC 4648's test vectors (section 10), and every byte value.
#include <doctest/doctest.h>

#include <string>

#include "util/base64.hpp"

TEST_CASE("base64 encodes RFC 4648's examples") {
  CHECK(seqlab::base64("") == "");
  CHECK(seqlab::base64("f") == "Zg==");
  CHECK(seqlab::base64("fo") == "Zm8=");
  CHECK(seqlab::base64("foo") == "Zm9v");
  CHECK(seqlab::base64("foob") == "Zm9vYg==");
  CHECK(seqlab::base64("fooba") == "Zm9vYmE=");
  CHECK(seqlab::base64("foobar") == "Zm9vYmFy");
}

TEST_CASE("base64 takes bytes, high ones and NUL included, into the standard alphabet with + and /") {
  CHECK(seqlab::base64(std::string("\0", 1)) == "AA==");
  CHECK(seqlab::base64(std::string("\0\0\0", 3)) == "AAAA");
  CHECK(seqlab::base64("\xff\xff\xff") == "////");
  CHECK(seqlab::base64("\xfb\xef\xbe") == "++++");               // 111110 repeated: index 62
  CHECK(seqlab::base64("\x89PNG\r\n\x1a\n") == "iVBORw0KGgo=");  // the PNG signature, as data: URLs begin
  // Every byte value once: 256 bytes, 86 groups (the last of one byte), so 344 characters ending in "==".
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  const std::string encoded = seqlab::base64(all);
  CHECK(encoded.size() == 344);
  CHECK(encoded.substr(0, 8) == "AAECAwQF");
  CHECK(encoded.substr(encoded.size() - 8) == "/P3+/w==");
}
