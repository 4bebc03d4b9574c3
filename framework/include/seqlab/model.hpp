// The model plugin interface: forward and explicit backward over a batch of sequences.
#pragma once

#include <cstddef>
#include <memory>
#include <type_traits>
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

// What Model::train_step asks the trainer for, once per group of whole sequences: the loss's
// gradient at rows [first, first + count) of the batch, given those rows' outputs (count x
// output_steps x output_size floats), written to grad (as many). Called from several threads at
// once, on different rows. A reference to the trainer's callable, valid during train_step: unlike
// std::function it never allocates (training epochs allocate nothing).
class OutputGradient {
 public:
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, OutputGradient>>>
  OutputGradient(F&& f)  // NOLINT(google-explicit-constructor): passed as a lambda
      : callable_(const_cast<void*>(static_cast<const void*>(std::addressof(f)))),
        call_([](void* callable, std::size_t first, std::size_t count, const float* outputs, float* grad) {
          (*static_cast<std::remove_reference_t<F>*>(callable))(first, count, outputs, grad);
        }) {}
  void operator()(std::size_t first, std::size_t count, const float* outputs, float* grad) const {
    call_(callable_, first, count, outputs, grad);
  }

 private:
  void* callable_;
  void (*call_)(void*, std::size_t, std::size_t, const float*, float*);
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

  // Optional: forward and backward of one training batch in one call, for a separable loss
  // (seqlab/loss.hpp): writes `outputs` as forward does and every parameter's grad as backward does
  // for the gradient `gradient` gives. A model may then take a few sequences at a time through both
  // while their activations are still in cache, instead of writing every step of every sequence out
  // to memory and reading it back (the recurrent plugins do). The cache is used up, as by backward.
  // Returns false, having done nothing, when the model has no such path for this batch: the trainer
  // then calls forward, the loss and backward.
  virtual bool train_step(const Tensor3& inputs, ModelCache& cache, Tensor3& outputs, const OutputGradient& gradient) {
    (void)inputs, (void)cache, (void)outputs, (void)gradient;
    return false;
  }

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
