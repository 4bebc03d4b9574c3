// sha256 of text and of files against FIPS 180-2's published digests.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "support/process.hpp"
#include "util/sha256.hpp"

using seqlab::test::ScratchDir;
using seqlab::test::write_file;

namespace {

// FIPS 180-2, appendix B (and the digest of no bytes at all).
const std::string kEmpty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const std::string kAbc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
const std::string kTwoBlocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
const std::string kTwoBlocksDigest = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
const std::string kMillionAs = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

}  // namespace

TEST_CASE("sha256_of_text gives the published digests, in lower-case hex") {
  CHECK(seqlab::sha256_of_text("") == kEmpty);
  CHECK(seqlab::sha256_of_text("abc") == kAbc);
  CHECK(seqlab::sha256_of_text(kTwoBlocks) == kTwoBlocksDigest);
  CHECK(seqlab::sha256_of_text(std::string(1000000, 'a')) == kMillionAs);
  // Bytes, not C strings: a NUL inside counts.
  CHECK(seqlab::sha256_of_text(std::string("abc\0", 4)) != kAbc);
}

TEST_CASE("sha256_of_file hashes a file's bytes as sha256_of_text hashes the same text") {
  ScratchDir dir("sha256");
  write_file(dir / "empty", "");
  write_file(dir / "abc", "abc");
  // A million bytes take several of the reader's 64 KiB buffers, the last one partly filled.
  write_file(dir / "million", std::string(1000000, 'a'));
  CHECK(seqlab::sha256_of_file(dir / "empty") == kEmpty);
  CHECK(seqlab::sha256_of_file(dir / "abc") == kAbc);
  CHECK(seqlab::sha256_of_file(dir / "million") == kMillionAs);
}

TEST_CASE("sha256_of_file names a file it cannot read") {
  ScratchDir dir("sha256");
  try {
    seqlab::sha256_of_file(dir / "missing");
    FAIL("a missing file was hashed");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()) == dir / "missing" + ": cannot open to hash");
  }
}
