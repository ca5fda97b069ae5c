// Elementwise kernels: unary, binary with broadcasting, where, cast. Generic over T ∈ {f32, f64};
// each (op, T) pair is specialised at compile time (the op codes are constants of @inline code).
//
// Broadcast layout ("meta", i32 words written by the TS glue after collapsing dims):
//   dims[rank] | strides of input 0 [rank] | strides of input 1 [rank] | ...
// Strides count elements; the innermost stride of an input is 0 (broadcast) or 1. Kernels only
// read it (chunks of a split job run at once over one descriptor: see rows.ts).
import { expf4, expLoop, logf4, sigmoidDiffScaleLoop, sigmoidf4, sigmoidLoop, tanhf4 } from "./approx";
import { countRows, nextRow, rowStep } from "./rows";
import { erf64, erfc64 } from "./special";

// The op codes, the scalar kernels and the dispatch between `// <gen:…>` markers are generated
// from the op registry by `npm run gen:kernels` (src/backend/wasm/gen-kernels.ts): each
// elementwise op defines its scalar AssemblyScript body in its own file (src/ops/*.ts).
// <gen:codes>
// unary codes (UNARY in ../codes.generated.ts)
const ABS = 0, ERF = 1, EXP = 2, EXPM1 = 3, GELU = 4, GELU_TANH = 5, HARD_SIGMOID = 6, LOG = 7, LOG1P = 8, LOG_SIGMOID = 9, MISH = 10, NEG = 11, RELU = 12, SIGMOID = 13, SIGN = 14, SILU = 15, SOFTPLUS = 16, SQRT = 17, TANH = 18;
// binary codes (BINARY in ../codes.generated.ts)
const ADD = 0, DIV = 1, EQ = 2, GE = 3, GT = 4, LE = 5, LT = 6, MAXIMUM = 7, MINIMUM = 8, MUL = 9, NE = 10, POW = 11, RELU_GRAD = 12, SUB = 13;
// </gen:codes>

// -------------------------------------------------------------------------------------
// scalar fallbacks, lane by lane
// -------------------------------------------------------------------------------------

@inline function sunary<T>(op: i32, x: T): T {
  if (sizeof<T>() == 4) {
    const v = <f32>x;
    switch (op) {
      // <gen:sunary-f32>
      case ABS: return <T>(Mathf.abs(v));
      case ERF: return <T>(<f32>erf64(<f64>v));
      case EXP: return <T>(Mathf.exp(v));
      case EXPM1: return <T>(Mathf.expm1(v));
      case GELU: return <T>(<f32>(0.5 * <f64>v * erfc64(-<f64>v * 0.7071067811865476)));
      case GELU_TANH: return <T>(<f32>(<f64>v / (1.0 + Math.exp(-2.0 * 0.7978845608028654 * (<f64>v + 0.044715 * <f64>v * <f64>v * <f64>v)))));
      case HARD_SIGMOID: return <T>(min(max(v / <f32>6 + <f32>0.5, <f32>0), <f32>1));
      case LOG: return <T>(Mathf.log(v));
      case LOG1P: return <T>(Mathf.log1p(v));
      case LOG_SIGMOID: return <T>(<f32>(min(<f64>v, 0.0) - Math.log1p(Math.exp(-Math.abs(<f64>v)))));
      case MISH: return <T>(<f32>(<f64>v * Math.tanh(max(<f64>v, 0.0) + Math.log1p(Math.exp(-Math.abs(<f64>v))))));
      case NEG: return <T>(-v);
      case RELU: return <T>(max(v, <f32>0));
      case SIGMOID: return <T>(<f32>1 / (<f32>1 + Mathf.exp(-v)));
      case SIGN: return <T>(v > 0 ? <f32>1 : v < 0 ? <f32>-1 : <f32>0);
      case SILU: return <T>(<f32>(<f64>v / (1.0 + Math.exp(-<f64>v))));
      case SOFTPLUS: return <T>(<f32>(max(<f64>v, 0.0) + Math.log1p(Math.exp(-Math.abs(<f64>v)))));
      case SQRT: return <T>(Mathf.sqrt(v));
      case TANH: return <T>(Mathf.tanh(v));
      // </gen:sunary-f32>
    }
  } else {
    const v = <f64>x;
    switch (op) {
      // <gen:sunary-f64>
      case ABS: return <T>(Math.abs(v));
      case ERF: return <T>(erf64(v));
      case EXP: return <T>(Math.exp(v));
      case EXPM1: return <T>(Math.expm1(v));
      case GELU: return <T>(0.5 * v * erfc64(-v * 0.7071067811865476));
      case GELU_TANH: return <T>(v / (1.0 + Math.exp(-2.0 * 0.7978845608028654 * (v + 0.044715 * v * v * v))));
      case HARD_SIGMOID: return <T>(min(max(v / 6.0 + 0.5, 0.0), 1.0));
      case LOG: return <T>(Math.log(v));
      case LOG1P: return <T>(Math.log1p(v));
      case LOG_SIGMOID: return <T>(min(v, 0.0) - Math.log1p(Math.exp(-Math.abs(v))));
      case MISH: return <T>(v * Math.tanh(max(v, 0.0) + Math.log1p(Math.exp(-Math.abs(v)))));
      case NEG: return <T>(-v);
      case RELU: return <T>(max(v, 0.0));
      case SIGMOID: return <T>(v >= 0 ? 1.0 / (1.0 + Math.exp(-v)) : Math.exp(v) / (1.0 + Math.exp(v)));
      case SIGN: return <T>(v > 0 ? 1.0 : v < 0 ? -1.0 : 0.0);
      case SILU: return <T>(v / (1.0 + Math.exp(-v)));
      case SOFTPLUS: return <T>(max(v, 0.0) + Math.log1p(Math.exp(-Math.abs(v))));
      case SQRT: return <T>(Math.sqrt(v));
      case TANH: return <T>(Math.tanh(v));
      // </gen:sunary-f64>
    }
  }
  return x;
}

@inline function sbinary<T>(op: i32, a: T, b: T): T {
  switch (op) {
    // <gen:sbinary>
    case ADD: return a + b;
    case DIV: return a / b;
    case EQ: return <T>(a == b);
    case GE: return <T>(a >= b);
    case GT: return <T>(a > b);
    case LE: return <T>(a <= b);
    case LT: return <T>(a < b);
    case MAXIMUM: return max<T>(a, b);
    case MINIMUM: return min<T>(a, b);
    case MUL: return a * b;
    case NE: return <T>(a != b);
    case POW: return sizeof<T>() == 4 ? <T>Mathf.pow(<f32>a, <f32>b) : <T>Math.pow(<f64>a, <f64>b);
    case RELU_GRAD: return b > <T>0 ? a : <T>0;
    case SUB: return a - b;
    // </gen:sbinary>
  }
  return a;
}

/** Apply a scalar unary op to every lane. */
@inline function lanes1<T>(op: i32, x: v128): v128 {
  if (sizeof<T>() == 4) {
    let r = x;
    r = f32x4.replace_lane(r, 0, <f32>sunary<T>(op, <T>f32x4.extract_lane(x, 0)));
    r = f32x4.replace_lane(r, 1, <f32>sunary<T>(op, <T>f32x4.extract_lane(x, 1)));
    r = f32x4.replace_lane(r, 2, <f32>sunary<T>(op, <T>f32x4.extract_lane(x, 2)));
    r = f32x4.replace_lane(r, 3, <f32>sunary<T>(op, <T>f32x4.extract_lane(x, 3)));
    return r;
  }
  let r = x;
  r = f64x2.replace_lane(r, 0, <f64>sunary<T>(op, <T>f64x2.extract_lane(x, 0)));
  r = f64x2.replace_lane(r, 1, <f64>sunary<T>(op, <T>f64x2.extract_lane(x, 1)));
  return r;
}

/** Apply a scalar binary op to every pair of lanes. */
@inline function lanes2<T>(op: i32, a: v128, b: v128): v128 {
  if (sizeof<T>() == 4) {
    let r = a;
    r = f32x4.replace_lane(r, 0, <f32>sbinary<T>(op, <T>f32x4.extract_lane(a, 0), <T>f32x4.extract_lane(b, 0)));
    r = f32x4.replace_lane(r, 1, <f32>sbinary<T>(op, <T>f32x4.extract_lane(a, 1), <T>f32x4.extract_lane(b, 1)));
    r = f32x4.replace_lane(r, 2, <f32>sbinary<T>(op, <T>f32x4.extract_lane(a, 2), <T>f32x4.extract_lane(b, 2)));
    r = f32x4.replace_lane(r, 3, <f32>sbinary<T>(op, <T>f32x4.extract_lane(a, 3), <T>f32x4.extract_lane(b, 3)));
    return r;
  }
  let r = a;
  r = f64x2.replace_lane(r, 0, <f64>sbinary<T>(op, <T>f64x2.extract_lane(a, 0), <T>f64x2.extract_lane(b, 0)));
  r = f64x2.replace_lane(r, 1, <f64>sbinary<T>(op, <T>f64x2.extract_lane(a, 1), <T>f64x2.extract_lane(b, 1)));
  return r;
}

// -------------------------------------------------------------------------------------
// vector ops
// -------------------------------------------------------------------------------------

@inline function vunary<T>(op: i32, x: v128): v128 {
  const one = v128.splat<T>(<T>1);
  const zero = v128.splat<T>(<T>0);
  switch (op) {
    case NEG: return v128.neg<T>(x);
    case SQRT: return v128.sqrt<T>(x);
    case ABS: return v128.abs<T>(x);
    case SIGN: return v128.sub<T>(v128.and(v128.gt<T>(x, zero), one), v128.and(v128.lt<T>(x, zero), one));
    // pmax is one maxps (x < 0 ? 0 : x, NaN kept) where max is a NaN- and zero-exact sequence
    // of about seven; adding +0 turns its -0 into +0, as max(-0, 0) gives, and changes nothing else
    case RELU: return v128.add<T>(v128.pmax<T>(x, zero), zero);
  }
  if (sizeof<T>() == 4) {
    switch (op) {
      case EXP: return expf4(x);
      case LOG: return logf4(x);
      case SIGMOID: return sigmoidf4(x);
      case TANH: return tanhf4(x);
    }
  }
  return lanes1<T>(op, x);
}

@inline function vbinary<T>(op: i32, a: v128, b: v128): v128 {
  const one = v128.splat<T>(<T>1);
  switch (op) {
    case ADD: return v128.add<T>(a, b);
    case SUB: return v128.sub<T>(a, b);
    case MUL: return v128.mul<T>(a, b);
    case DIV: return v128.div<T>(a, b);
    case MAXIMUM: return v128.max<T>(a, b);
    case MINIMUM: return v128.min<T>(a, b);
    case GT: return v128.and(v128.gt<T>(a, b), one);
    case GE: return v128.and(v128.ge<T>(a, b), one);
    case LT: return v128.and(v128.lt<T>(a, b), one);
    case LE: return v128.and(v128.le<T>(a, b), one);
    case EQ: return v128.and(v128.eq<T>(a, b), one);
    case NE: return v128.and(v128.ne<T>(a, b), one);
    // relu's pullback: a kept where b > 0 (the mask is all ones there, so a's bits pass), else +0
    case RELU_GRAD: return v128.and(a, v128.gt<T>(b, v128.splat<T>(<T>0)));
  }
  return lanes2<T>(op, a, b);
}

// -------------------------------------------------------------------------------------
// unary
// -------------------------------------------------------------------------------------

@inline function unaryLoop<T>(op: i32, x: usize, o: usize, n: i32): void {
  const L = <i32>(16 / sizeof<T>());
  let i = 0;
  {
    // two independent vectors per iteration: long dependency chains (log, tanh) overlap, and a
    // short body (relu, neg, abs) pays the loop's own instructions half as often
    for (; i + 2 * L <= n; i += 2 * L) {
      const off = <usize>i * sizeof<T>();
      const a = vunary<T>(op, v128.load(x + off));
      const b = vunary<T>(op, v128.load(x + off, 16));
      v128.store(o + off, a);
      v128.store(o + off, b, 16);
    }
  }
  for (; i + L <= n; i += L) {
    const off = <usize>i * sizeof<T>();
    v128.store(o + off, vunary<T>(op, v128.load(x + off)));
  }
  for (; i < n; i++) {
    const off = <usize>i * sizeof<T>();
    if (sizeof<T>() == 4 && (op == EXP || op == LOG || op == SIGMOID || op == TANH)) {
      // the tail goes through the same approximation as the body
      store<f32>(o + off, f32x4.extract_lane(vunary<T>(op, f32x4.splat(load<f32>(x + off))), 0));
    } else {
      store<T>(o + off, sunary<T>(op, load<T>(x + off)));
    }
  }
}

/** A unary kernel of one op and dtype. */
type UnaryFn = (x: usize, o: usize, n: i32) => void;

// One function per op and dtype, reached through the function table (`call_indirect`) rather than
// inlined into one dispatch function: the engine first runs a module with its baseline compiler and
// recompiles each *function* with its optimising one once it has run for a while, so one function
// holding every op's loops (11 KB of code for the float32 binary ops) took 50–100 ms of compiler
// time in a fresh process before any of them ran at full speed. Apart, a program's first steps wait
// only for the few ops they use. (The table keeps the optimiser from inlining them back.)
// <gen:unary-ops>
function unary_ABS_f32(x: usize, o: usize, n: i32): void { unaryLoop<f32>(ABS, x, o, n); }
function unary_ABS_f64(x: usize, o: usize, n: i32): void { unaryLoop<f64>(ABS, x, o, n); }
function unary_ERF_f32(x: usize, o: usize, n: i32): void { unaryLoop<f32>(ERF, x, o, n); }
function unary_ERF_f64(x: usize, o: usize, n: i32): void { unaryLoop<f64>(ERF, x, o, n); }
function unary_EXP_f32(x: usize, o: usize, n: i32): void { unaryLoop<f32>(EXP, x, o, n); }
function unary_EXP_f64(x: usize, o: usize, n: i32): void { unaryLoop<f64>(EXP, x, o, n); }
function unary_EXPM1_f32(x: usize, o: usize, n: i32): void { unaryLoop<f32>(EXPM1, x, o, n); }
function unary_EXPM1_f64(x: usize, o: usize, n: i32): void { unaryLoop<f64>(EXPM1, x, o, n); }
function unary_GELU_f32(x: usize, o: usize, n: i32): void { unaryLoop<f32>(GELU, x, o, n); }
function unary_GELU_f64(x: usize, o: usize, n: i32): void { unaryLoop<f64>(GELU, x, o, n); }
function unary_GELU_TANH_f32(x: usize, o: usize, n: i32): void { unaryLoop<f32>(GELU_TANH, x, o, n); }
function unary_GELU_TANH_f64(x: usize, o: usize, n: i32): void { unaryLoop<f64>(GELU_TANH, x, o, n); }
function unary_HARD_SIGMOID_f32(x: usize, o: usize, n: i32): void { unaryLoop<f32>(HARD_SIGMOID, x, o, n); }
function unary_HARD_SIGMOID_f64(x: usize, o: usize, n: i32): void { unaryLoop<f64>(HARD_SIGMOID, x, o, n); }
function unary_LOG_f32(x: usize, o: usize, n: i32): void { unaryLoop<f32>(LOG, x, o, n); }
function unary_LOG_f64(x: usize, o: usize, n: i32): void { unaryLoop<f64>(LOG, x, o, n); }
function unary_LOG1P_f32(x: usize, o: usize, n: i32): void { unaryLoop<f32>(LOG1P, x, o, n); }
function unary_LOG1P_f64(x: usize, o: usize, n: i32): void { unaryLoop<f64>(LOG1P, x, o, n); }
function unary_LOG_SIGMOID_f32(x: usize, o: usize, n: i32): void { unaryLoop<f32>(LOG_SIGMOID, x, o, n); }
function unary_LOG_SIGMOID_f64(x: usize, o: usize, n: i32): void { unaryLoop<f64>(LOG_SIGMOID, x, o, n); }
function unary_MISH_f32(x: usize, o: usize, n: i32): void { unaryLoop<f32>(MISH, x, o, n); }
function unary_MISH_f64(x: usize, o: usize, n: i32): void { unaryLoop<f64>(MISH, x, o, n); }
function unary_NEG_f32(x: usize, o: usize, n: i32): void { unaryLoop<f32>(NEG, x, o, n); }
function unary_NEG_f64(x: usize, o: usize, n: i32): void { unaryLoop<f64>(NEG, x, o, n); }
function unary_RELU_f32(x: usize, o: usize, n: i32): void { unaryLoop<f32>(RELU, x, o, n); }
function unary_RELU_f64(x: usize, o: usize, n: i32): void { unaryLoop<f64>(RELU, x, o, n); }
function unary_SIGMOID_f32(x: usize, o: usize, n: i32): void { unaryLoop<f32>(SIGMOID, x, o, n); }
function unary_SIGMOID_f64(x: usize, o: usize, n: i32): void { unaryLoop<f64>(SIGMOID, x, o, n); }
function unary_SIGN_f32(x: usize, o: usize, n: i32): void { unaryLoop<f32>(SIGN, x, o, n); }
function unary_SIGN_f64(x: usize, o: usize, n: i32): void { unaryLoop<f64>(SIGN, x, o, n); }
function unary_SILU_f32(x: usize, o: usize, n: i32): void { unaryLoop<f32>(SILU, x, o, n); }
function unary_SILU_f64(x: usize, o: usize, n: i32): void { unaryLoop<f64>(SILU, x, o, n); }
function unary_SOFTPLUS_f32(x: usize, o: usize, n: i32): void { unaryLoop<f32>(SOFTPLUS, x, o, n); }
function unary_SOFTPLUS_f64(x: usize, o: usize, n: i32): void { unaryLoop<f64>(SOFTPLUS, x, o, n); }
function unary_SQRT_f32(x: usize, o: usize, n: i32): void { unaryLoop<f32>(SQRT, x, o, n); }
function unary_SQRT_f64(x: usize, o: usize, n: i32): void { unaryLoop<f64>(SQRT, x, o, n); }
function unary_TANH_f32(x: usize, o: usize, n: i32): void { unaryLoop<f32>(TANH, x, o, n); }
function unary_TANH_f64(x: usize, o: usize, n: i32): void { unaryLoop<f64>(TANH, x, o, n); }
// </gen:unary-ops>

function unaryT<T>(op: i32, x: usize, o: usize, n: i32): void {
  if (sizeof<T>() == 4 && (op == EXP || op == SIGMOID)) {
    // constants hoisted out of the loop, two vectors per iteration
    if (op == EXP) expLoop(x, o, n);
    else sigmoidLoop(x, o, n);
    return;
  }
  let f: UnaryFn;
  switch (op) {
    // <gen:unary-dispatch>
    case ABS: f = sizeof<T>() == 4 ? unary_ABS_f32 : unary_ABS_f64; break;
    case ERF: f = sizeof<T>() == 4 ? unary_ERF_f32 : unary_ERF_f64; break;
    case EXP: f = sizeof<T>() == 4 ? unary_EXP_f32 : unary_EXP_f64; break;
    case EXPM1: f = sizeof<T>() == 4 ? unary_EXPM1_f32 : unary_EXPM1_f64; break;
    case GELU: f = sizeof<T>() == 4 ? unary_GELU_f32 : unary_GELU_f64; break;
    case GELU_TANH: f = sizeof<T>() == 4 ? unary_GELU_TANH_f32 : unary_GELU_TANH_f64; break;
    case HARD_SIGMOID: f = sizeof<T>() == 4 ? unary_HARD_SIGMOID_f32 : unary_HARD_SIGMOID_f64; break;
    case LOG: f = sizeof<T>() == 4 ? unary_LOG_f32 : unary_LOG_f64; break;
    case LOG1P: f = sizeof<T>() == 4 ? unary_LOG1P_f32 : unary_LOG1P_f64; break;
    case LOG_SIGMOID: f = sizeof<T>() == 4 ? unary_LOG_SIGMOID_f32 : unary_LOG_SIGMOID_f64; break;
    case MISH: f = sizeof<T>() == 4 ? unary_MISH_f32 : unary_MISH_f64; break;
    case NEG: f = sizeof<T>() == 4 ? unary_NEG_f32 : unary_NEG_f64; break;
    case RELU: f = sizeof<T>() == 4 ? unary_RELU_f32 : unary_RELU_f64; break;
    case SIGMOID: f = sizeof<T>() == 4 ? unary_SIGMOID_f32 : unary_SIGMOID_f64; break;
    case SIGN: f = sizeof<T>() == 4 ? unary_SIGN_f32 : unary_SIGN_f64; break;
    case SILU: f = sizeof<T>() == 4 ? unary_SILU_f32 : unary_SILU_f64; break;
    case SOFTPLUS: f = sizeof<T>() == 4 ? unary_SOFTPLUS_f32 : unary_SOFTPLUS_f64; break;
    case SQRT: f = sizeof<T>() == 4 ? unary_SQRT_f32 : unary_SQRT_f64; break;
    case TANH: f = sizeof<T>() == 4 ? unary_TANH_f32 : unary_TANH_f64; break;
    // </gen:unary-dispatch>
    default: return;
  }
  f(x, o, n);
}

/** out[i] = op(x[i]) for n contiguous elements (in place when x == o). dt: 0 float32, 1 float64. */
export function unary(dt: i32, op: i32, x: usize, o: usize, n: i32): void {
  if (dt == 0) unaryT<f32>(op, x, o, n);
  else unaryT<f64>(op, x, o, n);
}

// -------------------------------------------------------------------------------------
// binary
// -------------------------------------------------------------------------------------

@inline function binaryLoop<T>(op: i32, a: usize, sa: i32, b: usize, sb: i32, o: usize, n: i32): void {
  const L = <i32>(16 / sizeof<T>());
  let i = 0;
  // two vectors per iteration, as the unary loop: a short body (add, mul, max) pays the loop's own
  // instructions half as often (bias add over 128 × 4096 took about twice relu's time a value)
  if (sa != 0 && sb != 0) {
    for (; i + 4 * L <= n; i += 4 * L) {
      const off = <usize>i * sizeof<T>();
      const x = vbinary<T>(op, v128.load(a + off), v128.load(b + off));
      const y = vbinary<T>(op, v128.load(a + off, 16), v128.load(b + off, 16));
      const z = vbinary<T>(op, v128.load(a + off, 32), v128.load(b + off, 32));
      const w = vbinary<T>(op, v128.load(a + off, 48), v128.load(b + off, 48));
      v128.store(o + off, x);
      v128.store(o + off, y, 16);
      v128.store(o + off, z, 32);
      v128.store(o + off, w, 48);
    }
    for (; i + L <= n; i += L) {
      const off = <usize>i * sizeof<T>();
      v128.store(o + off, vbinary<T>(op, v128.load(a + off), v128.load(b + off)));
    }
    for (; i < n; i++) {
      const off = <usize>i * sizeof<T>();
      store<T>(o + off, sbinary<T>(op, load<T>(a + off), load<T>(b + off)));
    }
  } else if (sa != 0) {
    const bs = load<T>(b);
    const bv = v128.splat<T>(bs);
    for (; i + 2 * L <= n; i += 2 * L) {
      const off = <usize>i * sizeof<T>();
      const x = vbinary<T>(op, v128.load(a + off), bv);
      const y = vbinary<T>(op, v128.load(a + off, 16), bv);
      v128.store(o + off, x);
      v128.store(o + off, y, 16);
    }
    for (; i + L <= n; i += L) {
      const off = <usize>i * sizeof<T>();
      v128.store(o + off, vbinary<T>(op, v128.load(a + off), bv));
    }
    for (; i < n; i++) {
      const off = <usize>i * sizeof<T>();
      store<T>(o + off, sbinary<T>(op, load<T>(a + off), bs));
    }
  } else if (sb != 0) {
    const as = load<T>(a);
    const av = v128.splat<T>(as);
    for (; i + 2 * L <= n; i += 2 * L) {
      const off = <usize>i * sizeof<T>();
      const x = vbinary<T>(op, av, v128.load(b + off));
      const y = vbinary<T>(op, av, v128.load(b + off, 16));
      v128.store(o + off, x);
      v128.store(o + off, y, 16);
    }
    for (; i + L <= n; i += L) {
      const off = <usize>i * sizeof<T>();
      v128.store(o + off, vbinary<T>(op, av, v128.load(b + off)));
    }
    for (; i < n; i++) {
      const off = <usize>i * sizeof<T>();
      store<T>(o + off, sbinary<T>(op, as, load<T>(b + off)));
    }
  } else {
    const v = sbinary<T>(op, load<T>(a), load<T>(b));
    for (; i < n; i++) store<T>(o + <usize>i * sizeof<T>(), v);
  }
}

/**
 * The odometer over all but the innermost axis; calls the inner loop once per row, then the
 * unary op `then` (-1: none) on that row while it is in cache (a fused bias add + activation).
 */
@inline function binaryRun<T>(op: i32, a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32): void {
  const r = <usize>rank;
  const dims = meta;
  const sA = meta + 4 * r;
  const sB = meta + 8 * r;
  const last = (r - 1) * 4;
  const n = load<i32>(dims + last);
  const ia = load<i32>(sA + last);
  const ib = load<i32>(sB + last);
  const rows = countRows(dims, r);
  let offA: usize = 0, offB: usize = 0, offO: usize = 0;
  const sz = sizeof<T>();
  for (let t = 0; t < rows; t++) {
    binaryLoop<T>(op, a + offA * sz, ia, b + offB * sz, ib, o + offO * sz, n);
    if (then >= 0) unaryT<T>(then, o + offO * sz, o + offO * sz, n);
    offO += <usize>n;
    const k = nextRow(dims, t, r);
    if (k >= 0) {
      offA += rowStep(sA, dims, k, r);
      offB += rowStep(sB, dims, k, r);
    }
  }
}

/** A binary kernel of one op and dtype (one function each, as the unary ones). */
type BinaryFn = (a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32) => void;

// <gen:binary-ops>
function binary_ADD_f32(a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32): void { binaryRun<f32>(ADD, a, b, o, rank, meta, then); }
function binary_ADD_f64(a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32): void { binaryRun<f64>(ADD, a, b, o, rank, meta, then); }
function binary_DIV_f32(a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32): void { binaryRun<f32>(DIV, a, b, o, rank, meta, then); }
function binary_DIV_f64(a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32): void { binaryRun<f64>(DIV, a, b, o, rank, meta, then); }
function binary_EQ_f32(a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32): void { binaryRun<f32>(EQ, a, b, o, rank, meta, then); }
function binary_EQ_f64(a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32): void { binaryRun<f64>(EQ, a, b, o, rank, meta, then); }
function binary_GE_f32(a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32): void { binaryRun<f32>(GE, a, b, o, rank, meta, then); }
function binary_GE_f64(a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32): void { binaryRun<f64>(GE, a, b, o, rank, meta, then); }
function binary_GT_f32(a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32): void { binaryRun<f32>(GT, a, b, o, rank, meta, then); }
function binary_GT_f64(a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32): void { binaryRun<f64>(GT, a, b, o, rank, meta, then); }
function binary_LE_f32(a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32): void { binaryRun<f32>(LE, a, b, o, rank, meta, then); }
function binary_LE_f64(a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32): void { binaryRun<f64>(LE, a, b, o, rank, meta, then); }
function binary_LT_f32(a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32): void { binaryRun<f32>(LT, a, b, o, rank, meta, then); }
function binary_LT_f64(a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32): void { binaryRun<f64>(LT, a, b, o, rank, meta, then); }
function binary_MAXIMUM_f32(a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32): void { binaryRun<f32>(MAXIMUM, a, b, o, rank, meta, then); }
function binary_MAXIMUM_f64(a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32): void { binaryRun<f64>(MAXIMUM, a, b, o, rank, meta, then); }
function binary_MINIMUM_f32(a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32): void { binaryRun<f32>(MINIMUM, a, b, o, rank, meta, then); }
function binary_MINIMUM_f64(a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32): void { binaryRun<f64>(MINIMUM, a, b, o, rank, meta, then); }
function binary_MUL_f32(a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32): void { binaryRun<f32>(MUL, a, b, o, rank, meta, then); }
function binary_MUL_f64(a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32): void { binaryRun<f64>(MUL, a, b, o, rank, meta, then); }
function binary_NE_f32(a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32): void { binaryRun<f32>(NE, a, b, o, rank, meta, then); }
function binary_NE_f64(a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32): void { binaryRun<f64>(NE, a, b, o, rank, meta, then); }
function binary_POW_f32(a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32): void { binaryRun<f32>(POW, a, b, o, rank, meta, then); }
function binary_POW_f64(a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32): void { binaryRun<f64>(POW, a, b, o, rank, meta, then); }
function binary_RELU_GRAD_f32(a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32): void { binaryRun<f32>(RELU_GRAD, a, b, o, rank, meta, then); }
function binary_RELU_GRAD_f64(a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32): void { binaryRun<f64>(RELU_GRAD, a, b, o, rank, meta, then); }
function binary_SUB_f32(a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32): void { binaryRun<f32>(SUB, a, b, o, rank, meta, then); }
function binary_SUB_f64(a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32): void { binaryRun<f64>(SUB, a, b, o, rank, meta, then); }
// </gen:binary-ops>

function binaryT<T>(op: i32, a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32): void {
  let f: BinaryFn;
  switch (op) {
    // <gen:binary-dispatch>
    case ADD: f = sizeof<T>() == 4 ? binary_ADD_f32 : binary_ADD_f64; break;
    case DIV: f = sizeof<T>() == 4 ? binary_DIV_f32 : binary_DIV_f64; break;
    case EQ: f = sizeof<T>() == 4 ? binary_EQ_f32 : binary_EQ_f64; break;
    case GE: f = sizeof<T>() == 4 ? binary_GE_f32 : binary_GE_f64; break;
    case GT: f = sizeof<T>() == 4 ? binary_GT_f32 : binary_GT_f64; break;
    case LE: f = sizeof<T>() == 4 ? binary_LE_f32 : binary_LE_f64; break;
    case LT: f = sizeof<T>() == 4 ? binary_LT_f32 : binary_LT_f64; break;
    case MAXIMUM: f = sizeof<T>() == 4 ? binary_MAXIMUM_f32 : binary_MAXIMUM_f64; break;
    case MINIMUM: f = sizeof<T>() == 4 ? binary_MINIMUM_f32 : binary_MINIMUM_f64; break;
    case MUL: f = sizeof<T>() == 4 ? binary_MUL_f32 : binary_MUL_f64; break;
    case NE: f = sizeof<T>() == 4 ? binary_NE_f32 : binary_NE_f64; break;
    case POW: f = sizeof<T>() == 4 ? binary_POW_f32 : binary_POW_f64; break;
    case RELU_GRAD: f = sizeof<T>() == 4 ? binary_RELU_GRAD_f32 : binary_RELU_GRAD_f64; break;
    case SUB: f = sizeof<T>() == 4 ? binary_SUB_f32 : binary_SUB_f64; break;
    // </gen:binary-dispatch>
    default: return;
  }
  f(a, b, o, rank, meta, then);
}

/**
 * out = then(op(a, b)) with a, b broadcast to out (meta, read only: dims, strides of a, strides
 * of b); `then` is a unary code, or -1 for none.
 */
export function binary(dt: i32, op: i32, a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32): void {
  if (dt == 0) binaryT<f32>(op, a, b, o, rank, meta, then);
  else binaryT<f64>(op, a, b, o, rank, meta, then);
}

// -------------------------------------------------------------------------------------
// where
// -------------------------------------------------------------------------------------

function whereT<C, T>(c: usize, a: usize, b: usize, o: usize, rank: i32, meta: usize): void {
  const r = <usize>rank;
  const dims = meta;
  const sC = meta + 4 * r;
  const sA = meta + 8 * r;
  const sB = meta + 12 * r;
  const last = (r - 1) * 4;
  const n = load<i32>(dims + last);
  const ic = <usize>load<i32>(sC + last) * sizeof<C>();
  const ia = <usize>load<i32>(sA + last) * sizeof<T>();
  const ib = <usize>load<i32>(sB + last) * sizeof<T>();
  const rows = countRows(dims, r);
  let offC: usize = 0, offA: usize = 0, offB: usize = 0;
  let po = o;
  for (let t = 0; t < rows; t++) {
    let pc = c + offC * sizeof<C>(), pa = a + offA * sizeof<T>(), pb = b + offB * sizeof<T>();
    let i = 0;
    if (sizeof<C>() == sizeof<T>()) {
      // SIMD: each inner stride is 0 (broadcast: a splat) or one element (a vector load)
      const L = <i32>(16 / sizeof<T>());
      const cs = v128.splat<C>(load<C>(pc));
      const as = v128.splat<T>(load<T>(pa));
      const bs = v128.splat<T>(load<T>(pb));
      const zero = v128.splat<C>(<C>0);
      for (; i + L <= n; i += L) {
        const cv = ic != 0 ? v128.load(pc) : cs;
        const av = ia != 0 ? v128.load(pa) : as;
        const bv = ib != 0 ? v128.load(pb) : bs;
        v128.store(po, v128.bitselect(av, bv, v128.ne<C>(cv, zero)));
        po += 16;
        pc += ic * <usize>L;
        pa += ia * <usize>L;
        pb += ib * <usize>L;
      }
    }
    for (; i < n; i++) {
      store<T>(po, load<C>(pc) != 0 ? load<T>(pa) : load<T>(pb));
      po += sizeof<T>();
      pc += ic;
      pa += ia;
      pb += ib;
    }
    const k = nextRow(dims, t, r);
    if (k >= 0) {
      offC += rowStep(sC, dims, k, r);
      offA += rowStep(sA, dims, k, r);
      offB += rowStep(sB, dims, k, r);
    }
  }
}

/** out = cond ≠ 0 ? a : b, all broadcast to out (meta, read only: dims, strides of cond, a, b). */
export function where(dtc: i32, dt: i32, c: usize, a: usize, b: usize, o: usize, rank: i32, meta: usize): void {
  if (dtc == 0) {
    if (dt == 0) whereT<f32, f32>(c, a, b, o, rank, meta);
    else whereT<f32, f64>(c, a, b, o, rank, meta);
  } else {
    if (dt == 0) whereT<f64, f32>(c, a, b, o, rank, meta);
    else whereT<f64, f64>(c, a, b, o, rank, meta);
  }
}

// -------------------------------------------------------------------------------------
// the SGD update
// -------------------------------------------------------------------------------------

/**
 * `o = w − g·lr` over n elements (dtype 0 float32, 1 float64) in one pass: each element rounded
 * as `sub(w, mul(g, lr))` rounds it (the product, then the difference; never a fused
 * multiply-add), with `lr` rounded to the dtype first, so the bytes are the two binary kernels'.
 * Returns what `allFinite` would of `o` (0, or NaN when an element of `o` is not finite), found
 * on the way at the cost of a subtraction and an addition per vector: the divergence probe `fit`
 * reads after every update, without a second pass over the parameters.
 */
export function sgdUpdate(dt: i32, w: usize, g: usize, lr: f64, o: usize, n: i32): f64 {
  let i = 0;
  if (dt == 0) {
    const r = <f32>lr;
    const rv = f32x4.splat(r);
    // x − x is 0 for a finite x and NaN for ±∞ or NaN: summed, 0 exactly when all are finite
    let ca = f32x4.splat(0);
    let cb = f32x4.splat(0);
    for (; i + 8 <= n; i += 8) {
      const off = <usize>i << 2;
      const a = f32x4.sub(v128.load(w + off), f32x4.mul(v128.load(g + off), rv));
      const b = f32x4.sub(v128.load(w + off + 16), f32x4.mul(v128.load(g + off + 16), rv));
      v128.store(o + off, a);
      v128.store(o + off + 16, b);
      ca = f32x4.add(ca, f32x4.sub(a, a));
      cb = f32x4.add(cb, f32x4.sub(b, b));
    }
    for (; i + 4 <= n; i += 4) {
      const off = <usize>i << 2;
      const a = f32x4.sub(v128.load(w + off), f32x4.mul(v128.load(g + off), rv));
      v128.store(o + off, a);
      ca = f32x4.add(ca, f32x4.sub(a, a));
    }
    let c = lanes32(f32x4.add(ca, cb));
    for (; i < n; i++) {
      const off = <usize>i << 2;
      const v = load<f32>(w + off) - load<f32>(g + off) * r;
      store<f32>(o + off, v);
      c += v - v;
    }
    return <f64>c;
  }
  const rv = f64x2.splat(lr);
  let ca = f64x2.splat(0);
  for (; i + 2 <= n; i += 2) {
    const off = <usize>i << 3;
    const a = f64x2.sub(v128.load(w + off), f64x2.mul(v128.load(g + off), rv));
    v128.store(o + off, a);
    ca = f64x2.add(ca, f64x2.sub(a, a));
  }
  let c = f64x2.extract_lane(ca, 0) + f64x2.extract_lane(ca, 1);
  for (; i < n; i++) {
    const off = <usize>i << 3;
    const v = load<f64>(w + off) - load<f64>(g + off) * lr;
    store<f64>(o + off, v);
    c += v - v;
  }
  return c;
}

/** The sum of a float32 vector's four lanes. */
@inline function lanes32(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/**
 * 0 when each of the n elements at x (dtype 0 float32, 1 float64) is finite, else NaN: the sum
 * of `x − x` over them, which no finite values can overflow (where their own sum can). The
 * divergence probe of a parameter `sgdUpdate` did not make.
 */
export function allFinite(dt: i32, x: usize, n: i32): f64 {
  let i = 0;
  if (dt == 0) {
    let ca = f32x4.splat(0);
    let cb = f32x4.splat(0);
    for (; i + 8 <= n; i += 8) {
      const off = <usize>i << 2;
      const a = v128.load(x + off);
      const b = v128.load(x + off + 16);
      ca = f32x4.add(ca, f32x4.sub(a, a));
      cb = f32x4.add(cb, f32x4.sub(b, b));
    }
    let c = lanes32(f32x4.add(ca, cb));
    for (; i < n; i++) {
      const v = load<f32>(x + (<usize>i << 2));
      c += v - v;
    }
    return <f64>c;
  }
  let ca = f64x2.splat(0);
  for (; i + 2 <= n; i += 2) {
    const a = v128.load(x + (<usize>i << 3));
    ca = f64x2.add(ca, f64x2.sub(a, a));
  }
  let c = f64x2.extract_lane(ca, 0) + f64x2.extract_lane(ca, 1);
  for (; i < n; i++) {
    const v = load<f64>(x + (<usize>i << 3));
    c += v - v;
  }
  return c;
}

// -------------------------------------------------------------------------------------
// the binary log-loss's pullback
// -------------------------------------------------------------------------------------

/**
 * `o = (σ(z) − y) · (g[0] / m)` over n elements (dtype 0 float32, 1 float64) in one pass: the
 * pullback of the log-loss from logits. Each element is rounded as the kernels it replaces round
 * it: σ as the sigmoid kernel (float32: its SIMD approximation; float64: the scalar formula), the
 * difference, then the product with `c = g / m` (m rounded to the dtype, the quotient rounded).
 */
export function logLossGrad(dt: i32, z: usize, y: usize, g: usize, m: f64, o: usize, n: i32): void {
  if (dt == 0) {
    sigmoidDiffScaleLoop(z, y, load<f32>(g) / <f32>m, o, n);
    return;
  }
  const c = load<f64>(g) / m;
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 3;
    store<f64>(o + off, (sunary<f64>(SIGMOID, load<f64>(z + off)) - load<f64>(y + off)) * c);
  }
}

// -------------------------------------------------------------------------------------
// cast
// -------------------------------------------------------------------------------------

/** Convert n elements from dtype `from` to dtype `to` (0 float32, 1 float64). */
export function cast(from: i32, to: i32, x: usize, o: usize, n: i32): void {
  let i = 0;
  if (from == to) {
    memory.copy(o, x, <usize>n << (from == 0 ? 2 : 3));
  } else if (from == 0) {
    for (; i + 2 <= n; i += 2) v128.store(o + <usize>i * 8, f64x2.promote_low_f32x4(v128.load64_zero(x + <usize>i * 4)));
    for (; i < n; i++) store<f64>(o + <usize>i * 8, <f64>load<f32>(x + <usize>i * 4));
  } else {
    for (; i + 2 <= n; i += 2) v128.store64_lane(o + <usize>i * 4, f32x4.demote_f64x2_zero(v128.load(x + <usize>i * 8)), 0);
    for (; i < n; i++) store<f32>(o + <usize>i * 4, <f32>load<f64>(x + <usize>i * 8));
  }
}
