// seqlab/kernels/recurrent_shards.hpp: the pieces a fast model's shards are run with, against what they promise
// computed here another way: the folded widths, a time-major step's block, groups that cut a shard in order, the
// fixed order of the shard gradients' sums, and dropout masks that do not depend on how a batch is sharded.
#include <doctest/doctest.h>

#include <numeric>
#include <seqlab/kernels/recurrent_shards.hpp>
#include <vector>

namespace {

using seqlab::Tensor1;
using seqlab::Tensor3;
namespace recurrent = seqlab::recurrent;

recurrent::Shard shard_of(std::size_t row0, std::size_t rows, std::size_t block = 0) {
  recurrent::Shard sh;
  sh.row0 = row0;
  sh.rows = rows;
  sh.block = block;
  return sh;
}

}  // namespace

TEST_CASE("the folded input widths: 0, 1, or kFoldedInputWidth for anything up to it") {
  for (std::size_t width = 0; width <= recurrent::kFoldedInputWidth; ++width) {
    std::size_t unrolled = 99;
    recurrent::with_folded_width(width, [&](auto n) { unrolled = decltype(n)::value; });
    CAPTURE(width);
    CHECK(unrolled >= width);
    CHECK(unrolled == (width <= 1 ? width : recurrent::kFoldedInputWidth));
  }
}

TEST_CASE("at(seq, t) is step t's (rows, F) block of a time-major sequence") {
  Tensor3 seq = Tensor3::from_shape({4, 3, 5});
  std::iota(seq.begin(), seq.end(), 0.0f);
  for (std::size_t t = 0; t < 4; ++t) CHECK(*recurrent::at(seq, t) == seq(t, 0, 0));
  CHECK(recurrent::at(seq, 2)[1 * 5 + 4] == seq(2, 1, 4));
}

TEST_CASE("a shard's groups are consecutive runs of its rows, sizes differing by at most one") {
  for (std::size_t rows : {1, 12, 13, 100, 257})
    for (std::size_t groups = 1; groups <= std::min<std::size_t>(rows, 9); ++groups) {
      recurrent::Shard shard = shard_of(40, rows);
      shard.groups = groups;
      // A workspace with a buffer of each size the groups can have.
      std::vector<recurrent::Shard> workspace{shard_of(0, rows / groups), shard_of(0, rows / groups + 1)};
      std::size_t next = shard.row0;
      for (std::size_t j = 0; j < groups; ++j) {
        const std::size_t size = recurrent::group_rows(shard, j);
        CHECK((size == rows / groups || size == rows / groups + 1));
        const recurrent::Shard& group = recurrent::group_buffers(shard, j, workspace);
        CHECK(group.rows == size);
        CHECK(group.row0 == next);
        next += size;
      }
      CHECK(next == shard.row0 + rows);
    }
}

TEST_CASE("shard gradients are summed per reduction block, then block by block, and group gradients in row order") {
  // Values whose float sum depends on the order: 1 + 1e8 - 1e8 is 0 left to right, 1 with block 1 summed first.
  const float part[] = {1.0f, 1e8f, -1e8f, 4.0f};
  std::vector<recurrent::Shard> shards{shard_of(0, 1, 0), shard_of(1, 1, 1), shard_of(2, 1, 1), shard_of(3, 1, 2)};
  std::vector<seqlab::Parameter> parameters{{"w", {2}}};
  for (std::size_t s = 0; s < shards.size(); ++s) {
    shards[s].grads.push_back(Tensor1::from_shape({2}));
    shards[s].grads[0][0] = part[s];
    shards[s].grads[0][1] = float(s);
  }
  recurrent::sum_shard_gradients(shards, parameters);
  const float expected = (part[0] + (part[1] + part[2])) + part[3];  // blocks 0, 1 (two shards), 2
  CHECK(parameters[0].grad[0] == expected);
  CHECK(parameters[0].grad[1] == 0.0f + (1.0f + 2.0f) + 3.0f);

  recurrent::Shard shard = shard_of(0, 2), group = shard_of(0, 1);
  shard.grads.push_back(Tensor1::from_shape({1}));
  shard.grads[0][0] = 123.0f;  // overwritten by the first group
  group.grads.push_back(Tensor1::from_shape({1}));
  for (const float g : {1e8f, 1.0f, -1e8f}) {
    group.grads[0][0] = g;
    recurrent::add_group_gradient(group, g == 1e8f, shard);
  }
  CHECK(shard.grads[0][0] == (1e8f + 1.0f) + -1e8f);  // copied, then added in order: 0
}

TEST_CASE("dropout masks drawn shard by shard are the whole batch's, and applied to a shard's layers") {
  recurrent::Sizes sizes;
  sizes.hidden = 3;
  sizes.layers = 3;
  sizes.dropout = 0.4;
  const std::size_t steps = 4, batch = 7;
  // The whole batch's masks in one draw, as recurrent_common.hpp states their order.
  std::vector<Tensor3> whole(2, Tensor3::from_shape({steps, batch, sizes.hidden}));
  seqlab::Random one_draw(21);
  recurrent::fill_dropout_masks(one_draw, sizes.dropout, batch, steps, sizes.hidden,
                                {whole[0].data(), whole[1].data()});
  // The same batch as two shards of 3 and 4 rows.
  recurrent::FastCache cache;
  cache.steps = steps;
  cache.shards = {shard_of(0, 3), shard_of(3, 4)};
  for (auto& sh : cache.shards)
    for (int l = 0; l < 2; ++l) sh.masks.push_back(Tensor3::from_shape({steps, sh.rows, sizes.hidden}));
  seqlab::Random by_shard(21);
  recurrent::draw_masks(nullptr, sizes, cache);  // evaluating: nothing drawn
  CHECK_FALSE(cache.dropping);
  recurrent::draw_masks(&by_shard, sizes, cache);
  CHECK(cache.dropping);
  for (const auto& sh : cache.shards)
    for (std::size_t l = 0; l < 2; ++l)
      for (std::size_t t = 0; t < steps; ++t)
        for (std::size_t r = 0; r < sh.rows; ++r)
          for (std::size_t k = 0; k < sizes.hidden; ++k) CHECK(sh.masks[l](t, r, k) == whole[l](t, sh.row0 + r, k));
  CHECK(by_shard.next_u64() == one_draw.next_u64());  // as many draws

  // Layer 1 reads h^0 * m^0 while dropping, h^0 otherwise; dL/dx handed down is multiplied by the mask below.
  recurrent::Shard& sh = cache.shards[1];
  sh.inputs = Tensor3::from_shape({steps, sh.rows, 1});
  for (int l = 0; l < 3; ++l) sh.hidden.push_back(Tensor3::from_shape({steps, sh.rows, sizes.hidden}));
  for (int l = 0; l < 2; ++l) sh.dropped.push_back(Tensor3::from_shape({steps, sh.rows, sizes.hidden}));
  sh.hidden[0].fill(2.0f);
  sh.grad_hidden = Tensor3::from_shape({steps, sh.rows, sizes.hidden});
  sh.grad_hidden.fill(3.0f);
  recurrent::drop_outputs(sizes, sh, 0, steps, true);
  recurrent::drop_outputs(sizes, sh, 2, steps, true);  // the top layer's output is never dropped: no-op
  recurrent::drop_gradient(sizes, sh, 1, steps, true);
  CHECK(recurrent::layer_input(sh, 0, true) == sh.inputs.data());
  CHECK(recurrent::layer_input(sh, 1, false) == sh.hidden[0].data());
  CHECK(recurrent::layer_input(sh, 1, true) == sh.dropped[0].data());
  for (std::size_t i = 0; i < sh.dropped[0].size(); ++i) {
    CHECK(sh.dropped[0].data()[i] == 2.0f * sh.masks[0].data()[i]);
    CHECK(sh.grad_hidden.data()[i] == 3.0f * sh.masks[0].data()[i]);
  }
}
