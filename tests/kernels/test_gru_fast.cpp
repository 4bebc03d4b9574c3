// seqlab/kernels/gru_fast.hpp (GruFast) against the gru plugin's reference kernel (recurrent_reference.hpp with the
// recurrent part apart), on small, awkward and random shapes, with and without dropout.
#include <doctest/doctest.h>

#include "kernels/recurrent_test_kit.hpp"

TEST_CASE("the fast gru kernel agrees with the reference kernel") {
  seqlab::kernel_tests::compare_kernels_on_every_shape("gru");
}
