// grid.ts — workgroup counts for 1-D work that may exceed one grid dimension's limit.
// Kernels recover the flat index as gid.x + gid.y * num_workgroups.x * WORKGROUP_SIZE.

export function grid1d(items: number, workgroupSize: number, maxPerDimension: number): [number, number, number] {
  const groups = Math.ceil(items / workgroupSize);
  if (groups <= maxPerDimension) return [groups, 1, 1];
  const y = Math.ceil(groups / maxPerDimension);
  const x = Math.ceil(groups / y);
  if (y > maxPerDimension) throw new Error(`${items} items need more than ${maxPerDimension}² workgroups`);
  return [x, y, 1];
}
