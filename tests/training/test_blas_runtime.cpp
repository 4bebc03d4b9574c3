// OpenBLAS's run-time facts: the thread pool's size as set, and the name of the kernel it chose for this CPU.
#include <doctest/doctest.h>

#include <cctype>
#include <string>

#include "training/blas_runtime.hpp"

TEST_CASE("set_blas_threads sets the pool size blas_threads reports") {
  const int before = seqlab::blas_threads();
  CHECK(before >= 1);
  seqlab::set_blas_threads(1);
  CHECK(seqlab::blas_threads() == 1);
  seqlab::set_blas_threads(2);
  // OpenBLAS caps the pool at the cores it was built for; a build for one core stays at 1.
  CHECK((seqlab::blas_threads() == 2 || seqlab::blas_threads() == 1));
  seqlab::set_blas_threads(before);
  CHECK(seqlab::blas_threads() == before);
}

TEST_CASE("blas_core names OpenBLAS's kernel as one word, as summary.json records it") {
  const std::string core = seqlab::blas_core();
  CHECK_FALSE(core.empty());
  for (const char c : core) CHECK(std::isalnum(static_cast<unsigned char>(c)));
}
