// The row odometer of the broadcasting kernels (broadcast, gather, binary, where): they walk the
// output one row (innermost axis) at a time, with counters for the leading axes in the meta block
// and one element offset per input. Not exported from the module.

/** Zero the counters of the leading `r - 1` axes; returns the number of rows. */
@inline export function startRows(dims: usize, ctr: usize, r: usize): i32 {
  let rows = 1;
  for (let k: usize = 0; k + 1 < r; k++) {
    rows *= load<i32>(dims + k * 4);
    store<i32>(ctr + k * 4, 0);
  }
  return rows;
}

/** Advance to the next row: the leading axis whose counter moved (faster ones wrapped to 0), or -1 after the last row. */
@inline export function nextRow(dims: usize, ctr: usize, r: usize): i32 {
  for (let k = <i32>r - 2; k >= 0; k--) {
    const kk = <usize>k * 4;
    const c = load<i32>(ctr + kk) + 1;
    if (c < load<i32>(dims + kk)) {
      store<i32>(ctr + kk, c);
      return k;
    }
    store<i32>(ctr + kk, 0);
  }
  return -1;
}

/** How an input with element strides `s` moves when `nextRow` moved axis `k` (modular arithmetic: the sum stays in range). */
@inline export function rowStep(s: usize, dims: usize, k: i32, r: usize): usize {
  let d = <usize>load<i32>(s + <usize>k * 4);
  for (let j = k + 1; j + 1 < <i32>r; j++) d -= <usize>(load<i32>(s + <usize>j * 4) * (load<i32>(dims + <usize>j * 4) - 1));
  return d;
}
