// The reference implementation of the recurrent models: plain, step by step, the test oracle of the fast one.
//
// It computes what recurrent_common.hpp describes in the most direct way:
// per step one GEMM and one elementwise hook, weight gradients after the loop.
// recurrent_fast.hpp and gru_fast.hpp must agree with it (tests/kernels/test_recurrent_fast.cpp,
// test_gru_fast.cpp).
//
// A cell may keep the recurrent part apart (`split_recurrent`, the GRU, whose
// candidate gate multiplies it by r): then a_t holds only x_t W_ih^T + b_ih and
// cache.recurrent holds r_t = h_{t-1} W_hh^T + b_hh; backward_step writes dL/da_t
// into grad_gates and dL/dr_t into grad_recurrent, which feed W_ih, b_ih, dx and
// W_hh, b_hh, dh_{t-1} respectively. Without it both are the one sum a_t.
#pragma once

#include <seqlab/kernels/recurrent_common.hpp>

namespace seqlab::recurrent {

// Activations and scratch for one (batch, steps), all time-major, sized once.
// A cell that needs more (the LSTM's c) derives from it.
struct ReferenceCache : ModelCache {
  ReferenceCache(const Sizes& s, std::size_t batch_, std::size_t steps_, bool split_recurrent = false)
      : batch(batch_), steps(steps_) {
    if (batch == 0 || steps == 0) throw std::logic_error("recurrent model: a cache needs batch >= 1 and steps >= 1");
    inputs = Tensor3::from_shape({steps, batch, s.input});
    for (std::size_t l = 0; l < s.layers; ++l) {
      gates.push_back(Tensor3::from_shape({steps, batch, s.gate_width()}));
      hidden.push_back(Tensor3::from_shape({steps, batch, s.hidden}));
      if (split_recurrent) recurrent.push_back(Tensor3::from_shape({steps, batch, s.gate_width()}));
      if (s.drops() && l + 1 < s.layers) {
        masks.push_back(Tensor3::from_shape({steps, batch, s.hidden}));
        dropped.push_back(Tensor3::from_shape({steps, batch, s.hidden}));
      }
    }
    if (s.head == Head::sequence) head = Tensor3::from_shape({steps, batch, s.output});
    grad_gates = Tensor3::from_shape({steps, batch, s.gate_width()});
    if (split_recurrent) grad_recurrent = Tensor3::from_shape({steps, batch, s.gate_width()});
    grad_hidden = Tensor3::from_shape({steps, batch, s.hidden});
    sums.resize(std::max(s.gate_width(), s.output));
  }

  // Pointer to step t's (B, F) block of a time-major sequence.
  static float* at(Tensor3& seq, std::size_t t) { return seq.data() + t * seq.shape()[1] * seq.shape()[2]; }

  std::size_t batch, steps;
  Tensor3 inputs;               // (T, B, I): the forward's inputs, time-major
  std::vector<Tensor3> gates;   // per layer (T, B, G): a_t, or whatever the cell keeps in its place
  std::vector<Tensor3> hidden;  // per layer (T, B, H): h_t
  Tensor3 head;                 // (T, B, O): the sequence head's outputs before transposing
  Tensor3 grad_gates;           // (T, B, G): dL/da_t of the layer being differentiated
  Tensor3 grad_hidden;          // (T, B, H): dL/dh_t of the layer being differentiated
  std::vector<double> sums;     // column_sums scratch
  // With split_recurrent only:
  std::vector<Tensor3> recurrent;  // per layer (T, B, G): h_{t-1} W_hh^T + b_hh
  Tensor3 grad_recurrent;          // (T, B, G): its dL/d, for the layer being differentiated
  // With dropout between layers (Sizes::drops()), per layer but the top:
  std::vector<Tensor3> masks;    // (T, B, H): m^l, drawn by each training forward
  std::vector<Tensor3> dropped;  // (T, B, H): h^l * m^l, layer l+1's input
  bool dropping = false;         // whether the last forward drew masks (trained)
};

// The recurrent network and its head; a plugin supplies the cell.
class ReferenceModel : public Model {
 public:
  // prefix: the parameters' name prefix ("rnn", "lstm", "gru", or a cell's own, e.g. tests/out_of_tree/cell/);
  // gates: weight blocks per layer (1, 4, 3; any count);
  // split_recurrent: see the top of this file (the cell's make_cache must pass it on).
  ReferenceModel(const PluginArgs& args, const std::string& prefix, std::size_t gates, bool split_recurrent = false)
      : sizes_(read_sizes(args, gates)),
        split_recurrent_(split_recurrent),
        parameters_(make_parameters(sizes_, prefix, args.random)) {}

  std::vector<Parameter>& parameters() override { return parameters_; }

  void set_training(Random* random) override { training_ = random; }

  std::size_t output_steps(std::size_t steps) const override { return sizes_.head == Head::last ? 1 : steps; }
  std::size_t draws_per_sequence(std::size_t steps) const override { return sizes_.draws_per_sequence(steps); }

  void forward(const Tensor3& inputs, ModelCache& cache_base, Tensor3& outputs) override {
    ReferenceCache& cache = checked_cache(cache_base, inputs);
    const std::size_t b = cache.batch, t_max = cache.steps, g = sizes_.gate_width(), h = sizes_.hidden;
    to_time_major(inputs.data(), b, t_max, sizes_.input, cache.inputs.data());
    cache.dropping = training_ && sizes_.drops();
    if (cache.dropping) {  // the masks of every boundary, in the documented order
      std::vector<float*> masks;
      for (Tensor3& m : cache.masks) masks.push_back(m.data());
      fill_dropout_masks(*training_, sizes_.dropout, b, t_max, h, masks);
    }

    const float* x = cache.inputs.data();
    for (std::size_t l = 0; l < sizes_.layers; ++l) {
      const std::size_t in = sizes_.layer_input(l);
      const float* w_ih = parameters_[weight_ih_index(l)].value.data();
      const float* w_hh = parameters_[weight_hh_index(l)].value.data();
      const float* b_hh = parameters_[bias_hh_index(l)].value.data();
      float* a = cache.gates[l].data();
      // The input part of every step at once: (T*B, in) x W_ih^T -> (T*B, G).
      gemm(x, t_max * b, in, Transpose::no, w_ih, g, in, Transpose::yes, a);
      add_rows(a, t_max * b, g, parameters_[bias_ih_index(l)].value.data());
      if (!split_recurrent_) add_rows(a, t_max * b, g, b_hh);
      for (std::size_t t = 0; t < t_max; ++t) {
        // The recurrent part h_{t-1} W_hh^T (+ b_hh): into a_t, or apart; h_{-1} = 0 adds nothing.
        float* r = split_recurrent_ ? ReferenceCache::at(cache.recurrent[l], t) : ReferenceCache::at(cache.gates[l], t);
        if (split_recurrent_) {
          std::fill_n(r, b * g, 0.0f);
          add_rows(r, b, g, b_hh);
        }
        if (t > 0)
          gemm(ReferenceCache::at(cache.hidden[l], t - 1), b, h, Transpose::no, w_hh, g, h, Transpose::yes, r, 1.0f,
               1.0f);
        forward_step(l, t, cache);
      }
      x = cache.hidden[l].data();
      if (cache.dropping && l + 1 < sizes_.layers) {
        multiply(x, cache.masks[l].data(), t_max * b * h, cache.dropped[l].data());
        x = cache.dropped[l].data();
      }
    }
    forward_head(cache, outputs);
  }

  void backward(const Tensor3& inputs, ModelCache& cache_base, const Tensor3& grad_outputs) override {
    ReferenceCache& cache = checked_cache(cache_base, inputs);
    const std::size_t b = cache.batch, t_max = cache.steps, g = sizes_.gate_width(), h = sizes_.hidden;
    const std::array<std::size_t, 3> expected{b, output_steps(t_max), sizes_.output};
    if (grad_outputs.shape() != expected)
      throw std::logic_error("recurrent model: grad_outputs do not have the outputs' shape");
    backward_head(cache, grad_outputs);  // fills cache.grad_hidden for the top layer

    for (std::size_t l = sizes_.layers; l-- > 0;) {
      const std::size_t in = sizes_.layer_input(l);
      const float* x = l == 0           ? cache.inputs.data()
                       : cache.dropping ? cache.dropped[l - 1].data()
                                        : cache.hidden[l - 1].data();
      Parameter& w_ih = parameters_[weight_ih_index(l)];
      Parameter& w_hh = parameters_[weight_hh_index(l)];
      float* da = cache.grad_gates.data();
      float* dr = split_recurrent_ ? cache.grad_recurrent.data() : da;  // dL/d(recurrent part)
      for (std::size_t t = t_max; t-- > 0;) {
        if (t + 1 < t_max)  // dh_t += dr_{t+1} W_hh
          gemm(dr + (t + 1) * b * g, b, g, Transpose::no, w_hh.value.data(), g, h, Transpose::no,
               ReferenceCache::at(cache.grad_hidden, t), 1.0f, 1.0f);
        backward_step(l, t, cache);
      }
      // Weight gradients over all steps at once.
      gemm(da, t_max * b, g, Transpose::yes, x, t_max * b, in, Transpose::no, w_ih.grad.data());
      if (t_max > 1)  // steps 1..T-1 of dr against steps 0..T-2 of h: both contiguous
        gemm(dr + b * g, (t_max - 1) * b, g, Transpose::yes, cache.hidden[l].data(), (t_max - 1) * b, h, Transpose::no,
             w_hh.grad.data());
      else
        w_hh.grad.fill(0.0f);
      column_sums(da, t_max * b, g, cache.sums.data(), parameters_[bias_ih_index(l)].grad.data());
      column_sums(dr, t_max * b, g, cache.sums.data(), parameters_[bias_hh_index(l)].grad.data());
      if (l > 0) {  // dL/dx = da W_ih (times the mask) is layer l-1's dL/dh; da is done with grad_hidden
        gemm(da, t_max * b, g, Transpose::no, w_ih.value.data(), g, in, Transpose::no, cache.grad_hidden.data());
        if (cache.dropping)
          multiply(cache.grad_hidden.data(), cache.masks[l - 1].data(), t_max * b * in, cache.grad_hidden.data());
      }
    }
  }

 protected:
  // Step t of `layer`, forward: ReferenceCache::at(cache.gates[layer], t) holds a_t (B, G)
  // (with split_recurrent: its input part, and cache.recurrent[layer] the recurrent part). Writes h_t to
  // ReferenceCache::at(cache.hidden[layer], t) and keeps what backward_step needs (it may overwrite a_t, e.g. with the
  // activated gates).
  virtual void forward_step(std::size_t layer, std::size_t t, ReferenceCache& cache) const = 0;

  // Step t of `layer`, backward, called for t = T-1 down to 0 after forward:
  // ReferenceCache::at(cache.grad_hidden, t) holds dL/dh_t (B, H) from above and through
  // W_hh. Writes dL/da_t to ReferenceCache::at(cache.grad_gates, t) (B, G) (with
  // split_recurrent: also the recurrent part's to grad_recurrent); a cell with state carries
  // its own dL/dc (the GRU: dL/dh_t's direct path) from step t to t-1, from zero at t = T-1.
  virtual void backward_step(std::size_t layer, std::size_t t, ReferenceCache& cache) const = 0;

  const Sizes sizes_;
  const bool split_recurrent_;

 private:
  ReferenceCache& checked_cache(ModelCache& cache_base, const Tensor3& inputs) const {
    auto* cache = dynamic_cast<ReferenceCache*>(&cache_base);
    if (!cache) throw std::logic_error("recurrent model: the cache was not made by this model");
    const auto& shape = inputs.shape();
    if (shape[0] != cache->batch || shape[1] != cache->steps || shape[2] != sizes_.input ||
        cache->hidden.size() != sizes_.layers || cache->inputs.shape()[2] != sizes_.input)
      throw std::logic_error("recurrent model: inputs of shape (" + std::to_string(shape[0]) + ", " +
                             std::to_string(shape[1]) + ", " + std::to_string(shape[2]) +
                             ") do not fit the cache, made for (" + std::to_string(cache->batch) + ", " +
                             std::to_string(cache->steps) + ", " + std::to_string(sizes_.input) + ")");
    return *cache;
  }

  void forward_head(ReferenceCache& cache, Tensor3& outputs) {
    const std::size_t b = cache.batch, t_max = cache.steps, h = sizes_.hidden, o = sizes_.output;
    const std::size_t rows = sizes_.head == Head::last ? b : t_max * b;
    const std::array<std::size_t, 3> shape{b, output_steps(t_max), o};
    if (outputs.shape() != shape) outputs.resize(shape);
    const float* w = parameters_[fc_weight_index(sizes_)].value.data();
    const float* bias = parameters_[fc_bias_index(sizes_)].value.data();
    // last: (B, H) x W^T straight into outputs (B, 1, O); sequence: (T*B, H) x W^T
    // into the time-major cache.head, then transposed into outputs (B, T, O).
    const float* x =
        sizes_.head == Head::last ? ReferenceCache::at(cache.hidden.back(), t_max - 1) : cache.hidden.back().data();
    float* y = sizes_.head == Head::last ? outputs.data() : cache.head.data();
    gemm(x, rows, h, Transpose::no, w, o, h, Transpose::yes, y);
    add_rows(y, rows, o, bias);
    if (sizes_.head == Head::sequence) to_batch_major(y, b, t_max, o, outputs.data());
  }

  // dL/dW_fc, dL/db_fc, and dL/dh of the top layer into cache.grad_hidden.
  void backward_head(ReferenceCache& cache, const Tensor3& grad_outputs) {
    const std::size_t b = cache.batch, t_max = cache.steps, h = sizes_.hidden, o = sizes_.output;
    Parameter& w = parameters_[fc_weight_index(sizes_)];
    Parameter& bias = parameters_[fc_bias_index(sizes_)];
    if (sizes_.head == Head::last) {
      const float* dy = grad_outputs.data();  // (B, 1, O) is (B, O)
      gemm(dy, b, o, Transpose::yes, ReferenceCache::at(cache.hidden.back(), t_max - 1), b, h, Transpose::no,
           w.grad.data());
      column_sums(dy, b, o, cache.sums.data(), bias.grad.data());
      // Only the last step feeds the head.
      std::fill(cache.grad_hidden.data(), ReferenceCache::at(cache.grad_hidden, t_max - 1), 0.0f);
      gemm(dy, b, o, Transpose::no, w.value.data(), o, h, Transpose::no,
           ReferenceCache::at(cache.grad_hidden, t_max - 1));
    } else {
      float* dy = cache.head.data();  // reused: the outputs are no longer needed
      to_time_major(grad_outputs.data(), b, t_max, o, dy);
      gemm(dy, t_max * b, o, Transpose::yes, cache.hidden.back().data(), t_max * b, h, Transpose::no, w.grad.data());
      column_sums(dy, t_max * b, o, cache.sums.data(), bias.grad.data());
      gemm(dy, t_max * b, o, Transpose::no, w.value.data(), o, h, Transpose::no, cache.grad_hidden.data());
    }
  }

  std::vector<Parameter> parameters_;
  Random* training_ = nullptr;  // set_training: the masks' source while training; nullptr: evaluating
};

}  // namespace seqlab::recurrent
