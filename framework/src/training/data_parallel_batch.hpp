// One training batch computed by several processes, with the bits one process would get.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <seqlab/loss.hpp>
#include <seqlab/model.hpp>
#include <seqlab/random.hpp>
#include <vector>

#include "training/batch_split.hpp"

namespace seqlab {

// The batch is cut into seqlab/parallel.hpp's reduction blocks, fixed by its row count;
// each process trains whole blocks (share_of_batch over blocks), each block as a
// batch of its own with its own cache. The blocks' outputs are exchanged (every
// other process contributes zeros, so the sum is exact), every process computes the
// batch's loss and dL/dy from all of them, and each block's gradient is exchanged
// the same way and added in block order, in float. A model whose gradient is that
// sum (seqlab's recurrent models: one shard per block, shards added in order) and
// whose dropout draws follow Model::draws_per_sequence gets the same loss, gradient
// and stream as in one process, at any process count. Where the trainer trains in one pass
// (Model::train_step, a separable loss), each block does too, and asks the loss for its
// rows' gradient itself: the outputs are exchanged after, for the loss's value.
class DataParallelBatch {
 public:
  DataParallelBatch(Model& model, const Loss& loss, BatchSplit& split, std::size_t steps);

  // The batch `inputs` -> `targets` (all its rows: every process holds the data): writes
  // the batch's gradient into the model's parameters' grads and returns its mean loss,
  // the same in every process. `dropout`, the stream the model trains with, stands at the
  // batch's first draw and is left after its last. (A model that draws without declaring
  // draws_per_sequence draws from it directly: its masks then depend on the process count.)
  double compute(const Tensor3& inputs, const Tensor3& targets, Random* dropout);

 private:
  struct Block {
    std::size_t first = 0, rows = 0;  // the batch's rows [first, first + rows)
    std::unique_ptr<ModelCache> cache;
    Tensor3 inputs, outputs, grad_outputs;
    std::vector<float> grads;  // its gradient, every parameter's in order, from a one-pass step
  };
  struct BatchBlocks {  // everything one batch size needs, made once
    std::size_t count = 0;
    std::size_t mine_first = 0, mine_last = 0;  // the blocks this process trains
    std::vector<Block> mine;
    Tensor3 outputs, grad_outputs;  // the whole batch's
    std::vector<double> exchange;   // outputs, then one gradient per block
  };
  BatchBlocks& blocks_for(const Tensor3& inputs, const Tensor3& targets);
  void forward_mine(BatchBlocks& b, const Tensor3& inputs, Random* dropout);
  bool train_mine_in_one_pass(BatchBlocks& b, const Tensor3& inputs, const Tensor3& targets, Random* dropout);
  void exchange_outputs(BatchBlocks& b);
  void sum_block_gradients(BatchBlocks& b, bool one_pass);

  Model& model_;
  const Loss& loss_;
  BatchSplit& split_;
  std::size_t steps_;
  std::size_t parameter_values_ = 0;
  Random block_stream_{0};  // the dropout stream placed at one block's draws
  std::map<std::size_t, BatchBlocks> by_rows_;
};

}  // namespace seqlab
