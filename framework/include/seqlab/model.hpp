// The model plugin interface: forward and explicit backward over a batch of sequences.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "seqlab/parameter.hpp"
#include "seqlab/random.hpp"
#include "seqlab/tensor.hpp"

namespace seqlab {

// What the runner tells a model about the data it will see (inferred from the dataset).
struct ModelShape {
  std::size_t input_size = 1;    // features per input step
  std::size_t output_size = 1;   // features per predicted step
  std::size_t steps = 1;         // input steps per sequence
  std::size_t target_steps = 1;  // predicted steps per sequence: 1 (last) or `steps`
};

// Activations and scratch of one forward pass, made by the model for one batch
// shape and reused across batches of that shape: no allocation per epoch.
class ModelCache {
 public:
  virtual ~ModelCache() = default;
};

class Model {
 public:
  virtual ~Model() = default;

  // Parameters in a fixed order, named and laid out as PyTorch's state_dict.
  virtual std::vector<Parameter>& parameters() = 0;

  // How many steps the model predicts for an input of `steps` steps; the
  // runner compares it with the dataset's targets before training.
  virtual std::size_t output_steps(std::size_t steps) const = 0;

  // A cache for batches of (batch, steps) sequences.
  virtual std::unique_ptr<ModelCache> make_cache(std::size_t batch, std::size_t steps) const = 0;

  // inputs: (batch, steps, input_size) -> outputs: (batch, output_steps, output_size),
  // written into `outputs` (resized if needed). Keeps what backward needs in `cache`.
  virtual void forward(const Tensor3& inputs, ModelCache& cache, Tensor3& outputs) = 0;

  // Given dLoss/dOutputs of the last forward with this cache, writes (not adds)
  // dLoss/dParameter into every parameter's grad.
  virtual void backward(const Tensor3& inputs, ModelCache& cache, const Tensor3& grad_outputs) = 0;

  // Training or evaluation mode, as PyTorch's model.train() / model.eval(): with a `random`, the
  // forward passes that follow train, and draw whatever they draw (dropout masks) from it; with
  // nullptr they evaluate (no dropout). The runner owns the stream (the seed's "dropout" stream,
  // saved in checkpoints) and switches modes between training batches and validation or
  // prediction. A new model starts in evaluation mode; one without dropout may ignore this.
  virtual void set_training(Random* random) { (void)random; }

  // How many values a training forward draws from that stream for each sequence of `steps` steps,
  // if it draws them sequence by sequence in batch order (all of row 0's, then row 1's, ...): the
  // data-parallel runner then starts each process's stream at its first row's draws, so the masks,
  // and the numbers, do not depend on the process count. 0: draws nothing (the default).
  virtual std::size_t draws_per_sequence(std::size_t steps) const {
    (void)steps;
    return 0;
  }
};

}  // namespace seqlab
