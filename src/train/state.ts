/**
 * What resuming a training run needs besides the parameters: the optimizer's state, how far the
 * run got, and the states of its random generators. `fit` returns it and takes it back
 * (`resume`), and checkpoints store it, so a resumed run continues bit for bit like an
 * uninterrupted one.
 *
 * @module
 */
import type { Params } from "../autodiff/tree.js";
import type { OptState } from "../optim/optimizers.js";
import type { RngState } from "../tensor/random.js";

/**
 * The state of a training run after a whole epoch.
 *
 * @category model
 */
export interface TrainState<P extends Params> {
  /** The optimizer's state (its step count and slots). */
  readonly optState: OptState<P>;
  /** Epochs completed. */
  readonly epoch: number;
  /** Updates done. */
  readonly step: number;
  /** The run's generators: shuffling, training noise (dropout, RReLU), augmentation. */
  readonly rng: { readonly shuffle: RngState; readonly noise: RngState; readonly augment: RngState };
}
