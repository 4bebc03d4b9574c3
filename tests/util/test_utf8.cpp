// The UTF-8 validator against RFC 3629's table: what is well-formed, and each kind of ill-formed sequence.
#include <doctest/doctest.h>

#include <string>

#include "util/utf8.hpp"

using seqlab::is_valid_utf8;

TEST_CASE("is_valid_utf8 accepts well-formed text of one to four bytes a character, at each range's ends") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain ASCII, with a tab\t"));
  CHECK(is_valid_utf8(std::string("a\0b", 3)));                          // U+0000 is a character like any other
  CHECK(is_valid_utf8("\x7f"));                                          // U+007F, the last one-byte character
  CHECK(is_valid_utf8("\xc2\x80"));                                      // U+0080, the first two-byte one
  CHECK(is_valid_utf8("caf\xc3\xa9"));                                   // é
  CHECK(is_valid_utf8("\xdf\xbf"));                                      // U+07FF
  CHECK(is_valid_utf8("\xe0\xa0\x80"));                                  // U+0800, the first three-byte one
  CHECK(is_valid_utf8("\xe2\x82\xac"));                                  // €
  CHECK(is_valid_utf8("\xed\x9f\xbf"));                                  // U+D7FF, just below the surrogates
  CHECK(is_valid_utf8("\xee\x80\x80"));                                  // U+E000, just above them
  CHECK(is_valid_utf8("\xef\xbf\xbf"));                                  // U+FFFF
  CHECK(is_valid_utf8("\xf0\x90\x80\x80"));                              // U+10000, the first four-byte one
  CHECK(is_valid_utf8("\xf0\x9f\x98\x80"));                              // an emoji
  CHECK(is_valid_utf8("\xf4\x8f\xbf\xbf"));                              // U+10FFFF, the last code point
  CHECK(is_valid_utf8("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"));  // κόσμε, mixed lengths in a row
}

TEST_CASE("is_valid_utf8 refuses stray, missing and truncated continuation bytes") {
  CHECK_FALSE(is_valid_utf8("\x80"));  // a continuation byte with no lead
  CHECK_FALSE(is_valid_utf8("\xbf"));
  CHECK_FALSE(is_valid_utf8("a\x80z"));
  CHECK_FALSE(is_valid_utf8("\xc3"));          // a lead byte at the end
  CHECK_FALSE(is_valid_utf8("\xc3z"));         // followed by ASCII
  CHECK_FALSE(is_valid_utf8("\xe2\x82"));      // three bytes announced, two there
  CHECK_FALSE(is_valid_utf8("\xf0\x9f\x98"));  // four announced, three there
  CHECK_FALSE(is_valid_utf8("\xe2\x82z"));
  CHECK_FALSE(is_valid_utf8("\xc3\xa9\xa9"));  // one continuation too many
  CHECK_FALSE(is_valid_utf8("\xfe"));          // bytes that never occur in UTF-8
  CHECK_FALSE(is_valid_utf8("\xff"));
  CHECK_FALSE(is_valid_utf8("\xf5\x80\x80\x80"));      // F5..F7 would start code points above U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xf8\x88\x80\x80\x80"));  // the old five- and six-byte forms
  CHECK_FALSE(is_valid_utf8("\xfc\x84\x80\x80\x80\x80"));
  CHECK_FALSE(is_valid_utf8(std::string("\xe9\x00\x80", 3)));  // NUL is no continuation
}

TEST_CASE("is_valid_utf8 refuses overlong forms, surrogates and code points above U+10FFFF") {
  // Overlong: a character written in more bytes than it needs ("/" as C0 AF is the classic path trick).
  CHECK_FALSE(is_valid_utf8("\xc0\xaf"));
  CHECK_FALSE(is_valid_utf8("\xc0\x80"));          // NUL in two bytes ("modified UTF-8")
  CHECK_FALSE(is_valid_utf8("\xc1\xbf"));          // U+007F in two bytes
  CHECK_FALSE(is_valid_utf8("\xe0\x80\xaf"));      // "/" in three
  CHECK_FALSE(is_valid_utf8("\xe0\x9f\xbf"));      // U+07FF in three
  CHECK_FALSE(is_valid_utf8("\xf0\x80\x80\xaf"));  // "/" in four
  CHECK_FALSE(is_valid_utf8("\xf0\x8f\xbf\xbf"));  // U+FFFF in four
  // UTF-16 surrogates, alone and as a pair (CESU-8).
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));  // U+D800
  CHECK_FALSE(is_valid_utf8("\xed\xbf\xbf"));  // U+DFFF
  CHECK_FALSE(is_valid_utf8("\xed\xa0\xbd\xed\xb8\x80"));
  // Above the last code point.
  CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // U+110000
  CHECK_FALSE(is_valid_utf8("\xf4\xbf\xbf\xbf"));
}
