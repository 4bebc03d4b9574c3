// seqlab/kernels/fused_tiles.hpp: the fused kernels' unit-block gate order against its definition worked out
// from the other side (which PyTorch column a kernel column holds), the matrix moves in and out of that order,
// a product in it against the same product in PyTorch's order, and the tile shapes a fused layer gets.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <seqlab/kernels/fused_tiles.hpp>
#include <seqlab/kernels/recurrent_products.hpp>
#include <seqlab/kernels/register_gemm.hpp>
#include <seqlab/random.hpp>
#include <vector>

namespace {

namespace recurrent = seqlab::recurrent;
using recurrent::kLanes;

// The PyTorch column (gate q of unit u: q H + u) that kernel column p holds in unit-block order: blocks of kLanes
// units, each block holding its units' gate 0, then gate 1, ...
std::size_t pytorch_column(std::size_t p, std::size_t hidden, std::size_t gates) {
  const std::size_t block = p / (gates * kLanes), q = p / kLanes % gates, lane = p % kLanes;
  return q * hidden + block * kLanes + lane;
}

}  // namespace

TEST_CASE("GateOrder: unit blocks hold every gate of kLanes units, and without them PyTorch's order stays") {
  for (std::size_t gates : {1, 3, 4})
    for (std::size_t blocks : {1, 3}) {
      const std::size_t hidden = blocks * kLanes;
      CAPTURE(gates);
      CAPTURE(hidden);
      const recurrent::GateOrder order(hidden, gates, true), identity(hidden, gates, false);
      REQUIRE(order.size() == gates * hidden);
      std::vector<int> hit(order.size(), 0);
      for (std::size_t k = 0; k < order.size(); ++k) {
        CHECK(identity[k] == k);
        ++hit.at(order[k]);
      }
      CHECK(std::all_of(hit.begin(), hit.end(), [](int h) { return h == 1; }));  // a permutation
      for (std::size_t p = 0; p < order.size(); ++p) CHECK(order[pytorch_column(p, hidden, gates)] == p);
    }
}

TEST_CASE("GateOrder moves a (G x width) matrix's rows into the kernels' order and back, plain or transposed") {
  const std::size_t hidden = 2 * kLanes, gates = 4, g = gates * hidden, width = 3;
  const recurrent::GateOrder order(hidden, gates, true);
  std::vector<float> m(g * width);  // m[k][i] = 1000 k + i: every entry tells where it came from
  for (std::size_t k = 0; k < g; ++k)
    for (std::size_t i = 0; i < width; ++i) m[k * width + i] = float(1000 * k + i);
  std::vector<float> rows(g * width), transposed(g * width), back(g * width), back_t(g * width);
  order.rows_in(m.data(), width, rows.data());
  order.transpose_in(m.data(), width, transposed.data());
  for (std::size_t p = 0; p < g; ++p)
    for (std::size_t i = 0; i < width; ++i) {
      const float expected = float(1000 * pytorch_column(p, hidden, gates) + i);
      CHECK(rows[p * width + i] == expected);
      CHECK(transposed[i * g + p] == expected);
    }
  order.rows_out(rows.data(), width, back.data());
  order.transpose_out(transposed.data(), width, back_t.data());
  CHECK(back == m);
  CHECK(back_t == m);
}

TEST_CASE("a product with weights in the kernels' order gives PyTorch's gate columns, permuted") {
  // h (rows x H) W_hh^T with W_hh (G x H) in PyTorch's order, against the fast kernels' product on rows_in's and
  // transpose_in's copies (the register kernel reads the second, OpenBLAS the first).
  const std::size_t hidden = 2 * kLanes, gates = 4, g = gates * hidden, rows = 7;
  const recurrent::GateOrder order(hidden, gates, true);
  seqlab::Random random(41);
  std::vector<float> h(rows * hidden), w(g * hidden), w_in(g * hidden), w_t(hidden * g), c(rows * g);
  for (float& v : h) v = static_cast<float>(random.uniform(-1, 1));
  for (float& v : w) v = static_cast<float>(random.uniform(-1, 1));
  order.rows_in(w.data(), hidden, w_in.data());
  order.transpose_in(w.data(), hidden, w_t.data());
  recurrent::product_nt(h.data(), rows, hidden, w_in.data(), w_t.data(), g, c.data(), false);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t k = 0; k < g; ++k) {
      double exact = 0;
      for (std::size_t j = 0; j < hidden; ++j) exact += double(h[r * hidden + j]) * w[k * hidden + j];
      CHECK(c[r * g + order[k]] == doctest::Approx(exact).epsilon(1e-5));
    }
}

TEST_CASE("which layers fuse, and the tile each gate count gets") {
  const bool wide = seqlab::register_gemm_detail::kWide;
  CHECK(recurrent::fuses_cell(2 * kLanes, 4) == wide);
  CHECK(recurrent::fuses_cell(kLanes, 1) == wide);
  CHECK_FALSE(recurrent::fuses_cell(kLanes + 1, 4));  // not whole unit blocks
  CHECK_FALSE(recurrent::fuses_cell(512, 4));         // W_hh^T of 512 x 2048 floats: past the register kernel's panel
  std::size_t r = 0, nb = 0;
  const auto take = [&](auto rows, auto vectors) {
    r = decltype(rows)::value;
    nb = decltype(vectors)::value;
  };
  recurrent::with_gate_tile<4>(2 * kLanes, take);
  CHECK((r == 6 && nb == 4));  // 4 gates of one unit block per tile
  recurrent::with_gate_tile<3>(2 * kLanes, take);
  CHECK((r == 8 && nb == 3));
  std::size_t r1 = 0, nb1 = 0;
  seqlab::register_gemm_detail::with_tile(2 * kLanes, [&](auto rows, auto vectors) {
    r1 = decltype(rows)::value;
    nb1 = decltype(vectors)::value;
  });
  recurrent::with_gate_tile<1>(2 * kLanes, take);
  CHECK((r == r1 && nb == nb1));  // one gate: any product's tile
  // Two gates (an out-of-tree cell's, tests/out_of_tree/cell/): whole unit blocks of both gates, two or one per
  // tile, at every H the fused kernels take (a tile of one vector would split a unit block's gates).
  for (std::size_t hidden : {kLanes, 2 * kLanes, 3 * kLanes, 4 * kLanes}) {
    recurrent::with_gate_tile<2>(hidden, take);
    CHECK(nb % 2 == 0);
    CHECK((2 * hidden) % (nb * kLanes) == 0);
  }
  CHECK(recurrent::tile_rows<float(&)[5][3]> == 5);
}
