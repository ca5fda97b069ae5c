// The row odometer of the broadcasting kernels (broadcast, gather, binary, where): they walk the
// output one row (innermost axis) at a time, with one element offset per input. Not exported
// from the module.
//
// The odometer keeps no state in memory: which axis moves after a row is computed from the row
// index alone. So a kernel writes nothing but its output, and the chunks of a split job, which
// share one descriptor (see ../parallel.ts), can run at the same time on several threads. (The
// counters used to live in the descriptor: chunks running at once overwrote each other's, and a
// chunk then walked its inputs out of step with its output.)

/** The number of rows: the product of the leading `r - 1` dims. */
@inline export function countRows(dims: usize, r: usize): i32 {
  let rows = 1;
  for (let k: usize = 0; k + 1 < r; k++) rows *= load<i32>(dims + k * 4);
  return rows;
}

/** After row `t`: the leading axis whose index moves (faster ones wrap to 0), or -1 after the last row. */
@inline export function nextRow(dims: usize, t: i32, r: usize): i32 {
  let q = <u32>(t + 1);
  for (let k = <i32>r - 2; k >= 0; k--) {
    const d = <u32>load<i32>(dims + <usize>k * 4);
    if (q % d != 0) return k;
    q /= d;
  }
  return -1;
}

/** How an input with element strides `s` moves when `nextRow` moved axis `k` (modular arithmetic: the sum stays in range). */
@inline export function rowStep(s: usize, dims: usize, k: i32, r: usize): usize {
  let d = <usize>load<i32>(s + <usize>k * 4);
  for (let j = k + 1; j + 1 < <i32>r; j++) d -= <usize>(load<i32>(s + <usize>j * 4) * (load<i32>(dims + <usize>j * 4) - 1));
  return d;
}
