// .npy files: what seqlab writes, numpy reads (an independent reader), and back.
#include <doctest/doctest.h>

#include "runs/npy.hpp"
#include "support/prerequisite.hpp"
#include "support/process.hpp"

using seqlab::test::ScratchDir;

TEST_CASE("write_npy output is read back by read_npy, shape and values intact") {
  ScratchDir dir("npy");
  const std::vector<float> values = {1.5f, -2.25f, 3.0e-8f, 4.0f, 5.0f, 6.0f};
  for (const auto& shape :
       {std::vector<std::size_t>{6}, std::vector<std::size_t>{2, 3}, std::vector<std::size_t>{1, 2, 3}}) {
    seqlab::write_npy(dir / "a.npy", values.data(), shape);
    const auto array = seqlab::read_npy(dir / "a.npy");
    CHECK(array.shape == shape);
    CHECK(array.data == values);
  }
}

TEST_CASE("numpy.load reads seqlab's weights with the right shape and values") {
  // Debian's interpreter, which has Debian's numpy: a python3 earlier on PATH (a pyenv shim, say) may not.
  if (seqlab::test::run_shell("/usr/bin/python3 -c 'import numpy'").exit_code != 0) {
    seqlab::test::missing_prerequisite("Debian's python3-numpy", "tools/setup --with-test-packages installs it");
    return;
  }
  ScratchDir dir("npy");
  const std::vector<float> values = {0.5f, -1.0f, 2.0f, 3.25f, -4.5f, 1e-6f};
  seqlab::write_npy(dir / "w.npy", values.data(), {3, 2});
  const auto result =
      seqlab::test::run_shell("/usr/bin/python3 -c \"import numpy as n; a = n.load('" + (dir / "w.npy") +
                              "'); print(a.dtype, a.shape, ' '.join(repr(float(x)) for x in a.ravel()))\"");
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK(result.output == "float32 (3, 2) 0.5 -1.0 2.0 3.25 -4.5 9.999999974752427e-07\n");
}

TEST_CASE("read_npy refuses what it cannot read, naming the file") {
  ScratchDir dir("npy");
  seqlab::test::write_file(dir / "bad.npy", "not numpy");
  CHECK_THROWS_WITH_AS(seqlab::read_npy(dir / "bad.npy"), doctest::Contains("bad.npy"), std::runtime_error);
  CHECK_THROWS_AS(seqlab::read_npy(dir / "missing.npy"), std::runtime_error);
}
